//! `/ogc/api`: the OpenAPI 3.0 definition of the OGC API that Part 1's
//! OAS30 class asks for. openapi-spec-validator (PyPI, installed by
//! scripts/test.sh) checks it is valid 3.0; the rest checks that it is the
//! 3.1 document's `/ogc` part, linked from the landing page, with the
//! collections this server has.

use crate::common;

use assetmap::domain::Vocabulary;
use common::{Backend, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

const OAS30: &str = "application/vnd.oai.openapi+json;version=3.0";

async fn trafford() -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = common::fresh_store(Backend::Sqlite).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json");
    assetmap::import::sample::load(store.as_ref(), &Vocabulary::default(), &manifest, "test")
        .await
        .unwrap();
    (TestApp::on(&url, Some(common::TOKEN)).await, dir)
}

fn link<'a>(doc: &'a Value, rel: &str, media: &str) -> &'a str {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel && l["type"] == media)
        .unwrap_or_else(|| panic!("no {rel} link of {media}"))["href"]
        .as_str()
        .unwrap()
}

/// JSON Schema 2020-12 forms that 3.0 does not have, anywhere in `v`.
/// The members of `properties` are names, not keywords: a property may be
/// called `type`.
fn leftovers(v: &Value, at: &str, names: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                let here = format!("{at}/{k}");
                let bad = !names
                    && ((k == "type" && (!inner.is_string() || inner == "null"))
                        || ["const", "propertyNames", "prefixItems", "$schema"]
                            .contains(&k.as_str())
                        || (k == "exclusiveMinimum" && inner.is_number()));
                if bad {
                    out.push(here.clone());
                }
                leftovers(inner, &here, !names && k == "properties", out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                leftovers(inner, &format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ogc_api_has_a_valid_openapi_3_0_definition() {
    let (app, _dir) = trafford().await;
    let (_, landing) = app.get_json("/ogc?f=json").await;
    let href = link(&landing, "service-desc", OAS30).to_string();
    let r = app
        .client
        .get(&href)
        .header("Accept", OAS30)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], OAS30);
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    common::validate_openapi(&doc)
        .unwrap_or_else(|e| panic!("{href} is not valid OpenAPI 3.0:\n{e}"));
    let mut left = Vec::new();
    leftovers(&doc, "", false, &mut left);
    assert!(left.is_empty(), "3.1 forms left: {left:?}");
    assert_eq!(doc["servers"][0]["url"], app.url("/ogc"));

    // The /ogc part of the 3.1 document, relative to the landing page.
    let whole = assetmap::api::openapi::as_value();
    let expected: BTreeSet<String> = whole["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|p| p.strip_prefix("/ogc/").map(|rest| format!("/{rest}")))
        .collect();
    let paths: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(paths, expected);
    for p in [
        "/",
        "/conformance",
        "/api",
        "/collections/{collectionId}/items/{featureId}",
    ] {
        assert!(paths.contains(p), "{p} missing from {paths:?}");
    }

    // {collectionId} lists exactly the collections served.
    let (_, collections) = app.get_json("/ogc/collections?f=json").await;
    let ids: Vec<Value> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert!(ids.len() > 6, "the sample map has areas: {ids:?}");
    let items = &doc["paths"]["/collections/{collectionId}/items"]["get"];
    let param = items["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "collectionId")
        .expect("a collectionId parameter");
    assert_eq!(param["schema"]["enum"], Value::Array(ids));

    let (_, conformance) = app.get_json("/ogc/conformance?f=json").await;
    let classes = conformance["conformsTo"].as_array().unwrap();
    assert!(classes.contains(&json!(
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
    )));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_definition_has_a_page_and_the_validator_can_say_no() {
    let (app, _dir) = trafford().await;
    let (_, landing) = app.get_json("/ogc?f=json").await;
    let page = link(&landing, "service-doc", "text/html");
    let r = app.client.get(page).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(
        html.contains("GET /collections/{collectionId}/items"),
        "{html}"
    );
    assert!(html.contains("areas-"), "the collection ids are listed");
    // The 3.1 document merely relabelled as 3.0 is refused: the check
    // above is a real one.
    let mut relabelled = assetmap::api::openapi::as_value();
    relabelled["openapi"] = json!("3.0.3");
    assert!(common::validate_openapi(&relabelled).is_err());
    app.stop().await;
}

//! The OpenAPI document against the router: every route the router serves
//! is in the document with the same methods, and nothing else is; the
//! served document is the one the code makes; docs/api.md is made from it.
//! scripts/schemathesis.sh checks the answers against it on a live server.

use crate::common;

use common::{Backend, TestApp};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 5] = ["get", "post", "patch", "put", "delete"];

/// (path, method) of every route the router serves, read from axum's own
/// description of the router that `api::router` is built on.
fn routed() -> BTreeSet<(String, String)> {
    let text = format!("{:?}", assetmap::api::routes());
    let routes_at = text.find("routes: {").expect("the router lists its routes");
    let paths_at = text.find("node: Node { paths: {").expect("and their paths");
    let mut methods: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut rest = &text[routes_at..paths_at];
    while let Some(at) = rest.find("RouteId(") {
        rest = &rest[at + "RouteId(".len()..];
        let id: u32 = rest[..rest.find(')').unwrap()].parse().unwrap();
        let end = rest.find("fallback:").expect("a method router");
        let fields = &rest[..end];
        let served = METHODS
            .iter()
            .filter(|m| {
                let key = format!("{m}: ");
                let at = fields.find(&key).expect("every method is listed");
                !fields[at + key.len()..].starts_with("None")
            })
            .map(|m| m.to_string())
            .collect();
        methods.insert(id, served);
        rest = &rest[end..];
    }
    // The map of paths ends at the first brace outside quotes: paths such
    // as "/api/assets/{id}" hold braces of their own.
    let paths = &text[paths_at + "node: Node { paths: {".len()..];
    let mut quoted = false;
    let end = paths
        .char_indices()
        .find(|&(_, c)| {
            if c == '"' {
                quoted = !quoted;
            }
            c == '}' && !quoted
        })
        .map(|(at, _)| at)
        .expect("the end of the paths");
    let paths = &paths[..end];
    let mut out = BTreeSet::new();
    for entry in paths.split("RouteId(").skip(1) {
        let id: u32 = entry[..entry.find(')').unwrap()].parse().unwrap();
        let path = entry.split('"').nth(1).expect("a quoted path");
        for m in &methods[&id] {
            out.insert((path.to_string(), m.clone()));
        }
    }
    out
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((path.clone(), m.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_documented_with_its_methods() {
    let routed = routed();
    // The reading itself must work, or the comparison proves nothing.
    assert!(routed.len() > 40, "only {} routes read", routed.len());
    for known in [
        ("/api/assets", "post"),
        ("/api/assets/{id}", "patch"),
        ("/api/import", "post"),
        ("/ogc/collections/{collectionId}/items", "get"),
    ] {
        assert!(
            routed.contains(&(known.0.to_string(), known.1.to_string())),
            "{known:?} not read from the router"
        );
    }
    let doc = assetmap::api::openapi::as_value();
    let documented = documented(&doc);
    let missing: Vec<_> = routed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(missing.is_empty(), "routed but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
}

#[test]
fn every_operation_says_how_it_fails_and_who_may_write() {
    let doc = assetmap::api::openapi::as_value();
    assert_eq!(doc["openapi"], "3.1.0");
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["error"]));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            if path != "/ogc/style.css" && path != "/api/openapi.json" {
                assert!(responses.contains_key("4XX"), "{method} {path}: no 4XX");
            }
            let anonymous_writes = ["/api/session", "/api/invites/{token}", "/api/withdrawals"];
            if method != "get" && !anonymous_writes.contains(&path.as_str()) {
                let security = op["security"].as_array();
                assert!(
                    security.is_some_and(|s| !s.is_empty()),
                    "{method} {path} names no security"
                );
            }
        }
    }
}

#[test]
fn the_whole_document_is_valid_openapi() {
    // Strictly so: every answer has its description and every operation an
    // id of its own, which lenient readers forgive and code generators do not.
    let doc = assetmap::api::openapi::as_value();
    common::validate_openapi(&doc)
        .unwrap_or_else(|e| panic!("/api/openapi.json is not valid OpenAPI 3.1:\n{e}"));
}

#[test]
fn the_api_page_is_made_from_the_document() {
    let doc = assetmap::api::openapi::as_value();
    let made = assetmap::api::openapi::markdown::render(&doc);
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md"))
        .expect("docs/api.md");
    assert!(
        file == made,
        "docs/api.md is out of date: run `cargo run --release -- openapi --markdown > docs/api.md`"
    );
    for (path, _) in documented(&doc) {
        assert!(
            made.contains(&format!(" {path}`")),
            "{path} not on the page"
        );
    }
}

on_both_stores!(the_server_serves_the_document_and_ogc_links_it);

async fn the_server_serves_the_document_and_ogc_links_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let r = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("application/vnd.oai.openapi+json"), "{ct}");
    let served: Value = r.json().await.unwrap();
    assert_eq!(served, assetmap::api::openapi::as_value());
    let (status, landing) = app.get_json("/ogc?f=json").await;
    assert_eq!(status, 200);
    // The whole API's 3.1 document is linked too, after the 3.0 one of /ogc.
    let descs: Vec<&Value> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["rel"] == "service-desc")
        .collect();
    assert_eq!(descs.len(), 2, "{descs:?}");
    assert_eq!(
        descs[0]["type"],
        "application/vnd.oai.openapi+json;version=3.0"
    );
    let href = descs[1]["href"].as_str().unwrap();
    assert!(href.ends_with("/api/openapi.json"), "{href}");
    let r = app.client.get(href).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}

//! HSDS 3.0 (Open Referral): the `/hsds` API on the Trafford sample with
//! people and funds added, validated against the published schemas
//! (standards/hsds-3) with `check-jsonschema` (PyPI, installed by the test
//! command); the mapping's fields; errors in the API's shape; people never
//! in a directory. `hsds_package.rs` covers the data package and import.

use crate::common;
use crate::hsds_common;

use common::{field, Backend, TestApp};
use hsds_common::{check_jsonschema, extras, trafford, PERSON, UNFUNDED};
use serde_json::Value;
use std::collections::BTreeMap;

on_both_stores!(the_api_serves_every_service_valid_and_no_person);

async fn get(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get_json(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Every page of a list route, each checked against the page's shape.
async fn all_pages(app: &TestApp, path: &str, per_page: usize) -> (Vec<Value>, Vec<Value>) {
    let mut pages = Vec::new();
    let mut items = Vec::new();
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let body = get(app, &format!("{path}{sep}page={page}&per_page={per_page}")).await;
        assert_eq!(body["page_number"], page, "{body}");
        assert_eq!(body["first_page"], page == 1);
        let contents = body["contents"].as_array().unwrap().clone();
        assert_eq!(body["size"], contents.len());
        let last = body["last_page"].as_bool().unwrap();
        items.extend(contents);
        pages.push(body);
        if last {
            break;
        }
    }
    let total = pages[0]["total_items"].as_u64().unwrap() as usize;
    assert_eq!(items.len(), total, "{path}: pages add up to total_items");
    assert_eq!(
        pages[0]["total_pages"].as_u64().unwrap() as usize,
        total.div_ceil(per_page)
    );
    (pages, items)
}

fn by_name(items: &[Value]) -> BTreeMap<String, Value> {
    items
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s.clone()))
        .collect()
}

async fn the_api_serves_every_service_valid_and_no_person(backend: Backend) {
    let (app, _dir) = trafford(backend).await;
    extras(&app).await;

    let about = get(&app, "/hsds").await;
    assert_eq!(about["version"], "3.0");

    // What the directory should hold: every asset but people, and funds
    // only with a funder.
    let (_, export) = app.get_json("/api/export.geojson").await;
    let mut expected: Vec<String> = export["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let p = &f["properties"];
            match p["capital"].as_str().unwrap() {
                "human" => false,
                "financial" => {
                    ["grant_maker", "credit_union"].contains(&p["category"].as_str().unwrap())
                        || !p["tags"]["funder"].is_null()
                }
                _ => true,
            }
        })
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert!(expected.len() > 1500, "the sample is loaded");

    let (pages, services) = all_pages(&app, "/hsds/services", 400).await;
    let mut names: Vec<String> = services
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(names, expected);
    let (full_pages, _) = all_pages(&app, "/hsds/services?full=true", 1000).await;
    let (org_pages, orgs) = all_pages(&app, "/hsds/organizations", 1000).await;
    let (sal_pages, sals) = all_pages(&app, "/hsds/service_at_locations", 1000).await;
    assert_eq!(sals.len(), services.len(), "one location per service");

    // The mapping, field by field, on the assets added for it.
    let named = by_name(&services);
    let group = &named["Sale Lunch Club"];
    let one = get(
        &app,
        &format!("/hsds/services/{}", group["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["organization"]["name"], "Sale Churches Together");
    assert_eq!(one["url"], "https://lunch.example.org/");
    assert_eq!(one["email"], "hello@lunch.example.org");
    assert_eq!(one["assured_date"], "2025-03-04");
    assert_eq!(one["status"], "active");
    assert!(one["last_modified"].as_str().unwrap().ends_with('Z'));
    assert_eq!(one["phones"][0]["number"], "+44 161 000 0000");
    assert_eq!(one["contacts"][0]["email"], "hello@lunch.example.org");
    let mut hours: Vec<(String, String, String)> = one["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["freq"], "WEEKLY");
            let t = |k: &str| s[k].as_str().unwrap().to_string();
            (t("byday"), t("opens_at"), t("closes_at"))
        })
        .collect();
    hours.sort();
    assert_eq!(
        hours,
        [
            (
                "MO,TU,WE,TH,FR".into(),
                "09:00:00".into(),
                "17:00:00".into()
            ),
            ("SA".into(), "10:00:00".into(), "12:00:00".into())
        ]
    );
    let location = &one["service_at_locations"][0]["location"];
    assert_eq!(
        (
            location["longitude"].as_f64(),
            location["latitude"].as_f64()
        ),
        (Some(-2.32), Some(53.42))
    );
    let address = &location["addresses"][0];
    assert_eq!(address["address_1"], "12 High Street");
    assert_eq!(address["city"], "Sale");
    assert_eq!(address["postal_code"], "M33 7XX");
    assert_eq!(address["country"], "GB");
    assert_eq!(
        location["accessibility"][0]["description"],
        "Step-free entrance"
    );
    assert_eq!(
        one["attributes"][0]["taxonomy_term"]["code"], "social/group",
        "{one}"
    );
    let free_text = get(
        &app,
        &format!(
            "/hsds/services/{}",
            named["Knit and Natter"]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(
        free_text["schedules"][0]["description"],
        "Tuesdays 10am till noon"
    );
    assert!(free_text["schedules"][0]["byday"].is_null());

    // A fund is a service of its funder, listed under the funder.
    let fund = &named["Stretford Community Fund"];
    assert_eq!(fund["organization"]["name"], "Trafford Council");
    let funder = get(
        &app,
        &format!(
            "/hsds/organizations/{}",
            fund["organization_id"].as_str().unwrap()
        ),
    )
    .await;
    assert!(funder["services"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == fund["id"]));
    assert!(orgs.iter().any(|o| o["name"] == "Trafford Council"));

    let sal = get(
        &app,
        &format!(
            "/hsds/service_at_locations/{}",
            sals[0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(sal["service"]["id"], sals[0]["service_id"]);
    assert_eq!(sal["location"]["id"], sals[0]["location_id"]);

    // Filters: by organisation, text, and nearness to a postcode.
    let council = get(
        &app,
        &format!(
            "/hsds/services?organization_id={}",
            fund["organization_id"].as_str().unwrap()
        ),
    )
    .await;
    // The sample's council-run care homes share the funder's organisation.
    let listed = council["contents"].as_array().unwrap();
    assert!(listed.iter().any(|s| s["id"] == fund["id"]), "{council}");
    assert!(listed
        .iter()
        .all(|s| s["organization_id"] == fund["organization_id"]));
    let found = get(&app, "/hsds/services?search=lunch%20club").await;
    assert_eq!(found["contents"][0]["name"], "Sale Lunch Club");
    // Search reads the category too: the sample's food banks are named by
    // their operator ("Trussell Trust, Sale"), not "food bank".
    let (_, banks) = app
        .get_json("/api/assets?category=food_bank&limit=100")
        .await;
    let banks = banks["features"].as_array().unwrap().len();
    let found = get(&app, "/hsds/services?search=food%20bank&per_page=100").await;
    assert!(banks > 0);
    assert!(
        found["total_items"].as_u64().unwrap() >= banks as u64,
        "{found}"
    );
    let near = get(
        &app,
        "/hsds/service_at_locations?postcode=M15%204AB&proximity=300",
    )
    .await;
    assert!(near["total_items"].as_u64().unwrap() < sals.len() as u64);

    // Ids are stable: asked again, the same.
    let again = get(&app, "/hsds/services?per_page=400").await;
    assert_eq!(again["contents"], pages[0]["contents"]);

    // No person, and no fund without a funder, anywhere in the directory.
    let mut bodies = vec![one.clone(), funder.clone(), sal.clone()];
    bodies.extend(
        pages
            .iter()
            .chain(&full_pages)
            .chain(&org_pages)
            .chain(&sal_pages)
            .cloned(),
    );
    for body in &bodies {
        let text = body.to_string();
        for secret in [PERSON, "jo@example.org", "07700 900123", UNFUNDED] {
            assert!(!text.contains(secret), "{secret} is in the directory");
        }
    }

    // Every answer is what the HSDS schemas say.
    let mut checks: Vec<(&str, Vec<Value>)> = vec![
        ("service_page.json", pages.clone()),
        ("service_full_page.json", full_pages),
        ("organization_page.json", org_pages),
        ("service_at_location_page.json", sal_pages),
        ("service.json", vec![one, free_text]),
        ("organization.json", vec![funder]),
        ("service_at_location.json", vec![sal]),
    ];
    for (schema, instances) in checks.drain(..) {
        check_jsonschema(schema, &instances);
    }

    // Errors in the API's shape, naming what is wrong.
    for (path, status, name) in [
        ("/hsds/services?page=0", 400, "page"),
        ("/hsds/services?page=two", 400, "page"),
        ("/hsds/services?page=999", 400, "page"),
        ("/hsds/services?per_page=5000", 400, "per_page"),
        ("/hsds/services?per_page=-1", 400, "per_page"),
        (
            "/hsds/services?modified_after=yesterday",
            400,
            "modified_after",
        ),
        ("/hsds/services?format=xml", 400, "format"),
        ("/hsds/services?full=maybe", 400, "full"),
        ("/hsds/organizations?page=0", 400, "page"),
        (
            "/hsds/service_at_locations?postcode=ZZ99%209ZZ",
            400,
            "postcode",
        ),
        ("/hsds/service_at_locations?proximity=100", 400, "postcode"),
    ] {
        let (s, body) = app.get_json(path).await;
        assert_eq!((s, field(&body)), (status, name), "{path}: {body}");
    }
    for path in [
        "/hsds/services/00000000-0000-0000-0000-000000000000",
        "/hsds/services/not-an-id",
        "/hsds/organizations/00000000-0000-0000-0000-000000000000",
        "/hsds/service_at_locations/00000000-0000-0000-0000-000000000000",
    ] {
        let (s, body) = app.get_json(path).await;
        assert_eq!(
            (s, body["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{path}"
        );
    }
    // A later change shows at once.
    let modified = get(&app, "/hsds/services?modified_after=2100-01-01").await;
    assert_eq!(
        (
            modified["total_items"].as_u64(),
            modified["empty"].as_bool()
        ),
        (Some(0), Some(true))
    );
    app.stop().await;
}

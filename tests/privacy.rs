//! People's privacy on every route that gives assets out: a person mapped
//! with every field filled shows no exact place, no address and no contact
//! detail to an anonymous client, anywhere; a moderator (the admin token)
//! reading by id sees the whole record. And a proposed asset is not public.

use crate::common;

use common::{fresh_store, point, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    a_person_shows_no_place_address_or_contact_on_any_route,
    a_proposed_asset_is_not_public,
);

const EXACT: [f64; 2] = [-2.34567, 53.41234];

/// Text that must never reach an anonymous client.
const SECRETS: &[&str] = &[
    "-2.34567",
    "53.41234",
    "12 Example Road",
    "7XX",
    "0161 496 0000",
    "jo@example.org",
    "https://jo.example",
    "Secret Street",
    "07700 900000",
    "07700 900001",
    "jo2@example.org",
    "jo3@example.org",
    "volunteer register row 7",
    "Officer Smith",
];

fn person() -> Value {
    let mut f = point("Jo: bike repair", "human", "skill", EXACT[0], EXACT[1]);
    let props = f["properties"].as_object_mut().unwrap();
    for (key, value) in [
        ("consent", json!(true)),
        ("description", json!("I can fix most bikes")),
        ("address", json!("12 Example Road")),
        ("postcode", json!("M33 7XX")),
        ("phone", json!("0161 496 0000")),
        ("email", json!("jo@example.org")),
        ("website", json!("https://jo.example")),
        ("opening_hours", json!("Sa 10:00-12:00")),
        ("source", json!("volunteer register row 7")),
        ("verified_by", json!("Officer Smith")),
        ("verified_at", json!("2025-01-02T03:04:05Z")),
        (
            "tags",
            json!({
                "skill": "bikes",
                "addr:street": "Secret Street",
                "addr:housenumber": "12",
                "addr:postcode": "M33 7XX",
                "contact:phone": "07700 900000",
                "contact:email": "jo2@example.org",
                "phone": "07700 900001",
                "email": "jo3@example.org",
            }),
        ),
    ] {
        props.insert(key.into(), value);
    }
    f
}

/// A store holding one ward around the person, served with the token.
async fn app_with_a_ward(backend: Backend) -> (TestApp, Option<tempfile::TempDir>) {
    use geo::polygon;
    let (url, dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    store
        .upsert_areas(&[assetmap::domain::Area {
            code: "W1".into(),
            name: "Test ward".into(),
            level: "ward".into(),
            geometry: polygon![(x: -2.4, y: 53.3), (x: -2.2, y: 53.3), (x: -2.2, y: 53.5), (x: -2.4, y: 53.5), (x: -2.4, y: 53.3)].into(),
            population: None,
        }])
        .await
        .unwrap();
    (TestApp::on(&url, Some(TOKEN)).await, dir)
}

fn assert_hidden(route: &str, body: &str) {
    for secret in SECRETS {
        assert!(
            !body.contains(secret),
            "{route} gives away {secret:?}: {body}"
        );
    }
}

/// The one feature in a collection, or the feature itself.
fn the_person(route: &str, body: &Value) -> Value {
    match body["features"].as_array() {
        Some(features) => {
            assert_eq!(features.len(), 1, "{route}: {body}");
            features[0].clone()
        }
        None => body.clone(),
    }
}

fn assert_generalised(route: &str, feature: &Value) {
    let c = feature["geometry"]["coordinates"].as_array().unwrap();
    let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    assert!(
        (lon - -2.345).abs() < 1e-9 && (lat - 53.415).abs() < 1e-9,
        "{route}: {c:?}"
    );
    let p = &feature["properties"];
    assert_eq!(p["postcode"], "M33", "{route}");
    assert_eq!(p["tags"], json!({"skill": "bikes"}), "{route}");
    for gone in ["address", "phone", "email", "website", "source"] {
        assert_eq!(p[gone], Value::Null, "{route}: {gone}");
    }
    assert_eq!(p["name"], "Jo: bike repair", "{route}");
}

async fn a_person_shows_no_place_address_or_contact_on_any_route(backend: Backend) {
    let (app, _dir) = app_with_a_ward(backend).await;
    let created = app.create(&person()).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_generalised("POST", &created);
    let json_routes = [
        format!("/api/assets/{id}"),
        "/api/assets?bbox=-2.5,53.3,-2.2,53.5".to_string(),
        "/api/assets?lon=-2.345&lat=53.415&radius_m=2000".to_string(),
        "/api/assets/nearest?lon=-2.345&lat=53.415".to_string(),
        "/api/assets?q=bike".to_string(),
        "/api/assets?within=W1".to_string(),
        "/api/export.geojson".to_string(),
        format!("/ogc/collections/assets/items/{id}"),
        format!("/ogc/collections/assets-human/items/{id}"),
        "/ogc/collections/assets/items?bbox=-2.5,53.3,-2.2,53.5".to_string(),
        "/ogc/collections/assets-human/items?q=bike".to_string(),
        "/ogc/collections/assets/items?datetime=2000-01-01/..".to_string(),
    ];
    for route in &json_routes {
        let r = app.client.get(app.url(route)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{route}");
        let text = r.text().await.unwrap();
        assert_hidden(route, &text);
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_generalised(route, &the_person(route, &body));
    }
    let csv = app
        .client
        .get(app.url("/api/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_hidden("/api/export.csv", &csv);
    // A directory (HSDS) holds no person at all, not even by area.
    let sid = assetmap::hsds::service_id(id.parse().unwrap(), None);
    for route in [
        "/hsds/services?full=true&per_page=1000".to_string(),
        "/hsds/services?search=bike".to_string(),
        "/hsds/organizations?full=true&per_page=1000".to_string(),
        "/hsds/service_at_locations?full=true&per_page=1000".to_string(),
    ] {
        let text = app.client.get(app.url(&route)).send().await.unwrap();
        let text = text.text().await.unwrap();
        assert!(!text.contains("Jo: bike repair"), "{route}: {text}");
        assert_hidden(&route, &text);
    }
    let (status, _) = app.get_json(&format!("/hsds/services/{sid}")).await;
    assert_eq!(status, 404, "a person is no service");
    // The OGC API's pages for a browser, and its JSON even to a moderator:
    // it is a public service and reads no token.
    for route in [
        format!("/ogc/collections/assets/items/{id}?f=html"),
        "/ogc/collections/assets-human/items?f=html".to_string(),
    ] {
        let html = app.client.get(app.url(&route)).send().await.unwrap();
        let html = html.text().await.unwrap();
        assert!(html.contains("Jo: bike repair"), "{route}: {html}");
        assert_hidden(&route, &html);
    }
    let route = format!("/ogc/collections/assets/items/{id}");
    let r = app.request(Method::GET, &route).send().await.unwrap();
    assert_hidden("OGC by id with the token", &r.text().await.unwrap());
    assert!(csv.contains("Jo: bike repair"), "{csv}");
    // Searching for what is hidden finds nothing.
    for q in [
        "Secret%20Street",
        "Example%20Road",
        "0161",
        "jo%40example.org",
    ] {
        let (_, found) = app.get_json(&format!("/api/assets?q={q}")).await;
        assert_eq!(found["numberMatched"], 0, "q={q}");
    }
    // A wrong token reads as the public does.
    let r = app
        .client
        .get(app.url(&format!("/api/assets/{id}")))
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_hidden("by id, wrong token", &r.text().await.unwrap());

    // The moderator sees the whole record, and no cache keeps it.
    let r = app
        .request(Method::GET, &format!("/api/assets/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(r.headers()["vary"], "Authorization, Cookie");
    let whole: Value = r.json().await.unwrap();
    assert_eq!(whole["geometry"]["coordinates"], json!(EXACT));
    let p = &whole["properties"];
    assert_eq!(p["address"], "12 Example Road");
    assert_eq!(p["postcode"], "M33 7XX");
    assert_eq!(p["phone"], "0161 496 0000");
    assert_eq!(p["tags"]["addr:street"], "Secret Street");
    assert_eq!(p["consent"], true);
    app.stop().await;
}

async fn a_proposed_asset_is_not_public(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut proposal = point("Maybe a library", "public", "library", -2.35, 53.39);
    proposal["properties"]["status"] = json!("proposed");
    let created = app.create(&proposal).await;
    let path = format!("/api/assets/{}", created["id"].as_str().unwrap());
    let (status, body) = app.get_json(&path).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let r = app.request(Method::GET, &path).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let whole: Value = r.json().await.unwrap();
    assert_eq!(whole["properties"]["status"], "proposed");
    let ogc = format!(
        "/ogc/collections/assets/items/{}",
        created["id"].as_str().unwrap()
    );
    let r = app.request(Method::GET, &ogc).send().await.unwrap();
    assert_eq!(r.status(), 404, "{ogc}");
    for route in [
        "/api/assets?bbox=-2.5,53.3,-2.2,53.5",
        "/api/assets?q=library",
        "/api/export.geojson",
        "/ogc/collections/assets/items",
        "/ogc/collections/assets-public/items?f=html",
    ] {
        let text = app
            .client
            .get(app.url(route))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!text.contains("Maybe a library"), "{route}: {text}");
    }
    app.stop().await;
}

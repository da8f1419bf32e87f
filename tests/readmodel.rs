//! The read model equals the store: after random creates, updates and
//! archives by two servers on one store, every public answer a server gives
//! from memory (by id, lists, text search, both exports) is what the
//! store's own rows say, feature by feature.

use crate::common;

use assetmap::domain::Status;
use common::{status_json, Backend, TestApp};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

on_both_stores!(
    read_model_equals_the_store_after_random_writes_by_two_servers,
    bad_rings_and_too_many_vertices_are_refused_with_422,
);

/// Six decimals, so the store's text of a coordinate is exact.
fn coord(rng: &mut SmallRng, lo: f64, hi: f64) -> f64 {
    (rng.gen_range(lo..hi) * 1e6_f64).round() / 1e6
}

fn maybe(rng: &mut SmallRng, text: &str) -> Value {
    if rng.gen_bool(0.5) {
        json!(format!("{text} {}", rng.gen::<u16>()))
    } else {
        Value::Null
    }
}

fn random_feature(rng: &mut SmallRng, n: usize) -> Value {
    let (lon, lat) = (coord(rng, -2.5, -2.2), coord(rng, 53.35, 53.5));
    let person = rng.gen_bool(0.25);
    let geometry = if !person && rng.gen_bool(0.3) {
        let d = 0.002;
        json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
    } else {
        json!({"type": "Point", "coordinates": [lon, lat]})
    };
    let (capital, category) = if person {
        ("human", "skill")
    } else {
        [("public", "library"), ("social", "food_bank")][rng.gen_range(0..2)]
    };
    let mut tags = serde_json::Map::new();
    if rng.gen_bool(0.5) {
        tags.insert("addr:street".into(), json!("High Street"));
        tags.insert("skill".into(), json!("bikes"));
    }
    json!({"type": "Feature", "geometry": geometry, "properties": {
        "name": format!("Asset {n} {}", ["Library", "Café", "Garden"][n % 3]),
        "capital": capital, "category": category, "consent": person,
        "description": maybe(rng, "Description"), "address": maybe(rng, "1 High St"),
        "postcode": if rng.gen_bool(0.5) { json!("M33 7XX") } else { Value::Null },
        "phone": maybe(rng, "0161"), "email": if rng.gen_bool(0.5) { json!("a@b.org") } else { Value::Null },
        "website": maybe(rng, "https://example.org/"), "tags": tags,
        "status": if rng.gen_bool(0.1) { "proposed" } else { "published" },
    }})
}

/// What the store says the public sees: each published asset's public
/// feature, by id.
pub(crate) async fn store_view(db_url: &str) -> BTreeMap<String, Value> {
    let store = assetmap::store::open(db_url).await.unwrap();
    store
        .all_assets()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.draft.status == Status::Published)
        .map(|a| (a.id.to_string(), a.to_public_feature()))
        .collect()
}

pub(crate) fn by_id(features: &Value) -> BTreeMap<String, Value> {
    features
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

/// Equal maps, reporting the first asset that differs.
pub(crate) fn assert_same(
    got: &BTreeMap<String, Value>,
    truth: &BTreeMap<String, Value>,
    what: &str,
) {
    for (id, expected) in truth {
        assert_eq!(got.get(id), Some(expected), "{what}: asset {id}");
    }
    assert_eq!(got.len(), truth.len(), "{what}: extra assets");
}

async fn random_writes(servers: &[&TestApp], rng: &mut SmallRng) {
    let mut live: Vec<(String, i64)> = Vec::new();
    for n in 0..120 {
        let app = servers[rng.gen_range(0..servers.len())];
        match rng.gen_range(0..10) {
            0..=5 => {
                let created = app.create(&random_feature(rng, n)).await;
                live.push((created["id"].as_str().unwrap().into(), 1));
            }
            6..=8 if !live.is_empty() => {
                let i = rng.gen_range(0..live.len());
                let (id, version) = live[i].clone();
                let mut patch = random_feature(rng, n);
                let props = patch["properties"].as_object_mut().unwrap();
                props.insert("status".into(), json!("published"));
                // The kind of asset stays: a place does not become a person.
                for key in ["capital", "category", "consent"] {
                    props.remove(key);
                }
                let (status, body) = app.patch(&id, version, &patch).await;
                assert_eq!(status, 200, "{body}");
                live[i].1 = version + 1;
            }
            _ if !live.is_empty() => {
                let (id, _) = live.swap_remove(rng.gen_range(0..live.len()));
                assert_eq!(app.archive(&id).await, 204);
            }
            _ => {}
        }
    }
}

/// Waits until the server's export says what the store says (the other
/// server's last writes reach it through the change log), or 10 s pass.
/// Equal counts are not enough: an update may not have arrived yet.
async fn export_when_caught_up(app: &TestApp, truth: &BTreeMap<String, Value>) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, export) = app.get_json("/api/export.geojson").await;
        assert_eq!(status, 200);
        if by_id(&export["features"]) == *truth || Instant::now() > deadline {
            return export;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn read_model_equals_the_store_after_random_writes_by_two_servers(backend: Backend) {
    let a = TestApp::spawn(backend).await;
    let b = TestApp::on(&a.db_url, Some(common::TOKEN)).await;
    let mut rng = SmallRng::seed_from_u64(13);
    random_writes(&[&a, &b], &mut rng).await;
    let truth = store_view(&a.db_url).await;
    assert!(truth.len() > 30, "only {} published", truth.len());
    // A server started now reads everything through its start-up scan, not
    // the change log: polygons, people, tags and absent fields alike.
    let c = TestApp::on(&a.db_url, Some(common::TOKEN)).await;
    for app in [&a, &b, &c] {
        let export = export_when_caught_up(app, &truth).await;
        assert_same(&by_id(&export["features"]), &truth, "export");
        let (_, list) = app.get_json("/api/assets?limit=10000").await;
        assert_eq!(list["numberMatched"], truth.len());
        assert_same(&by_id(&list["features"]), &truth, "list");
        let (_, page) = app
            .get_json("/api/assets?bbox=-3,53,-2,54&limit=7&offset=3")
            .await;
        assert_eq!(page["numberReturned"], 7);
        for f in page["features"].as_array().unwrap() {
            assert_eq!(Some(f), truth.get(f["id"].as_str().unwrap()));
        }
        for (id, feature) in truth.iter().take(20) {
            let (status, got) = app.get_json(&format!("/api/assets/{id}")).await;
            assert_eq!((status, &got), (200, feature));
        }
        // Text search from memory matches what the store's text would.
        let (_, found) = app.get_json("/api/assets?q=caf%C3%A9&limit=10000").await;
        let expected: BTreeMap<String, Value> = truth
            .iter()
            .filter(|(_, f)| f["properties"]["name"].as_str().unwrap().contains("Café"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_same(&by_id(&found["features"]), &expected, "q");
        let r = app
            .client
            .get(app.url("/api/export.csv"))
            .send()
            .await
            .unwrap();
        let csv = r.text().await.unwrap();
        assert_eq!(csv.lines().count(), truth.len() + 1, "one CSV row each");
    }
    c.stop().await;
    b.stop().await;
    a.stop().await;
}

async fn bad_rings_and_too_many_vertices_are_refused_with_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let polygon = |ring: Value| {
        json!({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": ring},
               "properties": {"name": "Park", "capital": "physical", "category": "green_space"}})
    };
    let bow_tie = json!([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]);
    let hole_outside = json!([
        [[0, 0], [1, 0], [1, 1], [0, 0]],
        [[5, 5], [6, 5], [6, 6], [5, 5]]
    ]);
    let n = assetmap::domain::MAX_VERTICES + 1;
    let mut star: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let r = if i % 2 == 0 { 0.01 } else { 0.005 };
            [-2.3 + r * a.cos(), 53.4 + r * a.sin()]
        })
        .collect();
    star.push(star[0]);
    for (ring, says) in [
        (bow_tie, "crosses itself"),
        (hole_outside, "outside its shell"),
        (json!([star]), "at most"),
    ] {
        let r = app
            .request(Method::POST, "/api/assets")
            .json(&polygon(ring))
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(r).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field"], "geometry");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(says),
            "{body}"
        );
    }
    // The same checks hold for a PATCH and an import.
    let ok = app
        .create(&common::point("Library", "public", "library", -2.3, 53.4))
        .await;
    let (status, body) = app
        .patch(
            ok["id"].as_str().unwrap(),
            1,
            &json!({"geometry": {"type": "Polygon",
            "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}),
        )
        .await;
    assert_eq!((status, common::field(&body)), (422, "geometry"), "{body}");
    let import = json!({"type": "FeatureCollection", "features": [polygon(json!([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]))]});
    let r = app
        .request(Method::POST, "/api/import?dataset=parks")
        .json(&import)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("crosses itself"), "{body}");
    app.stop().await;
}

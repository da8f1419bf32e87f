//! After a long random run of creates, updates and archives, the index's
//! answers equal a brute-force answer computed from the store's own rows;
//! and writes made by another process reach a server's index in a second.

use crate::common;

use assetmap::domain::{haversine_m, Asset, Placement, Status, Visibility};
use assetmap::store::{Change, ChangeOp};
use common::{Backend, TestApp};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

on_both_stores!(
    index_answers_equal_brute_force_after_random_writes,
    another_process_writes_reach_the_index_within_a_second,
    areas_loaded_by_another_process_reach_a_running_server,
);

const CAPITALS: [(&str, &str); 4] = [
    ("public", "library"),
    ("social", "food_bank"),
    ("physical", "green_space"),
    ("financial", "credit_union"),
];

fn random_feature(rng: &mut SmallRng, n: usize) -> Value {
    let (capital, category) = CAPITALS[rng.gen_range(0..CAPITALS.len())];
    let lon = rng.gen_range(-2.5..-2.2);
    let lat = rng.gen_range(53.35..53.5);
    let geometry = if rng.gen_bool(0.3) {
        let d = rng.gen_range(0.001..0.01);
        json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
    } else {
        json!({"type": "Point", "coordinates": [lon, lat]})
    };
    json!({"type": "Feature", "geometry": geometry,
           "properties": {"name": format!("asset {n}"), "capital": capital, "category": category}})
}

fn visible(a: &Asset) -> Option<Placement> {
    (a.draft.status == Status::Published)
        .then(|| a.placement().for_visibility(a.draft.visibility()))
}

fn ids(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

async fn index_answers_equal_brute_force_after_random_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut rng = SmallRng::seed_from_u64(42);
    let mut live: Vec<(String, i64)> = Vec::new();
    for n in 0..400 {
        let roll = rng.gen_range(0..10);
        if live.is_empty() || roll < 5 {
            let created = app.create(&random_feature(&mut rng, n)).await;
            live.push((created["id"].as_str().unwrap().to_string(), 1));
        } else if roll < 8 {
            let i = rng.gen_range(0..live.len());
            let (id, version) = live[i].clone();
            let replacement = random_feature(&mut rng, n);
            let (status, body) = app.patch(&id, version, &replacement).await;
            assert_eq!(status, 200, "{body}");
            live[i].1 = version + 1;
        } else {
            let (id, _) = live.swap_remove(rng.gen_range(0..live.len()));
            assert_eq!(app.archive(&id).await, 204);
        }
    }

    let store = assetmap::store::open(&app.db_url).await.unwrap();
    let rows = store.all_assets().await.unwrap();
    let published: Vec<(String, Placement, &str)> = rows
        .iter()
        .filter_map(|a| visible(a).map(|p| (a.id.to_string(), p, a.draft.capital().as_str())))
        .collect();
    assert_eq!(published.len(), live.len());
    assert!(rows.iter().any(|a| a.draft.status == Status::Archived));
    assert!(rows
        .iter()
        .all(|a| a.draft.visibility() == Visibility::Exact));

    for _ in 0..25 {
        // Boxes: every asset whose bounds meet the box.
        let (w, s) = (rng.gen_range(-2.5..-2.25), rng.gen_range(53.35..53.47));
        let (e, n) = (w + rng.gen_range(0.01..0.2), s + rng.gen_range(0.01..0.1));
        let want: BTreeSet<String> = published
            .iter()
            .filter(|(_, p, _)| p.min[0] <= e && p.max[0] >= w && p.min[1] <= n && p.max[1] >= s)
            .map(|(id, _, _)| id.clone())
            .collect();
        let (_, got) = app
            .get_json(&format!("/api/assets?bbox={w},{s},{e},{n}&limit=10000"))
            .await;
        assert_eq!(ids(&got).into_iter().collect::<BTreeSet<_>>(), want);
        assert_eq!(got["numberMatched"].as_u64().unwrap() as usize, want.len());

        // Radius, with a capital filter: exact ids in distance order.
        let c = [rng.gen_range(-2.5..-2.2), rng.gen_range(53.35..53.5)];
        let r = rng.gen_range(200.0..5000.0);
        let mut want: Vec<(f64, String)> = published
            .iter()
            .filter(|(_, _, cap)| *cap == "social" || *cap == "public")
            .map(|(id, p, _)| (haversine_m(c, p.point), id.clone()))
            .filter(|(d, _)| *d <= r)
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (_, got) = app
            .get_json(&format!(
                "/api/assets?lon={}&lat={}&radius_m={r}&capital=social,public&limit=10000",
                c[0], c[1]
            ))
            .await;
        assert_eq!(
            ids(&got),
            want.iter().map(|(_, id)| id.clone()).collect::<Vec<_>>()
        );

        // Nearest k.
        let k = rng.gen_range(1..20);
        let mut all: Vec<(f64, String)> = published
            .iter()
            .map(|(id, p, _)| (haversine_m(c, p.point), id.clone()))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (_, got) = app
            .get_json(&format!(
                "/api/assets/nearest?lon={}&lat={}&k={k}",
                c[0], c[1]
            ))
            .await;
        let want: Vec<String> = all.into_iter().take(k).map(|(_, id)| id).collect();
        assert_eq!(ids(&got), want);
    }
    app.stop().await;
}

/// Polls until `check` holds, failing after one second.
async fn within_a_second(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what} did not happen within one second");
}

async fn another_process_writes_reach_the_index_within_a_second(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Another process (a second server, the importer) writing straight to
    // the store, as it would over its own connection.
    let other = assetmap::store::open(&app.db_url).await.unwrap();
    let vocabulary = assetmap::domain::Vocabulary::default();
    let draft = assetmap::domain::AssetDraft::from_feature(
        &common::point("Written elsewhere", "social", "food_bank", -2.3, 53.4),
        &vocabulary,
    )
    .unwrap();
    let now = chrono::Utc::now();
    let asset = Asset {
        id: uuid::Uuid::new_v4(),
        draft,
        created_at: now,
        created_by: "importer".into(),
        updated_at: now,
        updated_by: "importer".into(),
        version: 1,
    };
    other
        .write(&[Change {
            asset: asset.clone(),
            op: ChangeOp::Create,
            expected_version: None,
        }])
        .await
        .unwrap();
    let nearest = "/api/assets/nearest?lon=-2.3&lat=53.4&k=1";
    within_a_second("a create by another process", async || {
        app.get_json(nearest).await.1["numberReturned"] == 1
    })
    .await;

    let mut archived = asset.clone();
    archived.draft.status = Status::Archived;
    archived.version = 2;
    other
        .write(&[Change {
            asset: archived,
            op: ChangeOp::Archive,
            expected_version: Some(1),
        }])
        .await
        .unwrap();
    within_a_second("an archive by another process", async || {
        app.get_json(nearest).await.1["numberReturned"] == 0
    })
    .await;
    app.stop().await;
}

/// Two servers on one PostGIS database: a write through one is answered
/// by the other within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgis_converge() {
    let a = TestApp::spawn(Backend::Postgis).await;
    let b = TestApp::on(&a.db_url, Some(common::TOKEN)).await;
    let created = a
        .create(&common::point(
            "Sale Library",
            "public",
            "library",
            -2.319,
            53.4246,
        ))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    within_a_second("a create through the other server", async || {
        b.get_json("/api/assets?lon=-2.319&lat=53.4246&radius_m=50")
            .await
            .1["numberMatched"]
            == 1
    })
    .await;

    let (status, _) = b
        .patch(
            &id,
            1,
            &json!({"geometry": {"type": "Point", "coordinates": [-2.35, 53.39]}}),
        )
        .await;
    assert_eq!(status, 200);
    within_a_second("a move through the other server", async || {
        a.get_json("/api/assets?lon=-2.35&lat=53.39&radius_m=50")
            .await
            .1["numberMatched"]
            == 1
    })
    .await;
    assert_eq!(
        a.get_json("/api/assets?lon=-2.319&lat=53.4246&radius_m=50")
            .await
            .1["numberMatched"],
        0
    );

    assert_eq!(a.archive(&id).await, 204);
    within_a_second("an archive through the other server", async || {
        b.get_json("/api/assets?lon=-2.35&lat=53.39&radius_m=50")
            .await
            .1["numberMatched"]
            == 0
    })
    .await;
    let (_, health) = b.get_json("/api/health").await;
    assert_eq!(health["store"], "postgis");
    assert_eq!(health["last_seq"], 3);
    b.stop().await;
    a.stop().await;
}

/// Areas and postcodes have no change log; a server notices them by a
/// stamp it checks every few seconds.
async fn areas_loaded_by_another_process_reach_a_running_server(backend: Backend) {
    use geo::polygon;
    let app = TestApp::spawn(backend).await;
    let (status, _) = app.get_json("/api/areas?level=ward").await;
    assert_eq!(status, 400, "no areas yet");
    let other = assetmap::store::open(&app.db_url).await.unwrap();
    let ward = assetmap::domain::Area {
        code: "W1".into(),
        name: "Test ward".into(),
        level: "ward".into(),
        geometry: polygon![(x: -2.4, y: 53.3), (x: -2.2, y: 53.3), (x: -2.2, y: 53.5), (x: -2.4, y: 53.5), (x: -2.4, y: 53.3)].into(),
        population: None,
    };
    other.upsert_areas(&[ward]).await.unwrap();
    let start = Instant::now();
    loop {
        let (status, body) = app.get_json("/api/areas?level=ward").await;
        if status == 200 {
            assert_eq!(body["features"][0]["properties"]["name"], "Test ward");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the server never saw the new ward"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, within) = app.get_json("/api/assets?within=W1").await;
    assert_eq!(within["numberMatched"], 0);
    app.stop().await;
}

//! Two servers on one PostGIS database. One is taken away (stopped and
//! started again, or cut off from the database by a network cut) while
//! creates, moves and archives go through the other; when it is back it
//! has caught up from the change log: every asset at its latest version,
//! none missing, none twice, the same as the store and the other server.

use crate::common;

use assetmap::domain::Status;
use common::proxy::CutProxy;
use common::{point, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// (id, version) of each public asset, in the order the export gave them.
async fn served(app: &TestApp) -> Vec<(String, i64)> {
    let (status, export) = app.get_json("/api/export.geojson").await;
    assert_eq!(status, 200);
    export["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let version = f["properties"]["version"].as_i64().unwrap();
            (f["id"].as_str().unwrap().to_string(), version)
        })
        .collect()
}

/// The truth: (id, version) of each published asset in the store.
async fn stored(db_url: &str) -> BTreeSet<(String, i64)> {
    let store = assetmap::store::open(db_url).await.unwrap();
    store
        .all_assets()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.draft.status == Status::Published)
        .map(|a| (a.id.to_string(), a.version))
        .collect()
}

/// Creates, moves and archives through `app`; `live` holds what is
/// published and its version.
async fn write_some(app: &TestApp, live: &mut Vec<(String, i64)>, round: usize) {
    for n in 0..12 {
        let lon = -2.4 + 0.01 * n as f64;
        let lat = 53.40 + 0.001 * round as f64;
        let name = format!("Round {round} asset {n}");
        let created = app
            .create(&point(&name, "public", "library", lon, lat))
            .await;
        live.push((created["id"].as_str().unwrap().to_string(), 1));
    }
    // Move every other one, twice for some, and archive a few.
    for i in (0..live.len()).step_by(2) {
        let (id, version) = live[i].clone();
        let moves = if i % 4 == 0 { 2 } else { 1 };
        for m in 0..moves {
            let v = version + m;
            let to = json!({"geometry": {"type": "Point",
                "coordinates": [-2.3 + 0.001 * i as f64, 53.45 + 0.001 * (round + m as usize) as f64]}});
            let (status, body) = app.patch(&id, v, &to).await;
            assert_eq!(status, 200, "{body}");
        }
        live[i].1 = version + moves;
    }
    for _ in 0..3 {
        let (id, _) = live.remove(live.len() / 2);
        assert_eq!(app.archive(&id).await, 204);
    }
}

/// Waits until `app` serves exactly `truth`, and says what it served last.
async fn caught_up(app: &TestApp, truth: &BTreeSet<(String, i64)>) -> Vec<(String, i64)> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = served(app).await;
        if now.iter().cloned().collect::<BTreeSet<_>>() == *truth || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn assert_converged(a: &TestApp, b: &TestApp, live: &[(String, i64)]) {
    let truth = stored(&a.db_url).await;
    assert_eq!(
        truth,
        live.iter().cloned().collect(),
        "the store has every write"
    );
    for (app, which) in [(a, "the server written through"), (b, "the replica")] {
        let got = caught_up(app, &truth).await;
        let set: BTreeSet<_> = got.iter().cloned().collect();
        let missing: Vec<_> = truth.difference(&set).collect();
        let extra: Vec<_> = set.difference(&truth).collect();
        assert!(missing.is_empty(), "{which} misses {missing:?}");
        assert!(extra.is_empty(), "{which} has stale or archived {extra:?}");
        assert_eq!(got.len(), set.len(), "{which} serves an asset twice");
    }
    // A server applies its own writes at once but counts them in last_seq
    // only when its tail reads them back (a later sequence number may
    // commit first), so the two agree within a tail interval, not at once.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, ha) = a.get_json("/api/health").await;
        let (_, hb) = b.get_json("/api/health").await;
        if ha["last_seq"] == hb["last_seq"] || Instant::now() > deadline {
            assert_eq!(ha["last_seq"], hb["last_seq"]);
            assert_eq!(hb["assets_indexed"], ha["assets_indexed"]);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_replica_catches_up() {
    let a = TestApp::spawn(Backend::Postgis).await;
    let b = TestApp::on(&a.db_url, Some(TOKEN)).await;
    let mut live = Vec::new();
    write_some(&a, &mut live, 0).await;
    assert_converged(&a, &b, &live).await;

    b.stop().await;
    write_some(&a, &mut live, 1).await;
    let b = TestApp::on(&a.db_url, Some(TOKEN)).await;
    assert_converged(&a, &b, &live).await;

    // And it keeps following once it is back.
    write_some(&a, &mut live, 2).await;
    assert_converged(&a, &b, &live).await;
    b.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_cut_off_from_the_database_catches_up() {
    let a = TestApp::spawn(Backend::Postgis).await;
    let url = reqwest::Url::parse(&a.db_url).unwrap();
    let upstream = (
        url.host_str().unwrap().to_string(),
        url.port().unwrap_or(5432),
    );
    let relay = CutProxy::start(upstream).await;
    let b = TestApp::on(&relay.url_through(&a.db_url), Some(TOKEN)).await;
    let mut live = Vec::new();
    write_some(&a, &mut live, 0).await;
    assert_converged(&a, &b, &live).await;
    let before = served(&b).await;

    relay.cut();
    write_some(&a, &mut live, 1).await;
    // Cut off, the replica still answers what it knew, and refuses writes.
    let (_, health) = b.get_json("/api/health").await;
    assert_eq!(health["status"], "degraded");
    assert_eq!(served(&b).await, before);
    let refused = b
        .request(Method::POST, "/api/assets")
        .json(&point("Not now", "public", "library", -2.3, 53.4))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);

    relay.restore();
    assert_converged(&a, &b, &live).await;

    // Cut again in the middle of a run of writes, and back.
    relay.cut();
    write_some(&a, &mut live, 2).await;
    relay.restore();
    write_some(&a, &mut live, 3).await;
    assert_converged(&a, &b, &live).await;
    b.stop().await;
    a.stop().await;
}

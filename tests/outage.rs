//! The database goes down under a running server: public reads keep
//! answering from memory, health says "degraded" at once, writes answer
//! 503 with Retry-After, no export starts and then breaks off; when the
//! database is back, writes resume without restarting the server. The
//! database is a throwaway PostgreSQL cluster of the test's own, really
//! stopped and started. Time limits here are generous hang guards, not
//! speed claims.

use crate::common;

use common::cluster::PgCluster;
use common::{point, status_json, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// What a client that gave up would call a hang.
const PROMPT: Duration = Duration::from_secs(5);

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = (1u64 << z) as f64;
    let lat_r = lat.to_radians();
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let y =
        ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    (x, y)
}

/// The public reads a map page and a data user make.
fn public_reads(id: &str) -> Vec<String> {
    let (x, y) = tile_of(-2.319, 53.4246, 14);
    vec![
        "/api/assets?bbox=-2.5,53.3,-2.2,53.5".into(),
        "/api/assets/nearest?lon=-2.319&lat=53.4246&k=3".into(),
        "/api/assets?q=library".into(),
        format!("/api/assets/{id}"),
        "/api/export.csv".into(),
        "/api/export.geojson".into(),
        format!("/tiles/assets/14/{x}/{y}.mvt"),
        "/ogc/collections/assets/items?f=json".into(),
        format!("/ogc/collections/assets/items/{id}?f=json"),
    ]
}

/// Status and body, the body with the time of answering taken out.
async fn read(app: &TestApp, path: &str) -> (u16, Vec<u8>) {
    let r = tokio::time::timeout(PROMPT, app.client.get(app.url(path)).send())
        .await
        .unwrap_or_else(|_| panic!("{path} hung"))
        .unwrap();
    let status = r.status().as_u16();
    let body = tokio::time::timeout(PROMPT, r.bytes())
        .await
        .unwrap_or_else(|_| panic!("{path}: the body hung"))
        .unwrap_or_else(|e| panic!("{path}: the body broke off: {e}"));
    let mut body = body.to_vec();
    if let Ok(mut json) = serde_json::from_slice::<Value>(&body) {
        if let Some(o) = json.as_object_mut() {
            o.remove("timeStamp");
        }
        body = serde_json::to_vec(&json).unwrap();
    }
    (status, body)
}

async fn health(app: &TestApp) -> Value {
    let start = Instant::now();
    let (status, body) = tokio::time::timeout(PROMPT, app.get_json("/api/health"))
        .await
        .expect("health hung");
    assert_eq!(status, 200, "{body}");
    assert!(start.elapsed() < PROMPT);
    body
}

/// A write answered while the store is down: 503, Retry-After, JSON.
async fn assert_refused(r: reqwest::Response, what: &str) {
    assert_eq!(r.status(), 503, "{what}");
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let (_, body) = status_json(r).await;
    assert!(
        retry.is_some_and(|s| s.parse::<u32>().is_ok()),
        "{what}: no Retry-After"
    );
    assert_eq!(body["error"]["code"], "store_unavailable", "{what}: {body}");
}

async fn timed(what: &str, request: reqwest::RequestBuilder) -> reqwest::Response {
    tokio::time::timeout(PROMPT, request.send())
        .await
        .unwrap_or_else(|_| panic!("{what} hung"))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_from_memory_and_writes_resume_after_an_outage() {
    let pg = PgCluster::start(|_| String::new()).await;
    let app = TestApp::on(&pg.url(), Some(TOKEN)).await;
    let library = app
        .create(&point("Sale Library", "public", "library", -2.319, 53.4246))
        .await;
    let id = library["id"].as_str().unwrap().to_string();
    app.create(&point(
        "Stretford Library",
        "public",
        "library",
        -2.31,
        53.445,
    ))
    .await;
    app.create(&point("Food bank", "social", "food_bank", -2.33, 53.42))
        .await;
    let moved = app
        .create(&point("Garden", "physical", "green_space", -2.35, 53.41))
        .await;
    let moved_id = moved["id"].as_str().unwrap().to_string();

    let mut before = Vec::new();
    for path in public_reads(&id) {
        let (status, body) = read(&app, &path).await;
        assert_eq!(status, 200, "{path} before the outage");
        before.push((path, body));
    }
    assert_eq!(health(&app).await["status"], "ok");

    pg.stop();

    assert_eq!(health(&app).await["status"], "degraded");
    // Every public read still answers, in full, what it answered before.
    for (path, body) in &before {
        let (status, now) = read(&app, path).await;
        assert_eq!(status, 200, "{path} during the outage");
        assert!(
            now == *body,
            "{path} answered differently during the outage"
        );
    }
    let (_, geojson) = app.get_json("/api/export.geojson").await;
    assert_eq!(geojson["features"].as_array().unwrap().len(), 4);

    // Writes are refused promptly, with a time to come back.
    let create = app.request(Method::POST, "/api/assets").json(&point(
        "Lost",
        "social",
        "food_bank",
        -2.3,
        53.4,
    ));
    assert_refused(timed("create", create).await, "create").await;
    let patch = app
        .request(Method::PATCH, &format!("/api/assets/{moved_id}"))
        .header("If-Match", "\"1\"")
        .json(&json!({"geometry": {"type": "Point", "coordinates": [-2.36, 53.40]}}));
    assert_refused(timed("patch", patch).await, "patch").await;
    let archive = app.request(Method::DELETE, &format!("/api/assets/{id}"));
    assert_refused(timed("archive", archive).await, "archive").await;
    // A moderator's full record comes from the store: refused, not half sent.
    let full = app.request(Method::GET, &format!("/api/assets/{id}"));
    let r = timed("moderator read", full).await;
    if r.status() != 200 {
        assert_refused(r, "moderator read").await;
    } else {
        let (_, body) = status_json(r).await;
        assert_eq!(body["id"], id.as_str());
    }
    // Nothing refused reached the reads.
    for (path, body) in &before {
        assert!(
            read(&app, path).await.1 == *body,
            "{path} after refused writes"
        );
    }

    pg.start_again();

    // Writes resume on the same server: the pool reconnects by itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    let created = loop {
        let r = timed(
            "create after the outage",
            app.request(Method::POST, "/api/assets").json(&point(
                "Back again",
                "social",
                "food_bank",
                -2.3,
                53.4,
            )),
        )
        .await;
        if r.status() == 201 {
            break status_json(r).await.1;
        }
        assert_eq!(r.status(), 503, "only 503 until the database is back");
        assert!(Instant::now() < deadline, "writes did not resume");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let (status, body) = app
        .patch(
            &moved_id,
            1,
            &json!({"geometry": {"type": "Point", "coordinates": [-2.36, 53.40]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.archive(&id).await, 204);
    assert_eq!(health(&app).await["status"], "ok");
    let (_, all) = app.get_json("/api/assets").await;
    let mut names = common::names(&all);
    names.sort();
    assert_eq!(
        names,
        ["Back again", "Food bank", "Garden", "Stretford Library"]
    );
    let (_, one) = app
        .get_json(&format!("/api/assets/{}", created["id"].as_str().unwrap()))
        .await;
    assert_eq!(one["properties"]["name"], "Back again");
    app.stop().await;
}

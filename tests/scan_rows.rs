//! PostgreSQL keeps each asset row packed for the start-up scan
//! (`asset.scan_row`). Every way a server writes an asset (COPY for large
//! writes, creates and staged updates; the JSON statements for small ones)
//! writes it; a row changed by any other statement loses it, and one
//! packed in another format is not trusted; either way the next start-up
//! reads that row from its columns, serves what they say, and writes its
//! packed copy back. What a started server serves equals the store.

use crate::common;
use crate::import_bulk::{file, import_file};
use crate::readmodel::{assert_same, by_id, store_view};

use common::{point, Backend, TestApp};
use serde_json::{json, Value};
use sqlx::Connection;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_leaves_a_packed_row_and_a_stale_one_is_read_from_the_columns() {
    let (store, url, _dir) = common::data::open(Backend::Postgis).await;
    let n = 150;
    let (created, _) = import_file(store.as_ref(), &file(n, "Group")).await;
    assert_eq!(created.created, n);
    let (updated, _) = import_file(store.as_ref(), &file(n, "Club")).await;
    assert_eq!(updated.updated, n);

    let app = TestApp::on(&url, Some(common::TOKEN)).await;
    let mut people = point("Jo's bike repairs", "human", "skill", -2.31, 53.42);
    people["properties"]["consent"] = json!(true);
    people["properties"]["phone"] = json!("0161 496 0000");
    let person = app.create(&people).await;
    let hall = app
        .create(&point(
            "Church hall",
            "physical",
            "village_hall",
            -2.3,
            53.41,
        ))
        .await;
    let gone = app
        .create(&point(
            "Old phone box",
            "physical",
            "defibrillator",
            -2.32,
            53.4,
        ))
        .await;
    let (status, body) = app
        .patch(
            hall["id"].as_str().unwrap(),
            1,
            &json!({"properties": {"description": "Hall for hire"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.archive(gone["id"].as_str().unwrap()).await, 204);
    app.stop().await;

    let mut db = sqlx::PgConnection::connect(&url).await.unwrap();
    assert_eq!(unpacked(&mut db).await, 0, "every write packed its row");

    // A hand-made fix leaves the packed copy as it was, and a row packed
    // by some other format: neither may be what a server serves.
    let hall_id = hall["id"].as_str().unwrap();
    sqlx::query("update asset set name = 'Fixed by hand' where asset_id = $1::uuid")
        .bind(hall_id)
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("update asset set scan_row = set_byte(scan_row, 0, 99) where asset_id = $1::uuid")
        .bind(person["id"].as_str().unwrap())
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(unpacked(&mut db).await, 2);

    let truth = store_view(&url).await;
    assert_eq!(truth.len(), n + 2);
    assert_eq!(
        truth[hall_id]["properties"]["name"], "Fixed by hand",
        "the store says"
    );
    let first = TestApp::on(&url, Some(common::TOKEN)).await;
    served_equals(&first, &truth).await;

    // The first server wrote both rows' packed copies back.
    let deadline = Instant::now() + Duration::from_secs(10);
    while unpacked(&mut db).await > 0 {
        assert!(Instant::now() < deadline, "packed rows not written back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.stop().await;
    let second = TestApp::on(&url, Some(common::TOKEN)).await;
    served_equals(&second, &truth).await;
    second.stop().await;
}

async fn served_equals(app: &TestApp, truth: &std::collections::BTreeMap<String, Value>) {
    let (status, export) = app.get_json("/api/export.geojson").await;
    assert_eq!(status, 200);
    assert_same(&by_id(&export["features"]), truth, "export");
}

/// Rows the next start-up must read from their columns.
async fn unpacked(db: &mut sqlx::PgConnection) -> i64 {
    let (c,): (i64,) = sqlx::query_as(
        "select count(*) from asset where scan_row is null or get_byte(scan_row, 0) <> 1",
    )
    .fetch_one(db)
    .await
    .unwrap();
    c
}

//! A first load into an empty PostgreSQL register sets the asset table's
//! secondary indexes and the change log's foreign key aside for the length
//! of its transaction (`src/store/sql/bulk.rs`). What a user relies on: the
//! register comes out with every index and key it had, whether the load
//! commits or dies part way, and a second import of the same file is
//! recognised, asset for asset, as one already made.

use crate::common::{fresh_store, Backend};
use serde_json::json;
use sqlx::Connection;
use std::process::Command;

/// The indexes of `asset` and the constraints of `asset_change`, each
/// with its definition, sorted.
pub async fn pg_schema(url: &str) -> Vec<String> {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(
        "select indexname || ': ' || indexdef from pg_indexes where tablename in ('asset', 'asset_change') \
         union all \
         select conname || ': ' || pg_get_constraintdef(oid) from pg_constraint \
         where conrelid = 'asset_change'::regclass \
         order by 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

fn import(url: &str, file: &std::path::Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(["import", file.to_str().unwrap(), "--capital", "social"])
        .args([
            "--category",
            "group",
            "--map",
            "name=title",
            "--id-field",
            "ref",
        ])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().nth(1).expect("a header and a row");
    row.split_whitespace().skip(1).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_load_keeps_every_index_and_key_and_a_second_finds_it() {
    let (url, _dir) = fresh_store(Backend::Postgis).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let before = pg_schema(&url).await;
    assert!(
        before.iter().any(|d| d.contains("gist"))
            && before.iter().any(|d| d.contains("FOREIGN KEY")),
        "the migrations made a spatial index and the change log's key: {before:?}"
    );
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("groups.geojson");
    let features: Vec<_> = (0..3_000)
        .map(|i| {
            json!({"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [-2.3 + (i % 60) as f64 * 0.001, 53.4 + (i / 60) as f64 * 0.001]},
                   "properties": {"ref": i, "title": format!("Group {i}")}})
        })
        .collect();
    std::fs::write(
        &file,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();

    assert_eq!(import(&url, &file), ["3000", "3000", "0", "0", "0"]);
    assert_eq!(pg_schema(&url).await, before, "every index and key is back");
    assert_eq!(store.all_assets().await.unwrap().len(), 3_000);
    assert_eq!(store.changes_since(0, 5_000).await.unwrap().len(), 3_000);
    // The spatial index answers (and is the one the planner picks).
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    let (near,): (i64,) = sqlx::query_as(
        "select count(*) from asset where geom && ST_MakeEnvelope(-2.3005, 53.3995, -2.2995, 53.4005, 4326)",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(near, 1);

    // The register is no longer empty: the second import looks up what
    // is stored and changes nothing.
    assert_eq!(import(&url, &file), ["3000", "0", "0", "3000", "0"]);
    assert_eq!(store.changes_since(0, 10_000).await.unwrap().len(), 3_000);
}

/// The indexes SQLite made from `create index`, with their SQL, sorted.
async fn sqlite_indexes(url: &str) -> Vec<String> {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(
        "select name || ': ' || sql from sqlite_schema where type = 'index' \
         and tbl_name in ('asset', 'asset_change') and sql is not null order by 1",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

/// SQLite's first load sets its secondary indexes aside in the same way
/// (`src/store/sql/bulk_sqlite.rs`): they come back, and answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sqlite_load_keeps_every_index_and_a_second_finds_it() {
    let (url, _dir) = fresh_store(Backend::Sqlite).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let before = sqlite_indexes(&url).await;
    assert_eq!(
        before.len(),
        2,
        "asset_source_idx and asset_change_asset_idx: {before:?}"
    );
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("groups.geojson");
    let features: Vec<_> = (0..2_000)
        .map(|i| {
            json!({"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [-2.3 + (i % 50) as f64 * 0.001, 53.4]},
                   "properties": {"ref": i, "title": format!("Group {i}")}})
        })
        .collect();
    std::fs::write(
        &file,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    assert_eq!(import(&url, &file), ["2000", "2000", "0", "0", "0"]);
    assert_eq!(sqlite_indexes(&url).await, before, "every index is back");
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (ok,): (String,) = sqlx::query_as("pragma integrity_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(ok, "ok");
    assert_eq!(
        store
            .assets_by_source_prefix("import:")
            .await
            .unwrap()
            .len(),
        2_000
    );
    assert_eq!(import(&url, &file), ["2000", "0", "0", "2000", "0"]);
    assert_eq!(store.changes_since(0, 5_000).await.unwrap().len(), 2_000);
}

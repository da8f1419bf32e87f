//! An import leaves each change-log row's payload to the asset row it
//! wrote (`src/store/deferred.rs`). What a user relies on, on both stores:
//! an imported asset's history shows what the import wrote, and after the
//! asset is edited (by hand, or by the next import of the same data set)
//! every earlier version still shows what it held, so a moderator can go
//! back to it.

use crate::common::{fresh_store, Backend};
use assetmap::store::{Change, ChangeOp, Store};
use serde_json::{json, Value};
use std::process::Command;
use std::sync::Arc;

on_both_stores!(imported_versions_keep_their_payloads_through_later_writes);

/// The halls named, then enough others that PostgreSQL's import writes by
/// COPY (`COPY_AT`), the path that leaves payloads to the asset rows.
pub(crate) fn import(url: &str, dir: &std::path::Path, names: &[&str]) {
    let file = dir.join("halls.geojson");
    let others: Vec<String> = (0..147).map(|i| format!("Hall {i:03}")).collect();
    let features: Vec<Value> = names
        .iter()
        .copied()
        .chain(others.iter().map(String::as_str))
        .enumerate()
        .map(|(i, name)| {
            json!({"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [-2.3 + i as f64 * 0.01, 53.4]},
                   "properties": {"ref": i, "title": name}})
        })
        .collect();
    let body = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&file, body.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(["import", file.to_str().unwrap(), "--capital", "physical"])
        .args(["--category", "village_hall", "--map", "name=title"])
        .args(["--id-field", "ref", "--dataset", "halls"])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Change-log rows whose payload is their asset row's.
async fn marked(backend: Backend, url: &str) -> i64 {
    use sqlx::Connection;
    let sql = "select count(*) from asset_change where payload_in_asset";
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&mut c)
                .await
                .unwrap()
                .0
        }
        Backend::Postgis => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&mut c)
                .await
                .unwrap()
                .0
        }
    }
}

/// Each version's number and the name its payload holds.
async fn names_in_history(store: &Arc<dyn Store>, id: uuid::Uuid) -> Vec<(i64, String)> {
    store
        .history(id)
        .await
        .unwrap()
        .into_iter()
        .map(|v| {
            let payload = v.payload.expect("every version keeps its payload");
            let name = payload["properties"]["name"].as_str().unwrap().to_string();
            (v.version, name)
        })
        .collect()
}

async fn imported_versions_keep_their_payloads_through_later_writes(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let work = tempfile::tempdir().unwrap();
    import(&url, work.path(), &["Scout hut", "Old school", "Chapel"]);
    assert_eq!(
        marked(backend, &url).await,
        150,
        "the import left its payloads"
    );
    let assets = store.all_assets().await.unwrap();
    let named = |name: &str| {
        assets
            .iter()
            .find(|a| a.draft.name == name)
            .unwrap()
            .clone()
    };
    let [chapel, school, hut] = ["Chapel", "Old school", "Scout hut"].map(named);

    // Straight after the import: the one version, as imported, with the
    // geometry and properties a revert would write back.
    let versions = store.history(hut.id).await.unwrap();
    assert_eq!(versions.len(), 1);
    let payload = versions[0].payload.clone().expect("the imported version");
    assert_eq!(payload["properties"]["name"], "Scout hut");
    assert_eq!(payload["properties"]["category"], "village_hall");
    assert_eq!(payload["geometry"]["coordinates"], json!([-2.3, 53.4]));

    // Edited by hand: version 1 still holds what the import wrote.
    let mut renamed = hut.clone();
    renamed.draft.name = "Scout and guide hut".into();
    renamed.version = 2;
    store
        .write(&[Change {
            asset: renamed,
            op: ChangeOp::Update,
            expected_version: Some(1),
        }])
        .await
        .unwrap();
    assert_eq!(
        names_in_history(&store, hut.id).await,
        [(1, "Scout hut".into()), (2, "Scout and guide hut".into())]
    );

    // The data set imported again with one name changed at its source: the
    // import replaces the old school (version 1 kept) and the hand edit of
    // the hut (version 2 kept), and leaves the chapel alone.
    import(
        &url,
        work.path(),
        &["Scout hut", "Old school hall", "Chapel"],
    );
    assert_eq!(
        names_in_history(&store, school.id).await,
        [(1, "Old school".into()), (2, "Old school hall".into())]
    );
    assert_eq!(
        names_in_history(&store, hut.id).await,
        [
            (1, "Scout hut".into()),
            (2, "Scout and guide hut".into()),
            (3, "Scout hut".into())
        ]
    );
    assert_eq!(
        names_in_history(&store, chapel.id).await,
        [(1, "Chapel".into())]
    );
}

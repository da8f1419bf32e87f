//! Large writes take each store's bulk path (PostgreSQL's COPY and staging
//! table, SQLite's prepared statements): what they write reads back as
//! planned, text with tabs, newlines and backslashes included; an import
//! run twice changes nothing; a stale expected version fails the whole
//! write; and the change log holds one row per change.

use crate::common;

use assetmap::domain::Vocabulary;
use assetmap::import;
use assetmap::store::{Store, StoreError};
use common::data::{mapping, open, options};
use common::Backend;
use serde_json::json;

on_both_stores!(bulk_writes_read_back_and_stay_whole);

/// Enough rows for the bulk path (PostgreSQL's starts at 100 changes),
/// with awkward text and a polygon among the points.
pub(crate) fn file(n: usize, name: &str) -> String {
    let features: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let x = -2.5 + (i % 100) as f64 * 0.001_234_567_89;
            let y = 53.4 + (i / 100) as f64 * 0.000_987_654_321;
            let geometry = if i % 10 == 0 {
                json!({"type": "Polygon", "coordinates": [[[x, y], [x + 0.001, y], [x, y + 0.001], [x, y]]]})
            } else {
                json!({"type": "Point", "coordinates": [x, y]})
            };
            json!({"type": "Feature", "geometry": geometry, "properties": {
                "ref": i,
                "title": format!("{name} {i}"),
                "about": format!("tab\there\nnew line, back\\slash \"quoted\" é {i}"),
            }})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

pub(crate) async fn import_file(
    store: &dyn Store,
    text: &str,
) -> (import::Report, Vec<assetmap::store::Change>) {
    let m = mapping(json!({
        "capital": "social", "category": "group", "id_field": "ref",
        "map": {"name": "title", "description": "about"}
    }));
    import::run(
        store,
        &Vocabulary::default(),
        &m,
        import::geojson::read(text, "f").unwrap(),
        &options("bulk"),
    )
    .await
    .unwrap()
}

async fn bulk_writes_read_back_and_stay_whole(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let n = 250;
    let (report, changes) = import_file(store.as_ref(), &file(n, "Group")).await;
    assert_eq!((report.created, report.rejected.len()), (n, 0));
    for c in &changes {
        let stored = store.get(c.asset.id).await.unwrap().expect("written");
        assert_eq!(stored, c.asset, "reads back as written");
    }
    assert_eq!(store.changes_since(0, 1000).await.unwrap().len(), n);

    // The same file again: nothing changes, nothing is logged.
    let (again, _) = import_file(store.as_ref(), &file(n, "Group")).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, n));
    assert_eq!(store.changes_since(0, 1000).await.unwrap().len(), n);

    // Every name changed: the updates are written and logged.
    let (renamed, updates) = import_file(store.as_ref(), &file(n, "Club")).await;
    assert_eq!((renamed.created, renamed.updated), (0, n));
    for c in &updates {
        let stored = store.get(c.asset.id).await.unwrap().unwrap();
        assert_eq!(stored, c.asset);
        assert_eq!(stored.version, 2);
        let history = store.history(c.asset.id).await.unwrap();
        assert_eq!(history.len(), 2);
    }
    assert_eq!(store.changes_since(0, 1000).await.unwrap().len(), 2 * n);

    // One asset moves on between planning and writing: the planned
    // write fails whole, and nothing of it lands.
    let m = mapping(json!({
        "capital": "social", "category": "group", "id_field": "ref",
        "map": {"name": "title", "description": "about"}
    }));
    let (_, planned) = import::plan(
        store.as_ref(),
        &Vocabulary::default(),
        &m,
        import::geojson::read(&file(n, "Society"), "f").unwrap(),
        &options("bulk"),
    )
    .await
    .unwrap();
    assert_eq!(planned.len(), n);
    let mut moved = store.get(planned[7].asset.id).await.unwrap().unwrap();
    moved.version += 1;
    store
        .write(&[assetmap::store::Change {
            asset: moved.clone(),
            op: assetmap::store::ChangeOp::Update,
            expected_version: Some(moved.version - 1),
        }])
        .await
        .unwrap();
    let err = store.write(&planned).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.changes_since(0, 1000).await.unwrap().len(), 2 * n + 1);
    let other = store.get(planned[8].asset.id).await.unwrap().unwrap();
    assert!(other.draft.name.starts_with("Club"), "{}", other.draft.name);
}

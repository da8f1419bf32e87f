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

on_both_stores!(
    bulk_writes_read_back_and_stay_whole,
    an_import_again_matches_its_records_in_every_chunk
);

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

/// The planner looks up what a data set wrote before a chunk of records at
/// a time (2,000), not all of it at once: records in every chunk, the last
/// one part full, still find their assets, and a record with no id of its
/// own still matches by the hash of its content.
async fn an_import_again_matches_its_records_in_every_chunk(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let n = 4_500;
    let (first, _) = import_file(store.as_ref(), &file(n, "Group")).await;
    assert_eq!(first.created, n);
    let mut again: serde_json::Value = serde_json::from_str(&file(n, "Group")).unwrap();
    let features = again["features"].as_array_mut().unwrap();
    for i in [5, 2_100, 4_499] {
        features[i]["properties"]["title"] = json!(format!("Renamed {i}"));
    }
    let (report, changes) = import_file(store.as_ref(), &again.to_string()).await;
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 3, n - 3)
    );
    let names: Vec<&str> = changes
        .iter()
        .map(|c| c.asset.draft.name.as_str())
        .collect();
    assert_eq!(names, ["Renamed 5", "Renamed 2100", "Renamed 4499"]);

    // Without an id field every record is known by its content's hash.
    let hashed = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        for f in v["features"].as_array_mut().unwrap() {
            f["properties"].as_object_mut().unwrap().remove("ref");
        }
        v.to_string()
    };
    let m = mapping(json!({
        "capital": "social", "category": "group",
        "map": {"name": "title", "description": "about"}
    }));
    let run = |text: String| {
        let store = store.clone();
        let m = m.clone();
        async move {
            import::run(
                store.as_ref(),
                &Vocabulary::default(),
                &m,
                import::geojson::read(&text, "f").unwrap(),
                &options("hashed"),
            )
            .await
            .unwrap()
            .0
        }
    };
    let text = hashed(&file(n, "Group"));
    assert_eq!(run(text.clone()).await.created, n);
    let twice = run(text).await;
    assert_eq!((twice.created, twice.unchanged), (0, n));
}

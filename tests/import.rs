//! The sample map the repository ships (data/trafford) loads whole, on both
//! stores, with expected counts worked out here from the files themselves.

use crate::common;

use assetmap::domain::{normalise_postcode, Vocabulary};
use assetmap::import;
use common::data::{open, repo_data, sample_manifest};
use common::Backend;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;

on_both_stores!(the_trafford_sample_loads_every_layer);

/// Distinct rows of a GeoJSON layer, as the manifest identifies them: by
/// its id field, or by the whole row when it has none.
fn distinct_features(file: &Path, id_field: Option<&str>) -> usize {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let keys: HashSet<String> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["geometry"].is_null())
        .map(|f| match id_field {
            Some(id) => f["properties"][id].to_string(),
            None => format!("{}{}", f["properties"], f["geometry"]),
        })
        .collect();
    keys.len()
}

async fn the_trafford_sample_loads_every_layer(backend: Backend) {
    let (store, _url, _dir) = open(backend).await;
    let loaded = import::sample::load(
        store.as_ref(),
        &Vocabulary::default(),
        &sample_manifest(),
        "test",
    )
    .await
    .unwrap();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(sample_manifest()).unwrap()).unwrap();
    let dir = sample_manifest().parent().unwrap().to_path_buf();
    let reports: HashMap<String, import::Report> = loaded.layers.iter().cloned().collect();

    for layer in manifest["layers"].as_array().unwrap() {
        let dataset = layer["dataset"].as_str().unwrap();
        let file = dir.join(layer["file"].as_str().unwrap());
        if let Some(whole) = layer.get("belongs_to") {
            // Parts of another layer's assets: counted onto them, never
            // assets of their own.
            let stored = store
                .assets_by_source_prefix(&format!("import:{dataset}:"))
                .await
                .unwrap();
            assert!(stored.is_empty(), "{dataset}");
            let done = loaded
                .attached
                .iter()
                .find(|a| a.dataset == dataset)
                .unwrap();
            let features = distinct_features(&file, None);
            assert_eq!(done.attached + done.unplaced, features, "{dataset}");
            let tag = whole["tag"].as_str().unwrap();
            let wholes = store
                .assets_by_source_prefix(&format!("import:{}:", whole["dataset"].as_str().unwrap()))
                .await
                .unwrap();
            let counted: usize = wholes
                .iter()
                .filter_map(|a| a.draft.tags.get(tag))
                .map(|n| n.parse::<usize>().unwrap())
                .sum();
            assert_eq!(counted, done.attached, "{dataset}");
            assert!(
                done.attached * 10 > features * 9,
                "most entrances find their green space: {done:?}"
            );
            continue;
        }
        let report = &reports[dataset];
        if file.extension().unwrap() == "csv" {
            continue;
        }
        let want = distinct_features(&file, layer["id_field"].as_str());
        assert_eq!(report.created, want, "{dataset}: {:?}", report.rejected);
        let stored = store
            .assets_by_source_prefix(&format!("import:{dataset}:"))
            .await
            .unwrap();
        assert_eq!(stored.len(), want, "{dataset}");
    }
    // Shared names gain their place: 27 post offices, 27 names, each the
    // published name and a ward; the published name kept as a tag.
    let offices = store
        .assets_by_source_prefix("import:trafford_post_offices:")
        .await
        .unwrap();
    let names: HashSet<&str> = offices.iter().map(|a| a.draft.name.as_str()).collect();
    assert_eq!((offices.len(), names.len()), (27, 27), "{names:?}");
    let wards: HashSet<String> = store
        .areas()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.level == "ward")
        .map(|a| a.name)
        .collect();
    for a in &offices {
        let place = a.draft.name.strip_prefix("Post office, ").unwrap();
        let ward = place.split(", near ").next().unwrap();
        assert!(wards.contains(ward), "{}", a.draft.name);
        assert_eq!(a.draft.tags["generic_name"], "Post office");
    }
    let food_banks = store
        .assets_by_source_prefix("import:trafford_food_banks:")
        .await
        .unwrap();
    let trussell: Vec<&str> = food_banks
        .iter()
        .map(|a| a.draft.name.as_str())
        .filter(|n| n.starts_with("Trussell Trust, "))
        .collect();
    assert_eq!(trussell.len(), 6, "{trussell:?}");
    // A name that is one site's (a leisure centre's facilities) stays.
    let facilities = store
        .assets_by_source_prefix("import:trafford_sports_facilities:")
        .await
        .unwrap();
    assert_eq!(
        facilities
            .iter()
            .filter(|a| a.draft.name == "Partington Sports Village")
            .count(),
        6
    );

    // The one rejected dentist is an exact duplicate row in the source.
    assert_eq!(reports["trafford_dentists"].rejected.len(), 1);
    assert!(reports["trafford_dentists"].rejected[0]
        .reason
        .contains("twice"));

    // Charities are placed by postcode; those outside the lookup are
    // reported, not guessed.
    let lookup: HashSet<String> =
        csv::Reader::from_path(repo_data("trafford/postcodes/trafford_postcodes.csv"))
            .unwrap()
            .records()
            .map(|r| r.unwrap()[0].to_string())
            .collect();
    let mut placed = 0;
    let mut grant_makers = 0;
    // The manifest's grant-maker rule: wording that says the charity makes
    // grants, and not a place of worship that mentions the grants it gives.
    let rule = &manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["dataset"] == "trafford_charities")
        .unwrap()["rules"][0];
    let phrases = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_lowercase())
            .collect()
    };
    let (giving, worship) = (
        phrases(&rule["contains_any"]),
        phrases(&rule["unless"][0]["contains_any"]),
    );
    let mut worship_names = Vec::new();
    let mut reader = csv::Reader::from_path(repo_data(
        "trafford/assets/charities_operating_in_trafford.csv",
    ))
    .unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        if lookup.contains(&normalise_postcode(&row[col("charity_contact_postcode")])) {
            placed += 1;
            let (what, name) = (
                row[col("charity_activities")].to_lowercase(),
                row[col("charity_name")].to_lowercase(),
            );
            let church = worship.iter().any(|w| name.contains(w));
            if church {
                worship_names.push(row[col("registered_charity_number")].to_string());
            }
            if giving.iter().any(|g| what.contains(g)) && !church {
                grant_makers += 1;
            }
        }
    }
    let charities = &reports["trafford_charities"];
    assert_eq!(charities.created, placed);
    assert_eq!(charities.created + charities.rejected.len(), 736);
    assert!(
        charities
            .rejected
            .iter()
            .all(|r| r.field == "charity_contact_postcode"),
        "{:?}",
        charities.rejected
    );
    let stored = store
        .assets_by_source_prefix("import:trafford_charities:")
        .await
        .unwrap();
    assert_eq!(
        stored
            .iter()
            .filter(|a| a.draft.category == "grant_maker")
            .count(),
        grant_makers
    );
    assert!(grant_makers > 0);
    // Churches are charities, whatever their activities say of grants.
    for a in &stored {
        if worship_names.contains(&a.draft.tags["charity_number"]) {
            assert_eq!(a.draft.category, "charity", "{}", a.draft.name);
        }
    }
    assert!(!worship_names.is_empty());

    // Areas and population.
    let areas = store.areas().await.unwrap();
    let level = |l: &str| areas.iter().filter(|a| a.level == l).count();
    assert_eq!((level("ward"), level("lsoa"), level("msoa")), (21, 139, 28));
    let mut ward_total = 0.0;
    for row in csv::Reader::from_path(repo_data(
        "trafford/population/mid-year_2024_population_estimates_ward.csv",
    ))
    .unwrap()
    .records()
    {
        let row = row.unwrap();
        if &row[4] == "Persons" {
            ward_total += row[5].parse::<f64>().unwrap();
        }
    }
    assert_eq!(ward_total, 241_025.0);
    for l in ["ward", "lsoa", "msoa"] {
        let sum: f64 = areas
            .iter()
            .filter(|a| a.level == l)
            .map(|a| a.population.unwrap())
            .sum();
        assert_eq!(sum, 241_025.0, "{l}");
    }
    assert!(loaded.unmatched_population.is_empty());
    assert_eq!(store.postcodes().await.unwrap().len(), 11_264);
}

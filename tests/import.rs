//! The sample map the repository ships (data/trafford) loads whole, on both
//! stores, with expected counts worked out here from the files themselves.

mod common;

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
            if row[col("charity_activities")]
                .to_lowercase()
                .contains("grant")
            {
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

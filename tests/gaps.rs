//! Gap analysis on the real Trafford data, checked against brute force
//! over the raw files: point in polygon for counts, every resident point
//! against every asset for distances.

use crate::common;

use assetmap::domain::{haversine_m, normalise_postcode, Vocabulary};
use common::{fresh_store, Backend, TestApp};
use geo::{Contains, Geometry, Point};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

on_both_stores!(gaps_match_brute_force_on_trafford, gap_outputs_and_profile);

/// A file of the Trafford sample the repository ships.
fn trafford_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/trafford")
        .join(path)
}

async fn trafford(backend: Backend) -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json");
    assetmap::import::sample::load(store.as_ref(), &Vocabulary::default(), &manifest, "test")
        .await
        .unwrap();
    (TestApp::on(&url, Some(common::TOKEN)).await, dir)
}

fn features(file: &str) -> Vec<Value> {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(trafford_file(file)).unwrap()).unwrap();
    v["features"].as_array().unwrap().clone()
}

fn geometry(f: &Value) -> Geometry<f64> {
    let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
    g.try_into().unwrap()
}

fn wards() -> Vec<(String, Geometry<f64>)> {
    features("boundaries/trafford_ward_generalised.geojson")
        .iter()
        .map(|f| {
            (
                f["properties"]["area_code"].as_str().unwrap().to_string(),
                geometry(f),
            )
        })
        .collect()
}

fn ward_of(wards: &[(String, Geometry<f64>)], p: [f64; 2]) -> Option<String> {
    wards
        .iter()
        .find(|(_, g)| g.contains(&Point::new(p[0], p[1])))
        .map(|(c, _)| c.clone())
}

fn points(file: &str) -> Vec<[f64; 2]> {
    features(file)
        .iter()
        .map(|f| {
            let c = f["geometry"]["coordinates"].as_array().unwrap();
            [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
        })
        .collect()
}

/// Residents: each postcode an equal share of its LSOA's population.
fn residents() -> Vec<([f64; 2], f64)> {
    let mut population: HashMap<String, f64> = HashMap::new();
    for row in csv::Reader::from_path(trafford_file(
        "population/mid-year_2024_population_estimates_lsoa.csv",
    ))
    .unwrap()
    .records()
    {
        let row = row.unwrap();
        if &row[4] == "Persons" {
            population.insert(row[1].to_string(), row[5].parse().unwrap());
        }
    }
    let mut postcodes: Vec<(String, [f64; 2], String)> = Vec::new();
    let mut reader =
        csv::Reader::from_path(trafford_file("postcodes/trafford_postcodes.csv")).unwrap();
    let h = reader.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (pc, lon, lat, lsoa) = (col("postcode"), col("lon"), col("lat"), col("lsoa_code"));
    for row in reader.records() {
        let row = row.unwrap();
        postcodes.push((
            normalise_postcode(&row[pc]),
            [row[lon].parse().unwrap(), row[lat].parse().unwrap()],
            row[lsoa].to_string(),
        ));
    }
    let mut per_lsoa: HashMap<&str, usize> = HashMap::new();
    for (_, _, l) in &postcodes {
        *per_lsoa.entry(l).or_default() += 1;
    }
    postcodes
        .iter()
        .filter_map(|(_, at, l)| Some((*at, population.get(l)? / per_lsoa[l.as_str()] as f64)))
        .collect()
}

async fn gaps_match_brute_force_on_trafford(backend: Backend) {
    let (app, _dir) = trafford(backend).await;
    let wards = wards();
    let residents = residents();
    let resident_wards: Vec<Option<String>> =
        residents.iter().map(|(p, _)| ward_of(&wards, *p)).collect();
    for (category, file) in [
        ("library", "assets/trafford_libraries.geojson"),
        ("gp", "assets/trafford_general_practices.geojson"),
        ("food_bank", "assets/trafford_food_banks.geojson"),
    ] {
        let assets = points(file);
        let (status, report) = app
            .get_json(&format!("/api/gaps?level=ward&category={category}"))
            .await;
        assert_eq!(status, 200, "{report}");
        let rows = report["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 21);
        let mut counts: HashMap<String, u64> = HashMap::new();
        for p in &assets {
            if let Some(w) = ward_of(&wards, *p) {
                *counts.entry(w).or_default() += 1;
            }
        }
        for row in rows {
            let code = row["code"].as_str().unwrap();
            assert_eq!(
                row["count"].as_u64().unwrap(),
                counts.get(code).copied().unwrap_or(0),
                "{category} in {code}"
            );
            // Coverage: residents of the ward within 800 m of any asset of
            // the category, wherever it is.
            let (mut near, mut total) = (0.0, 0.0);
            for ((p, w), ward) in residents.iter().zip(&resident_wards) {
                if ward.as_deref() != Some(code) {
                    continue;
                }
                total += w;
                let d = assets
                    .iter()
                    .map(|a| haversine_m(*p, *a))
                    .fold(f64::INFINITY, f64::min);
                if d <= 800.0 {
                    near += w;
                }
            }
            let coverage = row["coverage"].as_f64().unwrap();
            assert!(
                (coverage - near / total).abs() < 1e-9,
                "{category} in {code}: {coverage} vs {}",
                near / total
            );
            assert_eq!(row["method"], "postcode_share_of_lsoa");
        }
        assert!(report["method"].as_str().unwrap().contains("postcode"));
        assert_eq!(report["distance_m"], 800.0);
    }
    // Population totals are the CSV's.
    let (_, report) = app.get_json("/api/gaps?level=ward&capital=social").await;
    let total: f64 = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["population"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 241_025.0);
    // Wards without a library are gaps; per-capita figures are per 1,000.
    let (_, libraries) = app.get_json("/api/gaps?level=ward&category=library").await;
    for row in libraries["rows"].as_array().unwrap() {
        let per = row["count"].as_f64().unwrap() * 1000.0 / row["population"].as_f64().unwrap();
        assert!((row["per_1000"].as_f64().unwrap() - per).abs() < 1e-12);
        if row["count"] == 0 && row["coverage"].as_f64().unwrap() < 0.5 {
            assert_eq!(row["gap"], true);
        }
    }
    app.stop().await;
}

async fn gap_outputs_and_profile(backend: Backend) {
    let (app, _dir) = trafford(backend).await;
    let (_, geo) = app
        .get_json("/api/gaps.geojson?level=lsoa&capital=physical&rank_by=coverage")
        .await;
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 139);
    assert!(features
        .iter()
        .all(|f| f["geometry"]["type"].as_str().unwrap().ends_with("Polygon")));
    assert_eq!(geo["gaps"]["rank_by"], "coverage");
    assert_eq!(geo["gaps"]["breaks"].as_array().unwrap().len(), 6);

    let r = app
        .client
        .get(app.url("/api/gaps.csv?level=ward&category=food_bank"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), 21);

    let (status, profile) = app.get_json("/api/areas/E05015239/profile").await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["name"], "Altrincham");
    let capitals = profile["capitals"].as_array().unwrap();
    assert_eq!(capitals.len(), 5);
    assert!(capitals
        .iter()
        .all(|c| c["level_median"]["count"].is_number()));

    // Green spaces' entrances are part of their green space, not capital
    // of their own: none is an asset, so none is counted in any area.
    let (_, entrances) = app
        .get_json("/api/gaps?level=ward&category=green_space_access")
        .await;
    let counted: u64 = entrances["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 0);
    let (_, parks) = app
        .get_json("/api/assets?category=green_space&limit=10000")
        .await;
    assert!(parks["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["tags"]["entrances"].is_string()));

    // A write is in the next answer.
    let (_, before) = app.get_json("/api/gaps?level=ward&category=timebank").await;
    let row = |r: &Value| {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == "E05015239")
            .unwrap()
            .clone()
    };
    assert_eq!(row(&before)["count"], 0);
    // The OGC gap collection is kept between requests (a cache per state
    // of the data); the write below must still show in it.
    let ogc_row = "/ogc/collections/gaps-ward-social/items/E05015239?f=json";
    let (status, ogc_before) = app.get_json(ogc_row).await;
    assert_eq!(status, 200, "{ogc_before}");
    assert_eq!(
        app.get_json(ogc_row).await.1["properties"],
        ogc_before["properties"]
    );
    let social_before = ogc_before["properties"]["count"].as_u64().unwrap();
    app.create(&common::point(
        "Altrincham Timebank",
        "social",
        "timebank",
        -2.3497,
        53.3874,
    ))
    .await;
    let (_, after) = app.get_json("/api/gaps?level=ward&category=timebank").await;
    assert_eq!(row(&after)["count"], 1);
    let (_, ogc_after) = app.get_json(ogc_row).await;
    assert_eq!(ogc_after["properties"]["count"], social_before + 1);
    let (_, social) = app.get_json("/api/gaps?level=ward&capital=social").await;
    assert_eq!(ogc_after["properties"], row(&social));

    for (path, field) in [
        ("/api/gaps", "level"),
        ("/api/gaps?level=county", "level"),
        ("/api/gaps?level=ward&capital=cultural", "capital"),
        ("/api/gaps?level=ward&category=unicorns", "category"),
        ("/api/gaps?level=ward&distance_m=0", "distance_m"),
        ("/api/gaps?level=ward&rank_by=vibes", "rank_by"),
        ("/api/gaps?level=ward&min_coverage=2", "min_coverage"),
    ] {
        let (status, body) = app.get_json(path).await;
        assert_eq!((status, common::field(&body)), (400, field), "{path}");
    }
    // `assetmap gaps` checks its flags as the API checks its parameters.
    for (flag, value) in [
        ("--level", "county"),
        ("--capital", "cultural"),
        ("--category", "unicorns"),
        ("--distance-m", "0"),
        ("--rank-by", "vibes"),
        ("--min-coverage", "2"),
    ] {
        let mut args = vec!["gaps", "--level", "ward", flag, value];
        if flag == "--level" {
            args.drain(1..3);
        }
        let (ok, stderr) = cli(&app, &args);
        let name = flag.trim_start_matches('-');
        assert!(!ok && stderr.contains(name), "{args:?}: {stderr}");
    }
    let (ok, stderr) = cli(&app, &["gaps", "--level", "ward", "--rank-by", "Coverage"]);
    assert!(ok, "{stderr}");
    let (status, _) = app.get_json("/api/areas/E99999999/profile").await;
    assert_eq!(status, 404);
    app.stop().await;
}

/// Runs `assetmap ARGS` on the app's store: whether it succeeded, and what
/// it said on standard error.
fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(args)
        .env("DATABASE_URL", &app.db_url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

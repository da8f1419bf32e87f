//! A real OGC API client against `/ogc`: GDAL's OAPIF driver (Debian's
//! `gdal-bin`, installed by scripts/test.sh) lists every collection, copies
//! the sample map's assets to a GeoPackage through the `next` links, and
//! filters by bbox as `/api/assets` does.

use crate::common;

use assetmap::domain::Vocabulary;
use common::{Backend, TestApp};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

on_both_stores!(gdal_lists_copies_and_filters_the_sample_map);

async fn trafford(backend: Backend) -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = common::fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json");
    assetmap::import::sample::load(store.as_ref(), &Vocabulary::default(), &manifest, "test")
        .await
        .unwrap();
    (TestApp::on(&url, Some(common::TOKEN)).await, dir)
}

fn gdal_installed() -> bool {
    Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs a GDAL program off the async workers (the server shares them) and
/// gives its standard output, failing the test with its errors.
async fn run(program: &'static str, args: Vec<String>) -> String {
    let shown = format!("{program} {}", args.join(" "));
    let out = tokio::task::spawn_blocking(move || Command::new(program).args(&args).output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The features GDAL copied, read back from the GeoPackage as GeoJSON.
async fn copied(gpkg: &Path, dir: &Path, name: &str) -> Vec<Value> {
    let json = dir.join(format!("{name}.geojson"));
    let args = vec![
        "-f".into(),
        "GeoJSON".into(),
        json.display().to_string(),
        gpkg.display().to_string(),
    ];
    run("ogr2ogr", args).await;
    let text = std::fs::read_to_string(&json).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["features"].as_array().unwrap().clone()
}

/// ogr2ogr from one of the server's collections, with extra arguments.
async fn copy(app: &TestApp, layer: &str, dir: &Path, name: &str, extra: &[&str]) -> Vec<Value> {
    let gpkg = dir.join(format!("{name}.gpkg"));
    let mut args: Vec<String> = vec!["-f".into(), "GPKG".into(), gpkg.display().to_string()];
    args.push(format!("OAPIF:{}/ogc", app.base));
    args.push(layer.into());
    args.extend(extra.iter().map(|s| s.to_string()));
    run("ogr2ogr", args).await;
    copied(&gpkg, dir, name).await
}

fn by_id(features: &[Value]) -> BTreeMap<String, Value> {
    features
        .iter()
        .map(|f| {
            let id = f["properties"]["id"]
                .as_str()
                .unwrap_or_else(|| panic!("no id: {f}"));
            (id.to_string(), f["properties"].clone())
        })
        .collect()
}

/// Equal, or the same time: GDAL keeps times to the millisecond.
fn same(got: &Value, want: &Value) -> bool {
    let time = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str()?).ok();
    match (time(got), time(want)) {
        (Some(a), Some(b)) => (a - b).num_microseconds().is_some_and(|d| d.abs() <= 500),
        _ => got == want,
    }
}

async fn gdal_lists_copies_and_filters_the_sample_map(backend: Backend) {
    if !gdal_installed() {
        eprintln!("SKIPPED: ogrinfo is missing; scripts/test.sh installs Debian's gdal-bin");
        return;
    }
    let (app, _store) = trafford(backend).await;
    let dir = tempfile::tempdir().unwrap();

    // ogrinfo lists every collection the server offers.
    let listing = run(
        "ogrinfo",
        vec!["-ro".into(), format!("OAPIF:{}/ogc", app.base)],
    )
    .await;
    let (_, collections) = app.get_json("/ogc/collections").await;
    let ids: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() > 6 && ids.contains(&"areas-ward") && ids.contains(&"gaps-ward-social"));
    let layers: BTreeSet<&str> = listing
        .lines()
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(_, rest)| rest.split(' ').next().unwrap())
        })
        .collect();
    for id in &ids {
        assert!(
            layers.contains(id),
            "ogrinfo does not list {id}:\n{listing}"
        );
    }

    // ogr2ogr copies every asset with the export's attributes.
    let copied = by_id(&copy(&app, "assets", dir.path(), "all", &[]).await);
    let export: Value = app
        .client
        .get(app.url("/api/export.geojson"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let exported = by_id(export["features"].as_array().unwrap());
    assert!(exported.len() > 100, "the sample map has its assets");
    assert_eq!(copied.len(), exported.len());
    assert_eq!(
        copied.keys().collect::<Vec<_>>(),
        exported.keys().collect::<Vec<_>>()
    );
    for (id, props) in &exported {
        for (key, value) in props.as_object().unwrap() {
            let got = &copied[id][key];
            match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                    assert!(same(got, value), "{id}.{key}: {got} for {value}")
                }
                // Lists and objects arrive as JSON text or lists: present.
                Value::Array(_) | Value::Object(_) => assert!(!got.is_null(), "{id}.{key}"),
                Value::Null => {}
            }
        }
    }

    // A bbox filter (GDAL's -spat) gives the ids /api/assets gives.
    let bbox = [-2.35, 53.42, -2.28, 53.46];
    let spat: Vec<String> = bbox.iter().map(|v| v.to_string()).collect();
    let extra: Vec<&str> = std::iter::once("-spat")
        .chain(spat.iter().map(String::as_str))
        .collect();
    let filtered = by_id(&copy(&app, "assets", dir.path(), "bbox", &extra).await);
    let query = format!("/api/assets?limit=10000&bbox={}", spat.join(","));
    let (_, api) = app.get_json(&query).await;
    let expected = by_id(api["features"].as_array().unwrap());
    assert!(!expected.is_empty() && expected.len() < exported.len());
    assert_eq!(
        filtered.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );

    // A capital, as its own collection and as a filter on `assets`.
    let (_, api) = app.get_json("/api/assets?limit=10000&capital=social").await;
    let expected = by_id(api["features"].as_array().unwrap());
    assert!(!expected.is_empty() && expected.len() < exported.len());
    let layer = by_id(&copy(&app, "assets-social", dir.path(), "social", &[]).await);
    assert_eq!(
        layer.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    let filter = ["-where", "capital = 'social'"];
    let filtered = by_id(&copy(&app, "assets", dir.path(), "where", &filter).await);
    assert_eq!(
        filtered.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    app.stop().await;
}

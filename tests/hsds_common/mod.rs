//! What the HSDS tests share: the Trafford sample with people and funds
//! added, and `check-jsonschema` against the published HSDS 3.0 schemas.

#![allow(dead_code)]

use crate::common::{self, point, Backend, TestApp};
use assetmap::domain::Vocabulary;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A person offering a skill, with contact details: never in a directory.
pub const PERSON: &str = "Jo Bloggs";
/// A fund whose funder the data does not name: not in a directory.
pub const UNFUNDED: &str = "Mystery Fund";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A server on a fresh store holding the Trafford sample.
pub async fn trafford(backend: Backend) -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = common::fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let manifest = repo().join("data/trafford/manifest.json");
    assetmap::import::sample::load(store.as_ref(), &Vocabulary::default(), &manifest, "test")
        .await
        .unwrap();
    (TestApp::on(&url, Some(common::TOKEN)).await, dir)
}

/// Adds what the sample lacks: a group with every field, one whose hours
/// are free text, a person, a fund with a funder and one without.
pub async fn extras(app: &TestApp) {
    let mut lunch = point("Sale Lunch Club", "social", "group", -2.32, 53.42);
    lunch["properties"].as_object_mut().unwrap().extend(
        json!({
            "description": "A hot meal and company, weekdays and Saturday mornings.",
            "address": "12 High Street, Sale",
            "postcode": "M33 7XX",
            "website": "https://lunch.example.org/",
            "email": "hello@lunch.example.org",
            "phone": "+44 161 000 0000",
            "opening_hours": "Mo-Fr 09:00-17:00; Sa 10:00-12:00",
            "accessibility": "Step-free entrance",
            "verified_at": "2025-03-04T10:30:00Z",
            "tags": {"operator": "Sale Churches Together", "diet": "halal"},
        })
        .as_object()
        .unwrap()
        .clone(),
    );
    let mut knit = point("Knit and Natter", "social", "club", -2.33, 53.43);
    knit["properties"]["opening_hours"] = json!("Tuesdays 10am till noon");
    let mut person = point(PERSON, "human", "skill", -2.34, 53.44);
    person["properties"].as_object_mut().unwrap().extend(
        json!({"consent": true, "email": "jo@example.org", "phone": "07700 900123", "description": "Bike repair"})
            .as_object()
            .unwrap()
            .clone(),
    );
    let mut fund = point(
        "Stretford Community Fund",
        "financial",
        "fund",
        -2.31,
        53.45,
    );
    fund["properties"]["tags"] = json!({"funder": "Trafford Council"});
    let unfunded = point(UNFUNDED, "financial", "fund", -2.30, 53.45);
    for f in [lunch, knit, person, fund, unfunded] {
        app.create(&f).await;
    }
}

/// The schemas in one folder: the HSDS object schemas refer to each other
/// by file name, and the page schemas of tests/fixtures/hsds to them.
fn schemas() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in [
        "standards/hsds-3",
        "standards/hsds-3/compiled",
        "tests/fixtures/hsds",
    ] {
        for entry in std::fs::read_dir(repo().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// Validates each instance against the named schema with the real
/// `check-jsonschema` (the test command installs it and says where).
pub fn check_jsonschema(schema: &str, instances: &[Value]) {
    let folder = schemas();
    let files: Vec<PathBuf> = instances
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let f = folder.path().join(format!("instance-{i}.out.json"));
            std::fs::write(&f, serde_json::to_vec(v).unwrap()).unwrap();
            f
        })
        .collect();
    run_check(&folder.path().join(schema), &files);
}

pub fn run_check(schema: &Path, files: &[PathBuf]) {
    let program =
        std::env::var("ASSETMAP_CHECK_JSONSCHEMA").unwrap_or_else(|_| "check-jsonschema".into());
    let out = Command::new(&program)
        .arg("--schemafile")
        .arg(schema)
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed (the README's test command installs it): {e}")
        });
    assert!(
        out.status.success(),
        "{} against {}:\n{}{}",
        files.len(),
        schema.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The schemas folder, for a test that writes its own instances.
pub fn schema_folder() -> tempfile::TempDir {
    schemas()
}

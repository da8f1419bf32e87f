//! `assetmap export --format hsds DIR` and `assetmap import --format hsds
//! DIR`, run as a user runs them: the tabular data package validates
//! against the published HSDS 3.0 schema with `check-jsonschema`; people
//! never appear in it; exported, imported into an empty store and exported
//! again it gives the same services; importing again changes nothing; and
//! a package with a fault imports nothing, naming the line.

use crate::common;
use crate::hsds_common;

use common::Backend;
use hsds_common::{extras, run_check, schema_folder, trafford, PERSON, UNFUNDED};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

on_both_stores!(the_package_validates_and_round_trips);

/// Runs the assetmap command; its standard output, or its error.
fn assetmap(args: &[&str]) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.success() {
        true => Ok(text),
        false => Err(format!("{text}{}", String::from_utf8_lossy(&out.stderr))),
    }
}

fn export(db: &str, dir: &Path) {
    assetmap(&[
        "export",
        "--format",
        "hsds",
        dir.to_str().unwrap(),
        "--database-url",
        db,
    ])
    .unwrap_or_else(|e| panic!("export: {e}"));
}

fn import(db: &str, dir: &Path) -> Result<String, String> {
    assetmap(&[
        "import",
        "--format",
        "hsds",
        dir.to_str().unwrap(),
        "--database-url",
        db,
    ])
}

/// Every table of a package as a consumer reads it: typed as its
/// datapackage.json declares, empty cells missing unless the resource says
/// otherwise. Checks each CSV's header against its declared fields.
fn read_package(dir: &Path) -> BTreeMap<String, Vec<Map<String, Value>>> {
    let package: Value =
        serde_json::from_slice(&std::fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(package["profile"], "tabular-data-package");
    let mut tables = BTreeMap::new();
    for resource in package["resources"].as_array().unwrap() {
        let schema = &resource["schema"];
        let fields: Vec<(&str, &str)> = schema["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), f["type"].as_str().unwrap()))
            .collect();
        let missing: Vec<&str> = schema["missingValues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        let path = dir.join(resource["path"].as_str().unwrap());
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let declared: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        assert_eq!(header, declared, "{}", path.display());
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            let mut row = Map::new();
            for ((name, kind), cell) in fields.iter().zip(record.iter()) {
                if missing.contains(&cell) {
                    continue;
                }
                let value = match *kind {
                    "number" => json!(cell.parse::<f64>().unwrap()),
                    _ => json!(cell),
                };
                row.insert(name.to_string(), value);
            }
            rows.push(row);
        }
        tables.insert(resource["name"].as_str().unwrap().to_string(), rows);
    }
    tables
}

/// read, created, updated, unchanged and rejected, from the import's table.
fn counts(said: &str) -> [usize; 5] {
    let row = said
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no report: {said}"));
    let n: Vec<usize> = row
        .split_whitespace()
        .rev()
        .take(5)
        .map(|v| v.parse().unwrap())
        .collect();
    [n[4], n[3], n[2], n[1], n[0]]
}

fn names(tables: &BTreeMap<String, Vec<Map<String, Value>>>) -> Vec<String> {
    let mut n: Vec<String> = tables["service"]
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

async fn the_package_validates_and_round_trips(backend: Backend) {
    let (app, _a) = trafford(backend).await;
    extras(&app).await;
    let (_, api) = app.get_json("/hsds/services?per_page=1000").await;
    let work = tempfile::tempdir().unwrap();
    let first = work.path().join("first");
    export(&app.db_url, &first);

    // The package against the published tabular schema.
    let tables = read_package(&first);
    let folder = schema_folder();
    let instance = folder.path().join("package.out.json");
    std::fs::write(&instance, serde_json::to_vec(&tables).unwrap()).unwrap();
    run_check(&folder.path().join("tabular.json"), &[instance]);
    assert_eq!(
        tables["service"].len() as u64,
        api["total_items"].as_u64().unwrap(),
        "the package holds what the API serves"
    );
    let ids: Vec<&Value> = tables["service"].iter().map(|s| &s["id"]).collect();
    assert!(
        ids.contains(&&api["contents"][0]["id"]),
        "with the same ids"
    );

    // No person and no unfunded fund in any file.
    for entry in std::fs::read_dir(&first).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for secret in [PERSON, "jo@example.org", "07700 900123", UNFUNDED] {
            assert!(!text.contains(secret), "{secret} is in the package");
        }
    }

    // Into an empty store and out again: the same services.
    let (empty, _b) = common::fresh_store(backend).await;
    let said = import(&empty, &first).unwrap_or_else(|e| panic!("import: {e}"));
    let n = tables["service"].len();
    assert_eq!(counts(&said), [n, n, 0, 0, 0], "{said}");
    let second = work.path().join("second");
    export(&empty, &second);
    let again = read_package(&second);
    assert_eq!(names(&again), names(&tables));
    for (table, rows) in &tables {
        let strip = |rows: &[Map<String, Value>]| -> Vec<Map<String, Value>> {
            rows.iter()
                .map(|r| {
                    let mut r = r.clone();
                    // When the copy was written, not when the asset was.
                    r.remove("last_modified");
                    r
                })
                .collect()
        };
        assert_eq!(
            strip(rows),
            strip(&again[table]),
            "{table} differs after a round trip"
        );
    }

    // Importing again changes nothing, in the copy and in the store it
    // came from (whose assets it updates rather than repeats).
    let store = assetmap::store::open(&empty).await.unwrap();
    let before = store.all_assets().await.unwrap().len();
    let said = import(&empty, &first).unwrap();
    assert_eq!(store.all_assets().await.unwrap().len(), before, "{said}");
    assert_eq!(counts(&said), [n, 0, 0, n, 0], "{said}");
    let origin = assetmap::store::open(&app.db_url).await.unwrap();
    let count = origin.all_assets().await.unwrap().len();
    let said = import(&app.db_url, &first).unwrap();
    assert_eq!(origin.all_assets().await.unwrap().len(), count, "{said}");
    assert_eq!(counts(&said), [n, 0, 0, n, 0], "{said}");

    // A fault anywhere: nothing is imported, and the message says where.
    let broken = work.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    for entry in std::fs::read_dir(&first).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, broken.join(path.file_name().unwrap())).unwrap();
    }
    let services = std::fs::read_to_string(broken.join("services.csv")).unwrap();
    let mut lines: Vec<String> = services.lines().map(String::from).collect();
    let victim = tables["service"][2]["name"].as_str().unwrap().to_string();
    let at = lines.iter().position(|l| l.contains(&victim)).unwrap();
    lines[at] = lines[at].replacen(&victim, "", 1);
    std::fs::write(broken.join("services.csv"), lines.join("\n") + "\n").unwrap();
    let (fresh, _c) = common::fresh_store(backend).await;
    let err = import(&fresh, &broken).unwrap_err();
    assert!(err.contains("services.csv line "), "{err}");
    assert!(err.contains("name"), "{err}");
    let store = assetmap::store::open(&fresh).await.unwrap();
    assert_eq!(store.all_assets().await.unwrap().len(), 0, "all or nothing");

    let locations = std::fs::read_to_string(first.join("locations.csv")).unwrap();
    let mut lines: Vec<String> = locations.lines().map(String::from).collect();
    let lat = tables["location"][0]["latitude"]
        .as_f64()
        .unwrap()
        .to_string();
    lines[1] = lines[1].replacen(&lat, "north", 1);
    std::fs::write(broken.join("services.csv"), services).unwrap();
    std::fs::write(broken.join("locations.csv"), lines.join("\n") + "\n").unwrap();
    let err = import(&fresh, &broken).unwrap_err();
    assert!(err.contains("locations.csv: line 2: latitude"), "{err}");
    assert_eq!(store.all_assets().await.unwrap().len(), 0, "all or nothing");
    app.stop().await;
}

//! The HSDS tabular data package: `datapackage.json` (Frictionless Data)
//! and one CSV per table, each table's columns and types taken from the
//! specification's own `compiled/tabular.json`.

use super::{Directory, TABLES};
use crate::export::cells;
use anyhow::{bail, Context};
use serde_json::{json, Map, Value};
use std::path::Path;
use std::sync::OnceLock;

/// One column of a table: its name, its Frictionless type and format.
pub struct Column {
    pub name: String,
    pub kind: String,
    pub format: Option<String>,
    pub title: Option<String>,
}

/// A table as the specification lays it out in a data package.
pub struct Table {
    pub name: &'static str,
    pub path: String,
    pub columns: Vec<Column>,
}

/// The tables assetmap writes and reads, from the specification.
pub fn tables() -> &'static [Table] {
    static TABLES_SPEC: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES_SPEC.get_or_init(|| {
        let spec: Value =
            serde_json::from_str(include_str!("../../standards/hsds-3/compiled/tabular.json"))
                .expect("the HSDS tabular schema is JSON");
        TABLES
            .iter()
            .map(|name| {
                let items = &spec["properties"][*name]["items"];
                let props = items["properties"].as_object().expect("a table's fields");
                let columns = props
                    .iter()
                    .filter(|(_, p)| !matches!(p["type"].as_str(), Some("array" | "object")))
                    .filter(|(_, p)| p.get("$ref").is_none())
                    .map(|(k, p)| Column {
                        name: k.clone(),
                        kind: p["datapackage_type"]
                            .as_str()
                            .or(p["type"].as_str())
                            .unwrap_or("string")
                            .to_string(),
                        format: p["format"].as_str().map(str::to_string),
                        title: p["title"].as_str().map(str::to_string),
                    })
                    .collect();
                Table {
                    name,
                    path: items["path"].as_str().expect("a table's path").to_string(),
                    columns,
                }
            })
            .collect()
    })
}

/// Where an empty cell is an empty string rather than a missing value:
/// addresses, whose required `state_province` is empty in the UK.
fn missing_values(table: &str) -> Value {
    if table == "address" {
        json!([])
    } else {
        json!([""])
    }
}

fn foreign_keys(table: &Table) -> Vec<Value> {
    table
        .columns
        .iter()
        .filter_map(|c| {
            let target = match c.name.as_str() {
                "parent_organization_id" => "organization",
                n => n.strip_suffix("_id")?,
            };
            (TABLES.contains(&target) && target != table.name).then(
                || json!({"fields": c.name, "reference": {"resource": target, "fields": "id"}}),
            )
        })
        .collect()
}

/// A text cell a spreadsheet shows as text (see `export::cells`), except
/// that a phone number such as `+44 161 912 3000` stays as it is: with no
/// letters it can hold no formula's function, and directories read it.
fn cell(text: &str) -> String {
    let plain = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if text.chars().all(plain) {
        text.to_string()
    } else {
        cells::neutralise(text.to_string())
    }
}

/// Writes the data package for `dir` into the folder `out` (created if
/// need be): `datapackage.json` and every table's CSV, empty ones too.
pub fn write(dir: &Directory, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut resources = Vec::new();
    for table in tables() {
        let path = out.join(&table.path);
        let mut w = csv::Writer::from_path(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        w.write_record(table.columns.iter().map(|c| c.name.as_str()))?;
        for row in dir.rows(table.name) {
            w.write_record(table.columns.iter().map(|c| match row.get(&c.name) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => cell(s),
                Some(v) => v.to_string(),
            }))?;
        }
        w.flush()
            .with_context(|| format!("writing {}", path.display()))?;
        let fields: Vec<Value> = table
            .columns
            .iter()
            .map(|c| {
                let mut f = json!({"name": c.name, "type": c.kind, "title": c.title});
                if let Some(fmt) = &c.format {
                    f["format"] = json!(fmt);
                }
                f
            })
            .collect();
        resources.push(json!({
            "name": table.name,
            "path": table.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": fields,
                "primaryKey": ["id"],
                "missingValues": missing_values(table.name),
                "foreignKeys": foreign_keys(table),
            },
        }));
    }
    let package = json!({
        "profile": "tabular-data-package",
        "name": "assetmap-hsds",
        "title": "Services and places from assetmap, as Open Referral HSDS 3.0",
        "version": super::VERSION,
        "created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "resources": resources,
    });
    let path = out.join("datapackage.json");
    std::fs::write(&path, serde_json::to_string_pretty(&package)? + "\n")
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Reads a data package back: every table assetmap knows, typed as the
/// package's `datapackage.json` declares (or, without one, as the
/// specification does). A cell that is not what its column says is an
/// error naming the file, line and column.
pub fn read(folder: &Path) -> anyhow::Result<Directory> {
    let package_path = folder.join("datapackage.json");
    let package: Value = match std::fs::read(&package_path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not JSON", package_path.display()))?,
        Err(_) => json!({"resources": []}),
    };
    let declared = package["resources"].as_array().cloned().unwrap_or_default();
    let mut dir = Directory::default();
    for table in tables() {
        let resource = declared
            .iter()
            .find(|r| r["name"].as_str() == Some(table.name));
        let rel = resource
            .and_then(|r| r["path"].as_str())
            .unwrap_or(table.path.as_str());
        let path = folder.join(rel);
        if !path.exists() {
            continue;
        }
        let kind_of = |col: &str| -> String {
            resource
                .and_then(|r| r["schema"]["fields"].as_array())
                .and_then(|fs| fs.iter().find(|f| f["name"].as_str() == Some(col)))
                .and_then(|f| f["type"].as_str())
                .map(str::to_string)
                .or_else(|| {
                    table
                        .columns
                        .iter()
                        .find(|c| c.name == col)
                        .map(|c| c.kind.clone())
                })
                .unwrap_or_else(|| "string".into())
        };
        let missing: Vec<String> = resource
            .and_then(|r| r["schema"]["missingValues"].as_array())
            .map(|m| {
                m.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_else(|| vec![String::new()]);
        let mut reader =
            csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
        let headers = reader.headers()?.clone();
        let kinds: Vec<String> = headers.iter().map(kind_of).collect();
        let name = path.display();
        for record in reader.records() {
            let record = record.with_context(|| format!("{name}: not CSV"))?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let mut row = Map::new();
            for ((col, cell), kind) in headers.iter().zip(record.iter()).zip(&kinds) {
                if missing.iter().any(|m| m == cell) {
                    continue;
                }
                let value = match kind.as_str() {
                    "number" | "integer" => match cell.trim().parse::<f64>() {
                        Ok(n) => json!(n),
                        Err(_) => bail!("{name}: line {line}: {col}: '{cell}' is not a number"),
                    },
                    _ => Value::String(cells::restore(cell).to_string()),
                };
                row.insert(col.to_string(), value);
            }
            if super::id_of(&row).is_empty() {
                bail!("{name}: line {line}: id: every row needs an id");
            }
            if table.name == "service" {
                dir.lines.insert(super::id_of(&row).to_string(), line);
            }
            dir.push(table.name, row);
        }
    }
    let mut sorted = dir.clone();
    sorted.finish();
    for table in TABLES {
        if sorted.rows(table).len() != dir.rows(table).len() {
            bail!("{table}: an id appears twice");
        }
    }
    Ok(sorted)
}

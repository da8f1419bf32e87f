//! Taking data in as communities hold it (GeoJSON, CSV, OpenStreetMap) and
//! giving it back (see `export`). Every import is checked whole first, then
//! written in one transaction, or not at all.

pub mod areas;
mod belongs;
pub mod csv;
mod distinguish;
pub mod geojson;
mod mapping;
pub mod osm;
mod rules;
pub mod sample;

pub use belongs::{Attached, BelongsTo};
pub use mapping::{Mapping, MappingSpec, Rule, Source};

use crate::domain::{check_geometry, Asset, FieldError, Status, Vocabulary};
use crate::store::{Change, ChangeOp, Store, StoreError};
use chrono::{SubsecRound, Utc};
use geo::Geometry;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read: the message names the place.
    #[error("{0}")]
    Unreadable(String),
    #[error("{0}")]
    Mapping(String),
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// One row or feature as read, before mapping.
#[derive(Debug, Clone)]
pub struct Record {
    /// Where it is in the source, for messages: "line 42", "feature 7",
    /// "osm:way/123".
    pub place: String,
    pub props: Map<String, Value>,
    /// The geometry, or why there is none.
    pub geometry: Result<Geometry<f64>, FieldError>,
    /// A source id the reader knows (OpenStreetMap's), used as is.
    pub source: Option<String>,
    /// An assetmap id carried by the row (assetmap's own exports).
    pub asset_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Reject {
    pub place: String,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub read: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Reject>,
    /// Whether anything was written: false for a dry run, and for an import
    /// with rejects unless rejects are skipped.
    pub written: bool,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Names the data set in each asset's source: `import:<dataset>:<id>`.
    pub dataset: String,
    pub dry_run: bool,
    pub skip_invalid: bool,
    pub actor: String,
}

impl Options {
    /// Whether a planned import is written: not on a dry run, and not with
    /// rejects unless they are to be skipped.
    pub fn writes(&self, report: &Report) -> bool {
        !self.dry_run && (report.rejected.is_empty() || self.skip_invalid)
    }
}

/// Checks every record, works out what would change, and (unless it is a
/// dry run, or there are rejects and they are not to be skipped) writes it
/// all in one transaction. Returns the report and the changes written.
pub async fn run(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: Vec<Record>,
    options: &Options,
) -> Result<(Report, Vec<Change>), ImportError> {
    let (report, changes) = plan(store, vocabulary, mapping, records, options).await?;
    let write = options.writes(&report);
    if write && !changes.is_empty() {
        store.write(&changes).await?;
    }
    Ok((
        Report {
            written: write,
            ..report
        },
        if write { changes } else { Vec::new() },
    ))
}

pub async fn plan(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: Vec<Record>,
    options: &Options,
) -> Result<(Report, Vec<Change>), ImportError> {
    crate::domain::check_dataset(&options.dataset)
        .map_err(|e| ImportError::Mapping(e.to_string()))?;
    let prefix = dataset_prefix(&options.dataset);
    let mut existing: HashMap<String, Asset> = HashMap::new();
    // A source with control characters is never looked up (PostgreSQL
    // would refuse the query): its row is rejected when it is checked.
    let prefixes: HashSet<String> = records
        .iter()
        .filter_map(|r| r.source.as_ref().map(|s| source_prefix(s)))
        .filter(|p| crate::domain::check_text("source", p, false).is_ok())
        .chain(std::iter::once(prefix.clone()))
        .collect();
    for p in prefixes {
        for a in store.assets_by_source_prefix(&p).await? {
            if let Some(s) = a.draft.source.clone() {
                existing.insert(s, a);
            }
        }
    }
    let carried: Vec<Uuid> = records.iter().filter_map(|r| r.asset_id).collect();
    let by_id: HashMap<Uuid, Asset> = store
        .get_many(&carried)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();

    let now = Utc::now().trunc_subsecs(6);
    let mut report = Report {
        read: records.len(),
        ..Report::default()
    };
    let mut changes = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for record in records {
        // A reason may quote the value at fault, which may be huge.
        let reject = |field: &str, reason: String| Reject {
            place: record.place.clone(),
            field: crate::domain::clip(field, 200),
            reason: crate::domain::clip(&reason, 500),
        };
        let geometry = match record.geometry.clone().and_then(|g| {
            check_geometry(&g)
                .map(|_| g)
                .map_err(|m| FieldError::new("geometry", m))
        }) {
            Ok(g) => g,
            Err(e) => {
                report.rejected.push(reject(&e.field, e.message));
                continue;
            }
        };
        let by_asset = record.asset_id.and_then(|id| by_id.get(&id));
        let (source, named) = match (&record.source, mapping.row_id(&record.props)) {
            (Some(s), _) => (s.clone(), true),
            (None, Some(id)) => (format!("{prefix}{id}"), true),
            (None, None) => match record.props.get("source").and_then(Value::as_str) {
                Some(s) if record.asset_id.is_some() => (s.to_string(), true),
                _ => (
                    format!("{prefix}h{:016x}", row_hash(&record.props, &geometry)),
                    false,
                ),
            },
        };
        if !seen.insert(source.clone()) {
            report.rejected.push(reject(
                "id",
                format!("appears twice in this file ({source})"),
            ));
            continue;
        }
        let mut draft = match mapping.apply(&record.props, geometry, &source, vocabulary) {
            Ok(d) => d,
            Err(e) => {
                report.rejected.push(reject(&e.field, e.message));
                continue;
            }
        };
        // An asset matched by its id, read from a record that names no
        // source, keeps the source it has (none, if it was added on the
        // map): a made-up one would count as a change on every round trip.
        if let (Some(a), false) = (by_asset, named) {
            draft.source = a.draft.source.clone();
        }
        let current = by_asset.or_else(|| existing.get(&source));
        match current {
            Some(a) if a.draft == draft => report.unchanged += 1,
            Some(a) => {
                report.updated += 1;
                let mut draft = draft;
                if a.draft.status != Status::Archived {
                    draft.status = a.draft.status;
                }
                changes.push(Change {
                    asset: Asset {
                        draft,
                        updated_at: now,
                        updated_by: options.actor.clone(),
                        version: a.version + 1,
                        ..a.clone()
                    },
                    op: ChangeOp::Update,
                    expected_version: Some(a.version),
                });
            }
            None => {
                report.created += 1;
                changes.push(Change {
                    asset: Asset {
                        id: record.asset_id.unwrap_or_else(Uuid::new_v4),
                        draft,
                        created_at: now,
                        created_by: options.actor.clone(),
                        updated_at: now,
                        updated_by: options.actor.clone(),
                        version: 1,
                    },
                    op: ChangeOp::Create,
                    expected_version: None,
                });
            }
        }
    }
    Ok((report, changes))
}

/// How the source of every asset of a data set begins.
pub fn dataset_prefix(dataset: &str) -> String {
    format!("import:{dataset}:")
}

/// `osm:node/1` -> `osm:`; `import:libraries:7` -> `import:libraries:`.
fn source_prefix(source: &str) -> String {
    match source.rfind(':') {
        Some(i) => source[..=i].to_string(),
        None => source.to_string(),
    }
}

/// A stable hash of a row, for sources with no id of their own: the same
/// row gives the same id in every import (FNV-1a over canonical JSON, which
/// unlike std's hasher is fixed across Rust releases).
fn row_hash(props: &Map<String, Value>, geometry: &Geometry<f64>) -> u64 {
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 ^= u64::from(*b);
                self.0 = self.0.wrapping_mul(0x100000001b3);
            }
        }
    }
    let mut h = Fnv(0xcbf29ce484222325);
    // What assetmap itself adds to a row (a park's count of entrances) is
    // not the row's identity: it may change while the park stays the same.
    let sorted: std::collections::BTreeMap<&String, &Value> = props
        .iter()
        .filter(|(k, _)| !k.starts_with("assetmap:"))
        .collect();
    serde_json::to_string(&sorted)
        .unwrap_or_default()
        .hash(&mut h);
    crate::domain::geometry_json(geometry)
        .to_string()
        .hash(&mut h);
    h.finish()
}

impl Report {
    /// A table of reports, one row per data set, then every reject (up to
    /// 50 per data set) with its place, field and reason.
    pub fn table(reports: &[(String, Report)]) -> String {
        let width = reports
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        let mut out = format!(
            "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>8}\n",
            "data set", "read", "created", "updated", "unchanged", "rejected"
        );
        for (name, r) in reports {
            out.push_str(&format!(
                "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>8}\n",
                name,
                r.read,
                r.created,
                r.updated,
                r.unchanged,
                r.rejected.len()
            ));
        }
        for (name, r) in reports {
            for reject in r.rejected.iter().take(50) {
                out.push_str(&format!(
                    "{name}: {}: {}: {}\n",
                    reject.place, reject.field, reject.reason
                ));
            }
            if r.rejected.len() > 50 {
                out.push_str(&format!(
                    "{name}: ... and {} more rejected\n",
                    r.rejected.len() - 50
                ));
            }
            if !r.written {
                out.push_str(&format!("{name}: nothing was written\n"));
            }
        }
        out
    }
}

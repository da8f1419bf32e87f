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
mod plan;
mod report;
mod rules;
pub mod sample;

pub use belongs::{Attached, BelongsTo};
pub use mapping::{Mapping, MappingSpec, Rule, Source};
pub use plan::{plan, plan_stream};

use crate::domain::{FieldError, Vocabulary};
use crate::store::{Batch, Change, Store, StoreError};
use geo::Geometry;
use serde::Serialize;
use serde_json::{Map, Value};
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

/// `run` over records as a reader yields them, each chunk's changes written
/// as soon as they are planned, all in one transaction (see
/// `Store::write_stream`): neither the records nor the changes are ever
/// held whole. Only the report is returned.
pub async fn run_stream(
    store: std::sync::Arc<dyn Store>,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: impl futures_util::Stream<Item = Result<Record, ImportError>> + Unpin,
    options: &Options,
) -> Result<Report, ImportError> {
    // Room for more than the store writes at once (its stream batch is
    // ten chunks): the planner fills the next batch while one is written,
    // instead of waiting for the write and then the writer for it.
    let (tx, mut rx) = tokio::sync::mpsc::channel(16);
    let (alone_tx, alone_rx) = tokio::sync::oneshot::channel();
    let sink = plan::Sink {
        batches: tx.clone(),
        alone: (!options.dry_run).then_some(alone_rx),
    };
    let planning: &dyn Store = &*store;
    let plan = async move {
        let planner =
            plan::plan_into(planning, vocabulary, mapping, records, options, Some(sink)).await?;
        let write = options.writes(&planner.report);
        if write {
            // A writer that has failed has its own error to report.
            let _ = tx.send(Batch::Commit).await;
        }
        Ok::<_, ImportError>((planner.report, write))
    };
    if !options.dry_run {
        // The write on a task of its own: beside the planner on one task,
        // the database's statements waited while each chunk was planned
        // (SQLite's worker thread sat idle for a third of an import).
        let writer = {
            let store = store.clone();
            tokio::spawn(async move { store.write_stream(rx, alone_tx).await })
        };
        let planned = plan.await;
        let written = writer.await.map_err(|e| {
            ImportError::Store(StoreError::Corrupt(format!(
                "the import's writer stopped: {e}"
            )))
        })?;
        // Both may have failed (the planner finds the writer gone): the
        // planner's error is the one returned, the writer's is logged.
        let (report, write) = match (planned, &written) {
            (Err(e), Err(w)) => {
                tracing::error!(error = %w, "the import's write failed too");
                return Err(e);
            }
            (planned, _) => planned?,
        };
        let committed = written?.is_some();
        return Ok(Report {
            written: write && committed,
            ..report
        });
    }
    let drain = async { while rx.recv().await.is_some() {} };
    let (planned, ()) = futures_util::future::join(plan, drain).await;
    let (report, _) = planned?;
    Ok(Report {
        written: false,
        ..report
    })
}

/// How the source of every asset of a data set begins.
pub fn dataset_prefix(dataset: &str) -> String {
    format!("import:{dataset}:")
}

//! Planning an import: each record checked and mapped, matched to what the
//! store holds, and turned into a change (or a reject), a chunk at a time.

use super::{dataset_prefix, ImportError, Mapping, Options, Record, Reject, Report};
use crate::domain::{check_geometry, Asset, FieldError, Status, Vocabulary};
use crate::store::{Batch, Change, ChangeOp, Store};
use chrono::{SubsecRound, Utc};
use geo::Geometry;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use uuid::Uuid;

pub async fn plan(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: Vec<Record>,
    options: &Options,
) -> Result<(Report, Vec<Change>), ImportError> {
    let records = futures_util::stream::iter(records.into_iter().map(Ok));
    plan_stream(store, vocabulary, mapping, records, options).await
}

/// Records planned this many at a time: the assets they may update are
/// looked up per chunk, so a reader can stream them in.
const CHUNK: usize = 2_000;

/// `plan` over records as a reader yields them: only the changes are kept,
/// never every record. A reader's error ends the plan with that error.
pub async fn plan_stream(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: impl futures_util::Stream<Item = Result<Record, ImportError>> + Unpin,
    options: &Options,
) -> Result<(Report, Vec<Change>), ImportError> {
    let planner = plan_into(store, vocabulary, mapping, records, options, None).await?;
    Ok((planner.report, planner.changes))
}

/// Where a streamed import's changes go as they are planned: the streamed
/// write's channel, and its word on whether it holds an empty register
/// to itself (`Store::write_stream`), awaited before anything is read.
pub(super) struct Sink {
    pub batches: tokio::sync::mpsc::Sender<Batch>,
    pub alone: Option<tokio::sync::oneshot::Receiver<bool>>,
}

/// Plans records a chunk at a time. With a sink, each chunk's changes go to
/// it as they are planned (and planning stops if it is gone); without one
/// they are kept in the planner.
pub(super) async fn plan_into(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    mapping: &Mapping,
    records: impl futures_util::Stream<Item = Result<Record, ImportError>> + Unpin,
    options: &Options,
    mut sink: Option<Sink>,
) -> Result<Planner, ImportError> {
    use futures_util::StreamExt;
    crate::domain::check_dataset(&options.dataset)
        .map_err(|e| ImportError::Mapping(e.to_string()))?;
    // A write that locked an empty register for itself would hold up
    // every read below until it commits: there is nothing to read then.
    let alone = match sink.as_mut().and_then(|s| s.alone.take()) {
        Some(word) => word.await.unwrap_or(false),
        None => false,
    };
    let mut planner = Planner {
        alone,
        prefix: dataset_prefix(&options.dataset),
        existing: HashMap::new(),
        report: Report::default(),
        changes: Vec::new(),
        seen: HashSet::new(),
        now: Utc::now().trunc_subsecs(6),
    };
    let mut chunks = records.chunks(CHUNK);
    while let Some(chunk) = chunks.next().await {
        // A writer that has stopped (an error) will take nothing more:
        // reading on would only cost the rest of the file.
        if sink.as_ref().is_some_and(|s| s.batches.is_closed()) {
            break;
        }
        let chunk = chunk.into_iter().collect::<Result<Vec<Record>, _>>()?;
        let sources: Vec<Option<(String, bool)>> = chunk
            .iter()
            .map(|r| {
                r.geometry
                    .as_ref()
                    .ok()
                    .map(|g| source_of(&planner.prefix, mapping, r, g))
            })
            .collect();
        let by_id = if planner.alone {
            HashMap::new()
        } else {
            planner.look_up(store, &sources).await?;
            carried(store, &chunk).await?
        };
        planner.plan(vocabulary, mapping, chunk, sources, &by_id, options);
        if let Some(sink) = &sink {
            let changes = std::mem::take(&mut planner.changes);
            if !changes.is_empty() && sink.batches.send(Batch::Changes(changes)).await.is_err() {
                break;
            }
        }
    }
    Ok(planner)
}

/// The assets that records carrying an assetmap id may update.
async fn carried(
    store: &dyn Store,
    records: &[Record],
) -> Result<HashMap<Uuid, Asset>, ImportError> {
    let ids: Vec<Uuid> = records.iter().filter_map(|r| r.asset_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(store
        .get_many(&ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

pub(super) struct Planner {
    /// The register was empty when the write began, and no one else can
    /// write until it ends: nothing stored can match a record.
    alone: bool,
    prefix: String,
    /// The stored assets the chunk being planned may update, by source.
    /// Only a chunk's: a national data set's every asset held at once took
    /// 2.9 GB to import a million again.
    existing: HashMap<String, Asset>,
    pub(super) report: Report,
    changes: Vec<Change>,
    seen: HashSet<String>,
    now: chrono::DateTime<Utc>,
}

impl Planner {
    /// Loads the stored assets that have the sources of a chunk's records,
    /// in place of the last chunk's.
    async fn look_up(
        &mut self,
        store: &dyn Store,
        sources: &[Option<(String, bool)>],
    ) -> Result<(), ImportError> {
        // A source with control characters is never looked up (PostgreSQL
        // would refuse the query): its row is rejected when it is checked.
        let sources: Vec<String> = sources
            .iter()
            .flatten()
            .map(|(s, _)| s)
            .filter(|s| crate::domain::check_text("source", s, false).is_ok())
            .cloned()
            .collect();
        self.existing.clear();
        for a in store.assets_by_sources(&sources).await? {
            if let Some(s) = a.draft.source.clone() {
                self.existing.insert(s, a);
            }
        }
        Ok(())
    }

    fn plan(
        &mut self,
        vocabulary: &Vocabulary,
        mapping: &Mapping,
        records: Vec<Record>,
        sources: Vec<Option<(String, bool)>>,
        by_id: &HashMap<Uuid, Asset>,
        options: &Options,
    ) {
        let Planner {
            existing,
            report,
            changes,
            seen,
            now,
            ..
        } = self;
        let now = *now;
        report.read += records.len();
        for (record, source) in records.into_iter().zip(sources) {
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
            // Made from the same geometry, before it was checked.
            let (source, named) = source.expect("a record with a geometry has a source");
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
    }
}

/// Where a record came from, and whether it says so itself (its own
/// source or id) rather than by a hash of its content.
fn source_of(
    prefix: &str,
    mapping: &Mapping,
    record: &Record,
    geometry: &Geometry<f64>,
) -> (String, bool) {
    match (&record.source, mapping.row_id(&record.props)) {
        (Some(s), _) => (s.clone(), true),
        (None, Some(id)) => (format!("{prefix}{id}"), true),
        (None, None) => match record.props.get("source").and_then(Value::as_str) {
            Some(s) if record.asset_id.is_some() => (s.to_string(), true),
            _ => (
                format!("{prefix}h{:016x}", row_hash(&record.props, geometry)),
                false,
            ),
        },
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

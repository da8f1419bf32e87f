//! The register: every write goes to the store of record first, in one
//! transaction with its change-log row, then to this server's index; reads
//! take their spatial answer from the index and their records from the store.

mod areas;
mod query;

pub use areas::AreaSet;

pub use query::{AssetQuery, Spatial, MAX_K, MAX_LIMIT, MAX_RADIUS_M};

use crate::domain::{
    parse_geometry, Asset, AssetDraft, BBox, FieldError, Postcode, Status, Vocabulary,
};
use crate::index::{AssetIndex, Filter, Hit, IndexRecord};
use crate::store::{Change, ChangeOp, Store, StoreError};
use chrono::{SubsecRound, Utc};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(FieldError),
    #[error("no asset with id {0}")]
    NotFound(Uuid),
    #[error("asset {0} has been archived")]
    Gone(Uuid),
    #[error("asset {id} is at version {current}, not {expected}")]
    Conflict {
        id: Uuid,
        expected: i64,
        current: i64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// RFC 7396: objects merge key by key, `null` removes a key (for a field,
/// clears it), anything else replaces the value.
fn merge_patch(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(changes)) => merge_patch(inner, changes),
            (_, Value::Null) => {
                target.remove(key);
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// One page of answers, each asset with its distance where the query has a
/// centre.
pub struct Page {
    pub number_matched: usize,
    pub items: Vec<(Asset, Option<f64>)>,
}

pub struct Health {
    pub store: &'static str,
    pub store_ok: bool,
    pub assets_indexed: usize,
    pub last_seq: i64,
}

pub struct Registry {
    store: Arc<dyn Store>,
    index: RwLock<AssetIndex>,
    areas: RwLock<Arc<AreaSet>>,
    postcodes: RwLock<Arc<HashMap<String, Postcode>>>,
    /// The store's reference stamp when areas and postcodes were last read.
    reference_stamp: Mutex<String>,
    vocabulary: Vocabulary,
}

impl Registry {
    /// Loads the index from the store in one bulk load.
    pub async fn open(store: Arc<dyn Store>, vocabulary: Vocabulary) -> Result<Registry> {
        let (records, last_seq) = store.index_records().await?;
        let index = AssetIndex::bulk_load(records, last_seq);
        let registry = Registry {
            store,
            index: RwLock::new(index),
            areas: RwLock::default(),
            postcodes: RwLock::default(),
            reference_stamp: Mutex::default(),
            vocabulary,
        };
        registry.reload_areas().await?;
        Ok(registry)
    }

    /// A postcode's centroid, in any spacing or case.
    pub fn postcode(&self, raw: &str) -> Option<Postcode> {
        let lookup = self
            .postcodes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        lookup.get(&crate::domain::normalise_postcode(raw)).cloned()
    }

    /// Gap analysis over the index and areas as they are now.
    pub fn gaps(&self, params: &crate::analysis::GapParams) -> crate::analysis::GapReport {
        let postcodes = self.postcodes();
        let points: Vec<&Postcode> = postcodes.values().collect();
        let areas = self.areas();
        // The points under the lock, the work without it: writes go on.
        let targets = crate::analysis::target_points(&self.index(), params);
        crate::analysis::gaps_from(targets, &areas, &points, params)
    }

    pub fn profile(&self, code: &str, distance_m: f64) -> Option<crate::analysis::Profile> {
        let postcodes = self.postcodes();
        let points: Vec<&Postcode> = postcodes.values().collect();
        let areas = self.areas();
        let targets = crate::analysis::profile_targets(&self.index());
        crate::analysis::profile_from(&targets, &areas, &points, code, distance_m)
    }

    pub fn postcodes(&self) -> Arc<HashMap<String, Postcode>> {
        self.postcodes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The areas as loaded; a snapshot that later reloads do not change.
    pub fn areas(&self) -> Arc<AreaSet> {
        self.areas.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads areas and postcodes again from the store, after they were
    /// imported.
    pub async fn reload_areas(&self) -> Result<()> {
        let stamp = self.store.reference_stamp().await?;
        let fresh = Arc::new(AreaSet::new(self.store.areas().await?));
        *self.areas.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        let lookup: HashMap<String, Postcode> = self
            .store
            .postcodes()
            .await?
            .into_iter()
            .map(|p| (p.postcode.clone(), p))
            .collect();
        *self.postcodes.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(lookup);
        *self
            .reference_stamp
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = stamp;
        Ok(())
    }

    /// Reloads areas and postcodes if another process has loaded some
    /// since this server last read them (they have no change log).
    pub async fn sync_reference(&self) -> Result<bool> {
        let stamp = self.store.reference_stamp().await?;
        let known = self
            .reference_stamp
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if stamp == known {
            return Ok(false);
        }
        self.reload_areas().await?;
        Ok(true)
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The index for reading. A poisoned lock only means a writer panicked
    /// between two consistent states of the tree, so it is still usable.
    pub fn index(&self) -> RwLockReadGuard<'_, AssetIndex> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn index_mut(&self) -> RwLockWriteGuard<'_, AssetIndex> {
        self.index.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn parse_draft(&self, feature: &Value) -> Result<AssetDraft> {
        AssetDraft::from_feature(feature, &self.vocabulary).map_err(ServiceError::Invalid)
    }

    pub async fn create(&self, draft: AssetDraft, actor: &str) -> Result<Asset> {
        let now = Utc::now().trunc_subsecs(6);
        let asset = Asset {
            id: Uuid::new_v4(),
            draft,
            created_at: now,
            created_by: actor.to_string(),
            updated_at: now,
            updated_by: actor.to_string(),
            version: 1,
        };
        self.commit(vec![Change {
            asset: asset.clone(),
            op: ChangeOp::Create,
            expected_version: None,
        }])
        .await?;
        Ok(asset)
    }

    /// Applies a JSON merge patch (RFC 7396) of a Feature's `properties`,
    /// and a new `geometry` if one is given, to the version the writer saw.
    pub async fn update(
        &self,
        id: Uuid,
        expected: i64,
        patch: &Value,
        actor: &str,
    ) -> Result<Asset> {
        let current = self.get(id).await?;
        if current.version != expected {
            return Err(ServiceError::Conflict {
                id,
                expected,
                current: current.version,
            });
        }
        let draft = self.patched_draft(&current, patch)?;
        let asset = Asset {
            draft,
            updated_at: Utc::now().trunc_subsecs(6),
            updated_by: actor.to_string(),
            version: current.version + 1,
            ..current
        };
        self.commit_update(asset, ChangeOp::Update, expected).await
    }

    fn patched_draft(&self, current: &Asset, patch: &Value) -> Result<AssetDraft> {
        let invalid = |f: &str, m: &str| ServiceError::Invalid(FieldError::new(f, m));
        let patch = patch
            .as_object()
            .ok_or_else(|| invalid("body", "expected a GeoJSON Feature object"))?;
        let mut props: Map<String, Value> = current.draft.properties();
        match patch.get("properties") {
            None | Some(Value::Null) => {}
            Some(Value::Object(changes)) => merge_patch(&mut props, changes),
            Some(_) => return Err(invalid("properties", "expected an object")),
        }
        let geometry = match patch.get("geometry") {
            None => current.draft.geometry.clone(),
            Some(g) => parse_geometry(g).map_err(ServiceError::Invalid)?,
        };
        AssetDraft::from_properties(&props, geometry, &self.vocabulary)
            .map_err(ServiceError::Invalid)
    }

    /// Archives an asset: it stays in the store and the change log, and
    /// leaves every query.
    pub async fn archive(&self, id: Uuid, expected: Option<i64>, actor: &str) -> Result<Asset> {
        let current = self.get(id).await?;
        let expected = expected.unwrap_or(current.version);
        if current.version != expected {
            return Err(ServiceError::Conflict {
                id,
                expected,
                current: current.version,
            });
        }
        let mut asset = current;
        asset.draft.status = Status::Archived;
        asset.updated_at = Utc::now().trunc_subsecs(6);
        asset.updated_by = actor.to_string();
        asset.version += 1;
        self.commit_update(asset, ChangeOp::Archive, expected).await
    }

    async fn commit_update(&self, asset: Asset, op: ChangeOp, expected: i64) -> Result<Asset> {
        let change = Change {
            asset: asset.clone(),
            op,
            expected_version: Some(expected),
        };
        match self.commit(vec![change]).await {
            Err(ServiceError::Store(StoreError::Conflict { .. })) => {
                // Someone else wrote in between: report the version now current.
                let current = self.get(asset.id).await?;
                Err(ServiceError::Conflict {
                    id: asset.id,
                    expected,
                    current: current.version,
                })
            }
            Err(e) => Err(e),
            Ok(()) => Ok(asset),
        }
    }

    /// Writes changes to the store (all or none), then to this index.
    pub async fn commit(&self, changes: Vec<Change>) -> Result<()> {
        self.store.write(&changes).await?;
        let mut index = self.index_mut();
        for c in &changes {
            index.apply(&IndexRecord::of(&c.asset));
        }
        Ok(())
    }

    /// The asset unless it is archived.
    pub async fn get(&self, id: Uuid) -> Result<Asset> {
        match self.store.get(id).await? {
            None => Err(ServiceError::NotFound(id)),
            Some(a) if a.draft.status == Status::Archived => Err(ServiceError::Gone(id)),
            Some(a) => Ok(a),
        }
    }

    pub async fn query(&self, q: &AssetQuery) -> Result<Page> {
        let hits = self.matching(q).await?;
        let number_matched = hits.len();
        let page: Vec<Hit> = hits.into_iter().skip(q.offset).take(q.limit).collect();
        let ids: Vec<Uuid> = page.iter().map(|h| h.id).collect();
        let distances: HashMap<Uuid, f64> = page.iter().map(|h| (h.id, h.distance_m)).collect();
        let with_distance = matches!(q.spatial, Spatial::Radius { .. } | Spatial::Nearest { .. });
        // Matched by id, not by position: a record archived between the
        // index's answer and this read is left out, and nothing shifts.
        let items = self
            .store
            .get_many(&ids)
            .await?
            .into_iter()
            .filter(|a| a.draft.status != Status::Archived)
            .map(|a| {
                let d = distances.get(&a.id).copied().filter(|_| with_distance);
                (a, d)
            })
            .collect();
        Ok(Page {
            number_matched,
            items,
        })
    }

    /// Every asset a query matches, in answer order, ignoring paging.
    pub async fn matching(&self, q: &AssetQuery) -> Result<Vec<Hit>> {
        Ok(self.public_matching(q))
    }

    /// The spatial and attribute part of a query, answered from the index.
    pub fn hits(&self, q: &AssetQuery, text_ids: Option<HashSet<Uuid>>) -> Vec<Hit> {
        let index = self.index();
        let mut filter = Filter::default().capitals(&q.capitals);
        if !q.categories.is_empty() {
            let ids = q
                .categories
                .iter()
                .filter_map(|c| index.category_id(c))
                .collect();
            filter = filter.categories(ids);
        }
        if let Some(ids) = text_ids {
            filter = filter.ids(ids);
        }
        match &q.spatial {
            Spatial::Everywhere => {
                let mut hits: Vec<Hit> = index
                    .entries()
                    .filter(|e| filter.accepts(e))
                    .map(|e| Hit {
                        id: e.id,
                        distance_m: 0.0,
                    })
                    .collect();
                hits.sort_by_key(|h| h.id);
                hits
            }
            Spatial::BBox(b) => index.in_bbox(b, &filter),
            Spatial::Within(code) => {
                let areas = self.areas();
                let Some(area) = areas.get(code) else {
                    return Vec::new();
                };
                let Some(env) = AreaSet::envelope(area) else {
                    return Vec::new();
                };
                let (lo, hi) = (env.lower(), env.upper());
                let Ok(bbox) = BBox::new(lo[0], lo[1], hi[0], hi[1]) else {
                    return Vec::new();
                };
                index
                    .in_bbox(&bbox, &filter)
                    .into_iter()
                    .filter(|h| {
                        index.get(h.id).is_some_and(|e| {
                            areas
                                .assign(e.point, &area.level)
                                .is_some_and(|a| a.code == area.code)
                        })
                    })
                    .collect()
            }
            Spatial::Radius { center, radius_m } => {
                index.within_radius(*center, *radius_m, &filter)
            }
            Spatial::Nearest {
                center,
                k,
                max_distance_m,
            } => index.nearest(*center, *k, *max_distance_m, &filter),
        }
    }

    /// Reads the change log from where this index last read it and applies
    /// what other processes wrote. Returns how many changes it applied.
    pub async fn sync(&self) -> Result<usize> {
        const BATCH: i64 = 5_000;
        let mut applied = 0;
        loop {
            let from = self.index().last_seq();
            let changes = self.store.changes_since(from, BATCH).await?;
            if changes.is_empty() {
                return Ok(applied);
            }
            let mut index = self.index_mut();
            for c in &changes {
                index.apply(&c.record);
                index.advance_to(c.seq);
            }
            applied += changes.len();
            if (changes.len() as i64) < BATCH {
                return Ok(applied);
            }
        }
    }

    /// Tails the change log for as long as the registry lives.
    /// Tails the change log for as long as the registry lives, and looks
    /// for newly loaded areas and postcodes every few seconds.
    pub fn spawn_sync(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        const REFERENCE_EVERY: Duration = Duration::from_secs(3);
        let weak = Arc::downgrade(self);
        let reference_ticks = (REFERENCE_EVERY.as_millis() / every.as_millis().max(1)).max(1);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for n in 1u128.. {
                tick.tick().await;
                let Some(registry) = weak.upgrade() else {
                    return;
                };
                if let Err(e) = registry.sync().await {
                    tracing::warn!(error = %e, "reading the change log failed; will retry");
                }
                if n % reference_ticks == 0 {
                    match registry.sync_reference().await {
                        Ok(true) => {
                            tracing::info!("areas or postcodes changed in the store: reloaded")
                        }
                        Ok(false) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "checking for new areas failed; will retry")
                        }
                    }
                }
            }
        })
    }

    pub async fn health(&self) -> Health {
        // Reads answer from memory whatever the store does: say so at once.
        let ping = tokio::time::timeout(Duration::from_millis(500), self.store.ping());
        let store_ok = matches!(ping.await, Ok(Ok(())));
        let index = self.index();
        Health {
            store: self.store.kind(),
            store_ok,
            assets_indexed: index.len(),
            last_seq: index.last_seq(),
        }
    }
}

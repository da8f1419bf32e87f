//! The register: every write goes to the store of record first, in one
//! transaction with its change-log row, then to this server's index; reads
//! take their spatial answer from the index and their records from the store.

mod gaps;
mod query;
mod reads;
mod reference;
mod sync;
mod writes;

pub use gaps::GapQuestion;
pub use query::{AssetQuery, Interval, Spatial, MAX_K, MAX_LIMIT, MAX_RADIUS_M};

use crate::domain::{Asset, FieldError, Postcode, Vocabulary};
use crate::index::{AreaSet, AssetIndex, Loader};
use crate::store::{Store, StoreError};
use std::collections::HashMap;
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
    residents: Mutex<gaps::ResidentsCache>,
    vocabulary: Vocabulary,
}

impl Registry {
    /// Loads the index from the store in one bulk load.
    pub async fn open(store: Arc<dyn Store>, vocabulary: Vocabulary) -> Result<Registry> {
        let started = std::time::Instant::now();
        let mut loader = Loader::with_capacity(0);
        let last_seq = store.load_index(&mut loader).await?;
        let read = started.elapsed();
        let index = loader.finish(last_seq);
        tracing::info!(
            assets = index.len(),
            read_ms = read.as_millis() as u64,
            tree_ms = (started.elapsed() - read).as_millis() as u64,
            "read model loaded"
        );
        let registry = Registry {
            store,
            index: RwLock::new(index),
            areas: RwLock::default(),
            postcodes: RwLock::default(),
            reference_stamp: Mutex::default(),
            residents: Mutex::default(),
            vocabulary,
        };
        registry.reload_areas().await?;
        Ok(registry)
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

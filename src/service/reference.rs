//! Areas and postcodes as loaded from the store.

use super::{Registry, Result};
use crate::domain::Postcode;
use crate::index::AreaSet;
use std::collections::HashMap;
use std::sync::Arc;

impl Registry {
    /// A postcode's centroid, in any spacing or case.
    pub fn postcode(&self, raw: &str) -> Option<Postcode> {
        let lookup = self
            .postcodes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        lookup.get(&crate::domain::normalise_postcode(raw)).cloned()
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
}

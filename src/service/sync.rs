//! Keeping this server current with what other processes wrote: the change
//! log for assets, the reference stamp for areas and postcodes.

use super::{Registry, Result};
use std::sync::Arc;
use std::time::Duration;

impl Registry {
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
}

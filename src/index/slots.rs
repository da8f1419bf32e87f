//! Where the read model keeps each live asset's public view: one vector,
//! addressed by the slot its tree entry carries, so that a query goes from
//! a tree hit to its view without a lookup; beside it a map from id to slot
//! for what is asked by id. Views sit inline (no allocation of their own)
//! and freed slots are reused, which keeps a million assets compact.

use super::PublicAsset;
use std::collections::HashMap;
use uuid::Uuid;

/// Ids are random (v4) or derived by hashing (v5): a fast hash is enough.
type IdMap = HashMap<Uuid, u32, foldhash::fast::RandomState>;

#[derive(Default)]
pub(super) struct Slots {
    views: Vec<Option<PublicAsset>>,
    free: Vec<u32>,
    by_id: IdMap,
}

impl Slots {
    pub fn with_capacity(n: usize) -> Slots {
        Slots {
            views: Vec::with_capacity(n),
            free: Vec::new(),
            by_id: IdMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    pub fn reserve(&mut self, n: usize) {
        self.views.reserve_exact(n);
        self.by_id.reserve(n);
    }

    /// Stores a view no other slot holds, and says where.
    pub fn insert(&mut self, view: PublicAsset) -> u32 {
        let id = view.id;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.views[slot as usize] = Some(view);
                slot
            }
            None => {
                self.views.push(Some(view));
                u32::try_from(self.views.len() - 1).expect("fewer than 4 billion assets")
            }
        };
        self.by_id.insert(id, slot);
        slot
    }

    pub fn remove(&mut self, id: Uuid) -> Option<(u32, PublicAsset)> {
        let slot = self.by_id.remove(&id)?;
        let view = self.views[slot as usize].take()?;
        self.free.push(slot);
        Some((slot, view))
    }

    pub fn slot_of(&self, id: Uuid) -> Option<u32> {
        self.by_id.get(&id).copied()
    }

    pub fn get(&self, id: Uuid) -> Option<&PublicAsset> {
        self.slot_of(id).and_then(|s| self.at(s))
    }

    pub fn at(&self, slot: u32) -> Option<&PublicAsset> {
        self.views.get(slot as usize).and_then(Option::as_ref)
    }

    /// Every view, in the order they are kept (memory order, not the
    /// tree's).
    pub fn iter(&self) -> impl Iterator<Item = &PublicAsset> {
        self.views.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Gives back what the vector and the map hold beyond what they need,
    /// after a bulk load whose size was a guess.
    pub fn shrink_to_fit(&mut self) {
        self.views.shrink_to_fit();
        self.by_id.shrink_to_fit();
    }
}

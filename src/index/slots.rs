//! Where the read model keeps each live asset's public view: one vector,
//! addressed by the slot its tree entry carries, so that a query goes from
//! a tree hit to its view without a lookup; beside it a map from id to slot
//! for what is asked by id. Views sit inline (no allocation of their own)
//! and freed slots are reused, which keeps a million assets compact.

use super::PublicAsset;
use std::collections::hash_map::Entry;
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
        let slot = place(&mut self.views, &mut self.free, view);
        self.by_id.insert(id, slot);
        slot
    }

    /// Stores a view unless a view of the same asset at the same or a
    /// later version is there; a view of an earlier version is replaced in
    /// its slot. Says where, and whether it replaced one. One probe of the
    /// id map, which at a million assets is a cache miss each time.
    pub fn insert_if_newer(&mut self, view: PublicAsset) -> Option<(u32, bool)> {
        match self.by_id.entry(view.id) {
            Entry::Occupied(o) => {
                let slot = *o.get();
                let held = &mut self.views[slot as usize];
                if held.as_ref().is_some_and(|v| v.version >= view.version) {
                    return None;
                }
                *held = Some(view);
                Some((slot, true))
            }
            Entry::Vacant(v) => {
                let slot = place(&mut self.views, &mut self.free, view);
                v.insert(slot);
                Some((slot, false))
            }
        }
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

    /// The views, each at its slot (`None` where freed).
    pub fn into_views(self) -> Vec<Option<PublicAsset>> {
        self.views
    }

    /// Gives back what the vector and the map hold beyond what they need,
    /// after a bulk load whose size was a guess.
    pub fn shrink_to_fit(&mut self) {
        self.views.shrink_to_fit();
        self.by_id.shrink_to_fit();
    }
}

/// Puts a view in a freed slot, or a new one at the end, and says which.
/// (Apart from `Slots`' methods so that the id map may stay borrowed.)
fn place(views: &mut Vec<Option<PublicAsset>>, free: &mut Vec<u32>, view: PublicAsset) -> u32 {
    match free.pop() {
        Some(slot) => {
            views[slot as usize] = Some(view);
            slot
        }
        None => {
            views.push(Some(view));
            u32::try_from(views.len() - 1).expect("fewer than 4 billion assets")
        }
    }
}

//! Where the read model keeps each live asset's public view: in vectors
//! read as one run (see `Views`), addressed by the slot its tree entry
//! carries, so that a query goes from a tree hit to its view without a
//! lookup; beside it a map from id to slot for what is asked by id. Views
//! sit inline (no allocation of their own) and freed slots are reused,
//! which keeps a million assets compact.

use super::PublicAsset;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use uuid::Uuid;

/// Ids are random (v4) or derived by hashing (v5): a fast hash is enough.
type IdMap = HashMap<Uuid, u32, foldhash::fast::RandomState>;

#[derive(Default)]
pub(super) struct Slots {
    views: Views,
    free: Vec<u32>,
    by_id: IdMap,
}

/// The views in two runs, slot after slot: `head` as a load left it (it
/// never grows, so the slots after it keep their numbers) and then `tail`.
/// A load read in two halves keeps each half's vector as it is: appending
/// the second to the first would copy it into fresh memory (68 MB at 1M),
/// and on a virtual machine fresh memory is most of a start-up's cost.
#[derive(Default)]
struct Views {
    head: Vec<Option<PublicAsset>>,
    tail: Vec<Option<PublicAsset>>,
}

impl Views {
    fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    fn get(&self, slot: usize) -> Option<&Option<PublicAsset>> {
        match slot.checked_sub(self.head.len()) {
            None => self.head.get(slot),
            Some(i) => self.tail.get(i),
        }
    }

    fn get_mut(&mut self, slot: usize) -> Option<&mut Option<PublicAsset>> {
        match slot.checked_sub(self.head.len()) {
            None => self.head.get_mut(slot),
            Some(i) => self.tail.get_mut(i),
        }
    }

    fn slot_mut(&mut self, slot: usize) -> &mut Option<PublicAsset> {
        self.get_mut(slot).expect("a slot that was given out")
    }

    fn iter(&self) -> impl Iterator<Item = &Option<PublicAsset>> {
        self.head.iter().chain(&self.tail)
    }
}

/// A loader reserves a little over its estimate, and slack never written
/// is never resident; shrinking would copy every view into fresh memory
/// (136 MB at 1M), so only a gross overestimate is.
fn trim(views: &mut Vec<Option<PublicAsset>>) {
    if views.capacity() - views.len() > views.len() / 4 {
        views.shrink_to_fit();
    }
}

impl Slots {
    /// Takes views loaded in bulk, each at its slot (`head`'s first, then
    /// `tail`'s), and maps their ids. Where an asset's view is there twice,
    /// the later version stays (the first seen, if equal) and the other's
    /// slot is freed; says which slots those were, with their points (to
    /// find their tree entries).
    pub fn from_views(
        mut head: Vec<Option<PublicAsset>>,
        mut tail: Vec<Option<PublicAsset>>,
    ) -> (Slots, Vec<(u32, [f64; 2])>) {
        trim(&mut head);
        trim(&mut tail);
        let mut views = Views { head, tail };
        let mut by_id = IdMap::with_capacity_and_hasher(views.len(), Default::default());
        let (mut free, mut repeats) = (Vec::new(), Vec::new());
        for slot in 0..views.len() {
            let Some(view) = views.get(slot).and_then(Option::as_ref) else {
                free.push(slot as u32);
                continue;
            };
            let (id, version) = (view.id, view.version);
            let older = match by_id.entry(id) {
                Entry::Vacant(v) => {
                    v.insert(slot as u32);
                    continue;
                }
                Entry::Occupied(mut o) => {
                    let held = *o.get() as usize;
                    let kept = views.get(held).and_then(Option::as_ref);
                    if kept.is_some_and(|v| v.version >= version) {
                        slot
                    } else {
                        o.insert(slot as u32);
                        held
                    }
                }
            };
            let gone = views
                .slot_mut(older)
                .take()
                .expect("a view at each mapped slot");
            repeats.push((older as u32, gone.point));
            free.push(older as u32);
        }
        (Slots { views, free, by_id }, repeats)
    }

    /// Stores a view no other slot holds, and says where.
    pub fn insert(&mut self, view: PublicAsset) -> u32 {
        let id = view.id;
        let slot = place(&mut self.views, &mut self.free, view);
        self.by_id.insert(id, slot);
        slot
    }

    pub fn remove(&mut self, id: Uuid) -> Option<(u32, PublicAsset)> {
        let slot = self.by_id.remove(&id)?;
        let view = self.views.slot_mut(slot as usize).take()?;
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
}

/// Puts a view in a freed slot, or a new one at the end, and says which.
/// (Apart from `Slots`' methods so that the id map may stay borrowed.)
fn place(views: &mut Views, free: &mut Vec<u32>, view: PublicAsset) -> u32 {
    match free.pop() {
        Some(slot) => {
            *views.slot_mut(slot as usize) = Some(view);
            slot
        }
        None => {
            views.tail.push(Some(view));
            u32::try_from(views.len() - 1).expect("fewer than 4 billion assets")
        }
    }
}

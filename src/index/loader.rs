//! Builds an index from records as a store streams them: each view is
//! stored as it arrives, and the tree is bulk loaded once at the end.
//!
//! Tried and measured (bench/README.md): handing records in batches to a
//! second thread that stores them cost more CPU in moving and freeing
//! across threads than it saved, and a start-up took no less time.

use super::{AssetIndex, CategoryId, Entry, IndexRecord, PublicAsset, Slots};
use crate::domain::Status;
use rstar::RTree;

pub struct Loader {
    index: AssetIndex,
    entries: Vec<Entry>,
}

impl Loader {
    /// `n` is how many records are expected (a guess is fine).
    pub fn with_capacity(n: usize) -> Loader {
        Loader {
            index: AssetIndex {
                slots: Slots::with_capacity(n),
                ..AssetIndex::default()
            },
            entries: Vec::with_capacity(n),
        }
    }

    /// Makes room for `n` more records.
    pub fn reserve(&mut self, n: usize) {
        self.index.slots.reserve(n);
        self.entries.reserve(n);
    }

    pub fn push(&mut self, mut r: IndexRecord) {
        if r.status == Status::Archived {
            return;
        }
        let category = self.index.intern(&r.category);
        let view = r.view.take().unwrap_or_else(|| PublicAsset::bare(&r));
        // A store lists each asset once; a repeat keeps the newer.
        if let Some(slot) = self.store(view) {
            self.entries.push(Entry::new(&r, category, slot));
        }
    }

    /// Stores a view (unless this loader holds a newer one of its asset)
    /// and says in which slot; a replaced view's entry goes.
    fn store(&mut self, view: PublicAsset) -> Option<u32> {
        let (slot, replaced) = self.index.slots.insert_if_newer(view)?;
        if replaced {
            self.entries.retain(|e| e.slot != slot);
        }
        Some(slot)
    }

    /// Takes in what another loader read (another part of the store, read
    /// on another thread): its views move into this one's slots, its
    /// entries follow them, and its categories are interned here.
    pub fn absorb(&mut self, part: Loader) {
        let Loader { index, entries } = part;
        let mut names: Vec<(&String, &CategoryId)> = index.category_ids.iter().collect();
        names.sort_by_key(|(_, id)| id.0);
        let category: Vec<CategoryId> = names
            .into_iter()
            .map(|(n, _)| self.index.intern(n))
            .collect();
        let mut views = index.slots.into_views();
        self.reserve(entries.len());
        for mut e in entries {
            let Some(view) = views[e.slot as usize].take() else {
                continue;
            };
            if let Some(slot) = self.store(view) {
                e.slot = slot;
                e.category = category[e.category.0 as usize];
                self.entries.push(e);
            }
        }
    }

    pub fn finish(mut self, last_seq: i64) -> AssetIndex {
        self.index.slots.shrink_to_fit();
        // (Entry's layout keeps the leaves compact: see there.)
        self.index.tree = RTree::bulk_load(self.entries);
        self.index.last_seq = last_seq;
        give_back_freed_memory();
        self.index
    }
}

/// A load frees as much as it keeps (rows, the tree's first draft), in
/// small pieces among the ones kept, and allocators hold on to freed
/// memory: a million assets left 370 MB resident that nothing used.
/// Whichever allocator the binary runs on (mimalloc for `assetmap`, the
/// system's for tests) is asked to give it back.
fn give_back_freed_memory() {
    // SAFETY: both only return free memory to the system.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        libc::malloc_trim(0);
    }
}

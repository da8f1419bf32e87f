//! Builds an index from records as a store streams them: each view is
//! stored as it arrives, and the tree is bulk loaded once at the end.
//!
//! Tried and measured (bench/README.md): handing records in batches to a
//! second thread that stores them cost more CPU in moving and freeing
//! across threads than it saved, and a start-up took no less time.

use super::{AssetIndex, Entry, IndexRecord, Slots};
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

    pub fn push(&mut self, r: IndexRecord) {
        if r.status == Status::Archived {
            return;
        }
        // A store lists each asset once; a repeat keeps the newer.
        if let Some(old) = self.index.slots.get(r.id) {
            if old.version >= r.version {
                return;
            }
            let (slot, _) = self.index.slots.remove(r.id).expect("just found");
            self.entries.retain(|e| e.slot != slot);
        }
        let e = self.index.admit(r);
        self.entries.push(e);
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
/// small pieces among the ones kept, and glibc holds on to freed memory:
/// a million assets left 370 MB resident that nothing used.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

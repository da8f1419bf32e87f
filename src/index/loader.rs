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
    /// Each view at the slot its entry names. Views are not looked up by
    /// id while loading: the map from id to slot is built once at the end,
    /// on a second thread while this one builds the tree.
    views: Vec<Option<PublicAsset>>,
    /// The views of another part, taken in whole (see `absorb`); they
    /// follow `views`, and once there are any, new views follow them.
    later: Vec<Option<PublicAsset>>,
    entries: Vec<Entry>,
}

/// Below this many views the id map is built on the loading thread: a
/// thread costs more than it saves.
const IDS_ON_A_THREAD: usize = 10_000;

impl Loader {
    /// `n` is how many records are expected (a guess is fine).
    pub fn with_capacity(n: usize) -> Loader {
        Loader {
            index: AssetIndex::default(),
            views: Vec::with_capacity(n),
            later: Vec::new(),
            entries: Vec::with_capacity(n),
        }
    }

    /// Makes room for `n` more records.
    pub fn reserve(&mut self, n: usize) {
        self.views.reserve_exact(n);
        self.entries.reserve(n);
    }

    pub fn push(&mut self, mut r: IndexRecord) {
        if r.status == Status::Archived {
            return;
        }
        let category = self.index.intern(&r.category);
        let view = r.view.take().unwrap_or_else(|| PublicAsset::bare(&r));
        let slot = u32::try_from(self.views.len() + self.later.len())
            .expect("fewer than 4 billion assets");
        if self.later.is_empty() {
            self.views.push(Some(view));
        } else {
            self.later.push(Some(view));
        }
        self.entries.push(Entry::new(&r, category, slot));
    }

    /// Takes in what another loader read (another part of the store, read
    /// on another thread): its views follow this one's, kept in their own
    /// vector rather than copied, its entries are renumbered to match, and
    /// its categories are interned here.
    pub fn absorb(&mut self, part: Loader) {
        let Loader {
            index,
            mut views,
            later,
            entries,
        } = part;
        let mut names: Vec<(&String, &CategoryId)> = index.category_ids.iter().collect();
        names.sort_by_key(|(_, id)| id.0);
        let category: Vec<CategoryId> = names
            .into_iter()
            .map(|(n, _)| self.index.intern(n))
            .collect();
        let offset = u32::try_from(self.views.len() + self.later.len())
            .expect("fewer than 4 billion assets");
        views.extend(later);
        if self.later.is_empty() {
            self.later = views;
        } else {
            self.later.extend(views);
        }
        self.entries.extend(entries.into_iter().map(|mut e| {
            e.slot += offset;
            e.category = category[e.category.0 as usize];
            e
        }));
    }

    /// Builds the tree, and meanwhile on a second thread the id map. A
    /// store lists each asset once; should one come twice, the newer is
    /// kept and the other's entry taken out of the tree.
    pub fn finish(self, last_seq: i64) -> AssetIndex {
        let Loader {
            mut index,
            views,
            later,
            entries,
        } = self;
        let ((slots, repeats), tree) = if views.len() + later.len() < IDS_ON_A_THREAD {
            (Slots::from_views(views, later), RTree::bulk_load(entries))
        } else {
            std::thread::scope(|s| {
                let ids = s.spawn(move || Slots::from_views(views, later));
                // (Entry's layout keeps the leaves compact: see there.)
                let tree = RTree::bulk_load(entries);
                let ids = ids
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (ids, tree)
            })
        };
        index.slots = slots;
        index.tree = tree;
        for (slot, point) in repeats {
            index.remove_entry(point, slot);
        }
        index.last_seq = last_seq;
        give_back_freed_memory();
        index
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

//! The in-memory R-tree over every live asset, and beside it each
//! asset's public view. The tree holds compact entries only (no names or
//! text) and answers the spatial part of every query; the views are what
//! the read model writes out. Both are kept current from writes and the
//! store's change log.

mod areas;
mod entry;
mod filter;
pub mod grid;
mod intern;
mod level;
mod loader;
mod row;
mod slots;
mod view;

pub use areas::AreaSet;
pub use entry::{CategoryId, Entry};
pub use filter::Filter;
pub use loader::Loader;
pub use row::{view_of, PublicRow, Times};
pub use view::{draft_texts, Field, PublicAsset};

use crate::domain::{haversine_m, BBox, Capital, LonLat, Placement, Status, Visibility};
use entry::AtSlot;
use rstar::{RTree, AABB};
use slots::Slots;
use std::collections::HashMap;
use uuid::Uuid;

/// What the index needs to know of one asset: the store can produce these
/// without decoding geometries, so a start-up loads quickly.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexRecord {
    pub id: Uuid,
    pub version: i64,
    pub capital: Capital,
    pub category: String,
    pub status: Status,
    pub visibility: Visibility,
    pub placement: Placement,
    /// The public view, where the record came with one (writes, the
    /// change log and start-up do; tests of the tree alone need not, and
    /// get a view with no text).
    pub view: Option<PublicAsset>,
}

/// One answer: an asset and, where the query has a centre, its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub id: Uuid,
    pub distance_m: f64,
}

#[derive(Default)]
pub struct AssetIndex {
    tree: RTree<Entry>,
    /// The read model: each live asset's public view, by slot and by id.
    slots: Slots,
    category_ids: HashMap<String, CategoryId>,
    /// The version at which each asset was archived: a change-log reader
    /// that fetched an older state just before the archive must not bring
    /// the asset back.
    archived: HashMap<Uuid, i64>,
    last_seq: i64,
    /// Bumped by every change applied: caches of rendered answers key on it.
    generation: u64,
}

impl AssetIndex {
    /// Builds the tree in one bulk load, which packs it far better (and
    /// faster) than inserting one by one.
    pub fn bulk_load(records: impl IntoIterator<Item = IndexRecord>, last_seq: i64) -> Self {
        let records = records.into_iter();
        let mut loader = Loader::with_capacity(records.size_hint().0);
        records.for_each(|r| loader.push(r));
        loader.finish(last_seq)
    }

    /// Stores the record's view and makes its tree entry.
    fn admit(&mut self, mut r: IndexRecord) -> Entry {
        let category = self.intern(&r.category);
        let view = r.view.take().unwrap_or_else(|| PublicAsset::bare(&r));
        let slot = self.slots.insert(view);
        Entry::new(&r, category, slot)
    }

    fn intern(&mut self, category: &str) -> CategoryId {
        if let Some(id) = self.category_ids.get(category) {
            return *id;
        }
        let id = CategoryId(
            u16::try_from(self.category_ids.len()).expect("fewer than 65,536 categories"),
        );
        self.category_ids.insert(category.to_string(), id);
        id
    }

    pub fn category_id(&self, category: &str) -> Option<CategoryId> {
        self.category_ids.get(category).copied()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bounds of everything indexed, `[[west, south], [east, north]]`.
    pub fn bounds(&self) -> Option<[[f64; 2]; 2]> {
        use rstar::Envelope;
        if self.is_empty() {
            return None;
        }
        let env = self.tree.root().envelope();
        Some([env.lower(), env.upper()]).filter(|_| env.area().is_finite())
    }

    pub fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Applies the current state of an asset. Older versions than the one
    /// held are ignored, so a server may see its own write twice (once as it
    /// makes it, once from the change log) and replicas converge whatever
    /// order they hear of changes in.
    pub fn apply(&mut self, r: &IndexRecord) -> bool {
        if let Some(old) = self.slots.get(r.id) {
            if old.version >= r.version {
                return false;
            }
            let (slot, old) = self.slots.remove(r.id).expect("just found");
            self.remove_entry(old.point, slot);
        } else if self.archived.get(&r.id).is_some_and(|v| *v >= r.version) {
            return false;
        }
        self.generation += 1;
        if r.status == Status::Archived {
            self.archived.insert(r.id, r.version);
            return true;
        }
        let e = self.admit(r.clone());
        self.tree.insert(e);
        true
    }

    fn remove_entry(&mut self, point: [f64; 2], slot: u32) {
        if self
            .tree
            .remove_with_selection_function(AtSlot {
                point: Some(point),
                slot,
            })
            .is_none()
        {
            // Not where its view says: look everywhere rather than leave
            // a stale entry pointing at a slot about to be reused.
            self.tree
                .remove_with_selection_function(AtSlot { point: None, slot });
        }
    }

    /// Records the sequence number up to which the change log was read.
    pub fn advance_to(&mut self, seq: i64) {
        self.last_seq = self.last_seq.max(seq);
    }

    /// Assets whose bounds meet the box, nearest the box's centre first.
    pub fn in_bbox(&self, bbox: &BBox, filter: &Filter) -> Vec<Hit> {
        self.search(bbox, bbox.center(), filter, f64::INFINITY)
    }

    /// How many assets `in_bbox` would give, of each capital in
    /// `Capital::ALL` order, counted as the tree yields them: a legend's
    /// counts need neither the hits gathered nor ordered by distance, which
    /// over a national view is most of the work.
    pub fn count_in_bbox(&self, bbox: &BBox, filter: &Filter) -> [usize; 5] {
        let rects: Vec<AABB<[f64; 2]>> = bbox
            .rects()
            .iter()
            .map(|(lo, hi)| AABB::from_corners(*lo, *hi))
            .collect();
        let mut counts = [0; 5];
        for (i, rect) in rects.iter().enumerate() {
            for e in self.tree.locate_in_envelope_intersecting(rect) {
                // A box split at the antimeridian can meet an entry twice:
                // it counts in the first part it meets.
                let counted = rects[..i]
                    .iter()
                    .any(|r| rstar::Envelope::intersects(r, &e.envelope));
                if !counted && self.passes(filter, e) {
                    counts[e.capital() as usize] += 1;
                }
            }
        }
        counts
    }

    /// Assets whose point lies within `radius_m` metres of `center`,
    /// nearest first.
    pub fn within_radius(&self, center: LonLat, radius_m: f64, filter: &Filter) -> Vec<Hit> {
        self.search(
            &BBox::around(center, radius_m),
            center.xy(),
            filter,
            radius_m,
        )
    }

    /// Entries meeting the box that pass the filter and lie within
    /// `max_m` of `center`, nearest `center` first.
    fn search(&self, bbox: &BBox, center: [f64; 2], filter: &Filter, max_m: f64) -> Vec<Hit> {
        let rects = bbox.rects();
        let mut hits: Vec<Hit> = rects
            .iter()
            .flat_map(|(lo, hi)| {
                self.tree
                    .locate_in_envelope_intersecting(&AABB::from_corners(*lo, *hi))
            })
            .filter(|e| self.passes(filter, e))
            .map(|e| Hit {
                id: e.id,
                distance_m: haversine_m(center, e.point),
            })
            .filter(|h| h.distance_m <= max_m)
            .collect();
        // A box split at the antimeridian can meet an entry twice.
        if rects.len() > 1 {
            hits.sort_by_key(|h| h.id);
            hits.dedup_by_key(|h| h.id);
        }
        sort_by_distance(&mut hits);
        hits
    }

    /// The `k` assets nearest `center` in metres on the sphere.
    ///
    /// The tree measures in degrees, where a degree of longitude shrinks
    /// towards the poles, so its own nearest-neighbour order is not the true
    /// one. It still finds `k` real candidates quickly; the farthest of them
    /// bounds the true k-th distance, and a radius query of that size
    /// (which handles the antimeridian too) gives the exact answer.
    pub fn nearest(
        &self,
        center: LonLat,
        k: usize,
        max_distance_m: Option<f64>,
        filter: &Filter,
    ) -> Vec<Hit> {
        if k == 0 {
            return Vec::new();
        }
        let c = center.xy();
        let bound = self
            .tree
            .nearest_neighbor_iter(&c)
            .filter(|e| self.passes(filter, e))
            .take(k)
            .map(|e| haversine_m(c, e.point))
            .fold(None, |acc: Option<f64>, d| {
                Some(acc.map_or(d, |a| a.max(d)))
            });
        let Some(bound) = bound else {
            return Vec::new();
        };
        let radius = max_distance_m.map_or(bound, |m| m.min(bound));
        let mut hits = self.within_radius(center, radius, filter);
        hits.truncate(k);
        hits
    }

    /// Every live entry, for brute-force checks and whole-map answers.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.tree.iter()
    }

    /// Live entries whose bounds meet the box from `lo` to `hi` (no
    /// antimeridian handling): for tiles.
    pub fn points_in(&self, lo: [f64; 2], hi: [f64; 2]) -> impl Iterator<Item = &Entry> {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners(lo, hi))
    }

    /// The public view of a live asset.
    pub fn view(&self, id: Uuid) -> Option<&PublicAsset> {
        self.slots.get(id)
    }

    /// Every live asset's view, in no particular order: for questions
    /// about all of them, faster than walking the tree.
    pub fn views(&self) -> impl Iterator<Item = &PublicAsset> {
        self.slots.iter()
    }

    /// Whether an entry passes the filter, its view test included (the
    /// view is reached by the entry's slot, not looked up by id).
    pub fn passes(&self, filter: &Filter, e: &Entry) -> bool {
        filter.accepts(e) && filter.keeps_view(self.slots.at(e.slot))
    }

    /// The public view of an entry the tree gave.
    pub fn view_of(&self, e: &Entry) -> Option<&PublicAsset> {
        self.slots.at(e.slot)
    }

    /// Changes with every write applied, so a cached answer can tell
    /// whether it is still current.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

fn sort_by_distance(hits: &mut [Hit]) {
    hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.id.cmp(&b.id)));
}

#[cfg(test)]
mod tests;

impl IndexRecord {
    pub fn of(asset: &crate::domain::Asset) -> IndexRecord {
        let placement = asset.placement();
        IndexRecord {
            id: asset.id,
            version: asset.version,
            capital: asset.draft.capital(),
            category: asset.draft.category.clone(),
            status: asset.draft.status,
            visibility: asset.draft.visibility(),
            placement,
            view: Some(PublicAsset::of(asset, placement)),
        }
    }
}

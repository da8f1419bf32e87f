use super::IndexRecord;
use crate::domain::{Capital, Status};
use rstar::{Envelope, PointDistance, RTreeObject, SelectionFunction, AABB};
use uuid::Uuid;

/// An interned category, so that an entry stays a few dozen bytes.
/// Categories come from the vocabulary: a few hundred at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategoryId(pub(super) u16);

/// One asset in the tree: its bounds for box queries and a point on it for
/// distances. For an area-only asset both are the generalised cell centre.
/// `slot` is where its public view is kept.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub point: [f64; 2],
    pub envelope: AABB<[f64; 2]>,
    pub capital: Capital,
    pub category: CategoryId,
    pub status: Status,
    pub(super) slot: u32,
}

impl Entry {
    pub(super) fn new(r: &IndexRecord, category: CategoryId, slot: u32) -> Entry {
        let placement = r.placement.for_visibility(r.visibility);
        Entry {
            id: r.id,
            point: placement.point,
            envelope: AABB::from_corners(placement.min, placement.max),
            capital: r.capital,
            category,
            status: r.status,
            slot,
        }
    }
}

/// Finds the entry of one slot for removal: its point lies inside its
/// envelope, so only the nodes whose bounds hold that point are searched
/// (every node when the point is not known).
pub(super) struct AtSlot {
    pub point: Option<[f64; 2]>,
    pub slot: u32,
}

impl SelectionFunction<Entry> for AtSlot {
    fn should_unpack_parent(&self, envelope: &AABB<[f64; 2]>) -> bool {
        self.point.is_none_or(|p| envelope.contains_point(&p))
    }

    fn should_unpack_leaf(&self, leaf: &Entry) -> bool {
        leaf.slot == self.slot
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// Distance (in squared degrees) to the entry's point. The point lies inside
/// the envelope, so this is never less than the envelope's distance, which is
/// what the tree's nearest-neighbour pruning needs.
impl PointDistance for Entry {
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        let dx = self.point[0] - p[0];
        let dy = self.point[1] - p[1];
        dx * dx + dy * dy
    }
}

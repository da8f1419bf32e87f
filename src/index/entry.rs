use super::IndexRecord;
use crate::domain::{Capital, Status};
use rstar::{PointDistance, RTreeObject, AABB};
use uuid::Uuid;

/// An interned category, so that an entry stays a few dozen bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategoryId(pub(super) u32);

/// One asset in the tree: its bounds for box queries and a point on it for
/// distances. For an area-only asset both are the generalised cell centre.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub version: i64,
    pub point: [f64; 2],
    pub envelope: AABB<[f64; 2]>,
    pub capital: Capital,
    pub category: CategoryId,
    pub status: Status,
}

impl Entry {
    pub(super) fn new(r: &IndexRecord, category: CategoryId) -> Entry {
        let placement = r.placement.for_visibility(r.visibility);
        Entry {
            id: r.id,
            version: r.version,
            point: placement.point,
            envelope: AABB::from_corners(placement.min, placement.max),
            capital: r.capital,
            category,
            status: r.status,
        }
    }
}

/// Identity is the asset id: `RTree::remove` finds an entry by its envelope
/// and then by equality.
impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
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

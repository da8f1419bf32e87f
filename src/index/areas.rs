//! Areas in memory: boundaries in a grid of their bounds per level, so that
//! "which area is this point in" and "what is in this area" answer without
//! the store.

use super::level::Level;
use super::{AssetIndex, Filter, Hit};
use crate::domain::{Area, BBox};
use geo::BoundingRect;
use rstar::AABB;
use std::collections::HashMap;

#[derive(Default)]
pub struct AreaSet {
    areas: Vec<Area>,
    by_code: HashMap<String, usize>,
    levels: HashMap<String, Level>,
}

impl AreaSet {
    pub fn new(areas: Vec<Area>) -> AreaSet {
        let mut members: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, a) in areas.iter().enumerate() {
            members.entry(a.level.clone()).or_default().push(i);
        }
        let levels = members
            .into_iter()
            .map(|(name, members)| (name, Level::new(&areas, members)))
            .collect();
        let by_code = areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i))
            .collect();
        AreaSet {
            areas,
            by_code,
            levels,
        }
    }

    pub fn get(&self, code: &str) -> Option<&Area> {
        self.by_code.get(code).map(|i| &self.areas[*i])
    }

    pub fn all(&self) -> &[Area] {
        &self.areas
    }

    pub fn levels(&self) -> Vec<String> {
        let mut levels: Vec<String> = self.levels.keys().cloned().collect();
        levels.sort();
        levels
    }

    /// The areas of a level, in the order they were given: the positions
    /// `position` answers with.
    pub fn at_level<'a>(&'a self, level: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        self.levels
            .get(level)
            .into_iter()
            .flat_map(|l| l.members.iter().map(|i| &self.areas[*i]))
    }

    /// The one area of `level` a point belongs to. A point inside an area
    /// belongs to it; a point on a boundary shared by several belongs to
    /// the one with the lowest code, so that it is counted exactly once.
    pub fn assign(&self, point: [f64; 2], level: &str) -> Option<&Area> {
        let l = self.levels.get(level)?;
        self.position(point, level)
            .map(|p| &self.areas[l.members[p]])
    }

    /// As `assign`, as the area's place in `at_level(level)`.
    pub fn position(&self, point: [f64; 2], level: &str) -> Option<usize> {
        self.levels.get(level)?.position(&self.areas, point)
    }

    /// The bounds of an area, for a first cut from the asset index.
    pub fn envelope(area: &Area) -> Option<AABB<[f64; 2]>> {
        let r = area.geometry.bounding_rect()?;
        Some(AABB::from_corners(
            [r.min().x, r.min().y],
            [r.max().x, r.max().y],
        ))
    }
}

impl AssetIndex {
    /// Assets whose point lies in the area with this code (on a shared
    /// boundary, in the one area `AreaSet::assign` gives it to), nearest the
    /// centre of the area's bounds first. An unknown code matches nothing.
    pub fn in_area(&self, areas: &AreaSet, code: &str, filter: &Filter) -> Vec<Hit> {
        let Some(area) = areas.get(code) else {
            return Vec::new();
        };
        let Some(env) = AreaSet::envelope(area) else {
            return Vec::new();
        };
        let (lo, hi) = (env.lower(), env.upper());
        let Ok(bbox) = BBox::new(lo[0], lo[1], hi[0], hi[1]) else {
            return Vec::new();
        };
        self.in_bbox(&bbox, filter)
            .into_iter()
            .filter(|h| {
                self.view(h.id).is_some_and(|v| {
                    areas
                        .assign(v.point, &area.level)
                        .is_some_and(|a| a.code == area.code)
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, MultiPolygon};

    fn square(code: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Area {
        Area {
            code: code.into(),
            name: code.into(),
            level: "ward".into(),
            geometry: polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)].into(),
            population: None,
        }
    }

    #[test]
    fn a_point_on_a_shared_boundary_belongs_to_one_area() {
        let set = AreaSet::new(vec![
            square("B", 1.0, 0.0, 2.0, 1.0),
            square("A", 0.0, 0.0, 1.0, 1.0),
        ]);
        assert_eq!(set.assign([1.0, 0.5], "ward").unwrap().code, "A");
        assert_eq!(set.assign([1.5, 0.5], "ward").unwrap().code, "B");
        assert!(set.assign([5.0, 0.5], "ward").is_none());
        assert!(set.assign([0.5, 0.5], "lsoa").is_none());
    }

    #[test]
    fn holes_are_not_inside() {
        let with_hole = Area {
            geometry: MultiPolygon(vec![polygon!(
                exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)],
                interiors: [[(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0), (x: 1.0, y: 1.0)]],
            )])
            .into(),
            ..square("H", 0.0, 0.0, 1.0, 1.0)
        };
        let set = AreaSet::new(vec![with_hole]);
        assert!(set.assign([2.0, 2.0], "ward").is_none());
        assert_eq!(set.assign([0.5, 0.5], "ward").unwrap().code, "H");
    }
}

//! The areas of one level, for "which area is this point in": a grid of
//! their bounds, and for each cell that no boundary crosses, the one area
//! it lies in (or none). Most points of a national question fall in such
//! a cell and need no point-in-polygon test at all.

use super::grid::Grid;
use crate::domain::Area;
use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, Coord, CoordinatePosition, Geometry, LineString, Polygon};

/// About this many areas' bounds to a grid cell. Finer grids list each
/// area in more cells but leave more cells uncrossed by any boundary.
const AREAS_PER_CELL: f64 = 0.0625;
/// A cell whose points are all in no area.
const NO_AREA: u32 = u32::MAX;
/// A cell a boundary may cross: its points are tested one by one.
const MIXED: u32 = u32::MAX - 1;
/// Slack around each boundary segment when marking the cells it crosses,
/// far above the rounding of a cell's edges (about 1e-14 degrees).
const SLACK: f64 = 1e-9;

pub(super) struct Level {
    /// Indices into the area set, in the order the areas were given.
    pub(super) members: Vec<usize>,
    bounds: Vec<([f64; 2], [f64; 2])>,
    grid: Grid,
    /// Per cell: the member every point of it is inside, `NO_AREA`, or
    /// `MIXED`.
    whole: Vec<u32>,
}

impl Level {
    pub(super) fn new(areas: &[Area], members: Vec<usize>) -> Level {
        // No bounds (an empty geometry): nothing is inside it.
        let bounds: Vec<([f64; 2], [f64; 2])> = members
            .iter()
            .map(|i| {
                areas[*i]
                    .geometry
                    .bounding_rect()
                    .map_or(([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]), |r| {
                        ([r.min().x, r.min().y], [r.max().x, r.max().y])
                    })
            })
            .collect();
        let grid = Grid::new(&bounds, AREAS_PER_CELL);
        let mut level = Level {
            members,
            bounds,
            whole: vec![MIXED; grid.cell_count()],
            grid,
        };
        level.find_whole_cells(areas);
        level
    }

    /// Marks every cell a boundary segment may touch, then classifies the
    /// others by one point each: with no boundary inside a cell, all its
    /// points are where that one is.
    fn find_whole_cells(&mut self, areas: &[Area]) {
        let mut crossed = vec![false; self.grid.cell_count()];
        for (k, i) in self.members.iter().enumerate() {
            let boxes: Vec<([f64; 2], [f64; 2])> = match segments(&areas[*i].geometry) {
                Some(segments) => segments
                    .iter()
                    .map(|(a, b)| {
                        let min = [a.x.min(b.x) - SLACK, a.y.min(b.y) - SLACK];
                        (min, [a.x.max(b.x) + SLACK, a.y.max(b.y) + SLACK])
                    })
                    .collect(),
                None => vec![self.bounds[k]],
            };
            for (min, max) in boxes {
                for c in self.grid.cells(min, max) {
                    crossed[self.grid.index(c)] = true;
                }
            }
        }
        let [nx, ny] = self.grid.dims();
        for cell in (0..ny).flat_map(|y| (0..nx).map(move |x| [x, y])) {
            let i = self.grid.index(cell);
            if crossed[i] {
                continue;
            }
            let centre = self.grid.centre(cell);
            // Rounding can put a cell's centre in the next cell.
            if self.grid.cell_within(centre) != Some(cell) {
                continue;
            }
            self.whole[i] = match self.test(areas, centre) {
                Some(k) => k as u32,
                None => NO_AREA,
            };
        }
    }

    /// The member a point belongs to (see `AreaSet::assign`).
    pub(super) fn position(&self, areas: &[Area], point: [f64; 2]) -> Option<usize> {
        match self
            .grid
            .cell_within(point)
            .map(|c| self.whole[self.grid.index(c)])
        {
            Some(NO_AREA) => None,
            Some(MIXED) | None => self.test(areas, point),
            Some(k) => Some(k as usize),
        }
    }

    /// Point in polygon against every member whose bounds hold the point.
    fn test(&self, areas: &[Area], point: [f64; 2]) -> Option<usize> {
        let coord = Coord {
            x: point[0],
            y: point[1],
        };
        let mut on_boundary: Option<usize> = None;
        for &k in self.grid.at(point) {
            let k = k as usize;
            let (min, max) = self.bounds[k];
            if point[0] < min[0] || point[0] > max[0] || point[1] < min[1] || point[1] > max[1] {
                continue;
            }
            let area = &areas[self.members[k]];
            match area.geometry.coordinate_position(&coord) {
                CoordPos::Inside => return Some(k),
                CoordPos::OnBoundary => {
                    let lower = |b: usize| area.code < areas[self.members[b]].code;
                    if on_boundary.is_none_or(lower) {
                        on_boundary = Some(k);
                    }
                }
                CoordPos::Outside => {}
            }
        }
        on_boundary
    }
}

/// Every segment of every ring of a polygon or multipolygon (a ring of
/// one point as a segment from it to itself); `None` for other geometries,
/// whose cells are all taken as crossed.
fn segments(geometry: &Geometry<f64>) -> Option<Vec<(Coord, Coord)>> {
    let polygons: Vec<&Polygon<f64>> = match geometry {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(m) => m.iter().collect(),
        _ => return None,
    };
    let rings = polygons
        .into_iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    Some(rings.flat_map(ring_segments).collect())
}

fn ring_segments(ring: &LineString<f64>) -> Vec<(Coord, Coord)> {
    match ring.0.as_slice() {
        [only] => vec![(*only, *only)],
        coords => coords.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(code: String, x0: f64, y0: f64, side: f64) -> Area {
        let (x1, y1) = (x0 + side, y0 + side);
        Area {
            code,
            name: String::new(),
            level: "ward".into(),
            geometry: polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)].into(),
            population: None,
        }
    }

    /// Whole cells answer as testing every area would, inside, outside,
    /// on boundaries and corners, and in a hole.
    #[test]
    fn whole_cells_answer_as_testing_every_area() {
        let mut areas: Vec<Area> = (0..400)
            .map(|i| {
                square(
                    format!("S{i:03}"),
                    (i % 20) as f64 * 0.01,
                    (i / 20) as f64 * 0.01,
                    0.01,
                )
            })
            .collect();
        areas.push(Area {
            geometry: polygon!(
                exterior: [(x: 0.3, y: 0.0), (x: 0.5, y: 0.0), (x: 0.5, y: 0.2), (x: 0.3, y: 0.2), (x: 0.3, y: 0.0)],
                interiors: [[(x: 0.35, y: 0.05), (x: 0.45, y: 0.05), (x: 0.45, y: 0.15), (x: 0.35, y: 0.15), (x: 0.35, y: 0.05)]],
            )
            .into(),
            ..square("H".into(), 0.0, 0.0, 0.0)
        });
        let level = Level::new(&areas, (0..areas.len()).collect());
        assert!(
            level.whole.iter().any(|w| *w < MIXED),
            "some cells are whole"
        );
        let brute = |p: [f64; 2]| {
            let c = Coord { x: p[0], y: p[1] };
            let at = |pos| {
                areas
                    .iter()
                    .position(|a| a.geometry.coordinate_position(&c) == pos)
            };
            at(CoordPos::Inside).or_else(|| at(CoordPos::OnBoundary))
        };
        for i in 0..60_000u64 {
            let t = i as f64;
            let p = if i % 3 == 0 {
                // On the squares' lines and corners.
                [((i / 3) % 52) as f64 * 0.01, ((i / 156) % 24) as f64 * 0.01]
            } else {
                [
                    (t * 0.618_034).fract() * 0.55 - 0.02,
                    (t * 0.414_214).fract() * 0.24 - 0.02,
                ]
            };
            assert_eq!(level.position(&areas, p), brute(p), "{p:?}");
        }
    }
}

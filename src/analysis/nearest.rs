//! Distances from residents to the nearest asset in question. The assets'
//! points go into a grid of their own for each question: counting them
//! into cells is linear, where bulk-loading an R-tree sorts them, and the
//! nearest searches of a national question read a few neighbouring cells.

use crate::domain::{haversine_m, BBox, LonLat};
use crate::index::grid::Grid;

/// About this many points to a cell: enough that the search around a
/// resident finds one in the first cells it reads, few enough that each
/// cell read is short.
const POINTS_PER_CELL: f64 = 0.25;

pub(super) struct Targets {
    grid: Grid,
    /// The points in the grid's order, so that a cell's points are together.
    points: Vec<[f64; 2]>,
}

impl Targets {
    pub(super) fn new(points: &[[f64; 2]]) -> Targets {
        let bounds: Vec<([f64; 2], [f64; 2])> = points.iter().map(|p| (*p, *p)).collect();
        let grid = Grid::new(&bounds, POINTS_PER_CELL);
        let points = grid.items().iter().map(|i| points[*i as usize]).collect();
        Targets { grid, points }
    }

    /// The targets, those of each cell together.
    pub(super) fn points(&self) -> &[[f64; 2]] {
        &self.points
    }

    /// Metres to the nearest target; infinite when there is none. Any
    /// target's distance bounds the nearest, and a box of that radius
    /// holds it (as in `AssetIndex::nearest`): the closest of the cells
    /// around the resident gives a small box, and every point in the cells
    /// the box meets is measured.
    pub(super) fn nearest_m(&self, at: [f64; 2]) -> f64 {
        let (Some(bound), Ok(center)) = (self.near_bound(at), LonLat::new(at[0], at[1])) else {
            return f64::INFINITY;
        };
        BBox::around(center, bound)
            .rects()
            .into_iter()
            .flat_map(|(lo, hi)| self.grid.ranges_in(lo, hi))
            .flat_map(|cell| &self.points[cell])
            .map(|p| haversine_m(at, *p))
            .fold(bound, f64::min)
    }

    /// The distance to the closest target in the first ring of cells
    /// around `at` that has any.
    fn near_bound(&self, at: [f64; 2]) -> Option<f64> {
        if self.points.is_empty() {
            return None;
        }
        let centre = self.grid.cell_of(at);
        let [nx, ny] = self.grid.dims();
        (0..=nx.max(ny)).find_map(|r| {
            ring(centre, r, [nx, ny])
                .flat_map(|cell| &self.points[self.grid.range(cell)])
                .map(|p| haversine_m(at, *p))
                .reduce(f64::min)
        })
    }
}

/// The cells at `r` steps from `c` (the square ring), within the grid.
fn ring(c: [usize; 2], r: usize, dims: [usize; 2]) -> impl Iterator<Item = [usize; 2]> {
    let (cx, cy, r) = (c[0] as isize, c[1] as isize, r as isize);
    let inside = move |x: isize, y: isize| {
        (x >= 0 && y >= 0 && (x as usize) < dims[0] && (y as usize) < dims[1])
            .then_some([x as usize, y as usize])
    };
    (cy - r..=cy + r).flat_map(move |y| {
        let edge = y == cy - r || y == cy + r;
        let step = if edge || r == 0 { 1 } else { 2 * r as usize };
        (cx - r..=cx + r)
            .step_by(step)
            .filter_map(move |x| inside(x, y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_is_the_cells_at_that_many_steps() {
        let cells: Vec<_> = ring([5, 5], 2, [20, 20]).collect();
        assert_eq!(cells.len(), 16);
        assert!(cells
            .iter()
            .all(|c| c[0].abs_diff(5).max(c[1].abs_diff(5)) == 2));
        assert_eq!(ring([0, 0], 1, [20, 20]).count(), 3);
        assert_eq!(ring([0, 0], 0, [1, 1]).count(), 1);
    }

    #[test]
    fn nearest_is_the_brute_force_nearest() {
        let points: Vec<[f64; 2]> = (0..3_000)
            .map(|i| {
                let t = i as f64;
                [
                    -3.0 + (t * 0.618).fract() * 2.0,
                    51.0 + (t * 0.377).fract() * 1.5,
                ]
            })
            .collect();
        let targets = Targets::new(&points);
        for i in 0..500 {
            let t = i as f64;
            let at = [
                -3.5 + (t * 0.271).fract() * 3.0,
                50.5 + (t * 0.733).fract() * 2.5,
            ];
            let brute = points
                .iter()
                .map(|p| haversine_m(at, *p))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(targets.nearest_m(at), brute, "{at:?}");
        }
        assert_eq!(Targets::new(&[]).nearest_m([0.0, 0.0]), f64::INFINITY);
    }
}

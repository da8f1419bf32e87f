//! A regular lon/lat grid of buckets: each item is listed in every cell its
//! bounds touch. Built in two linear passes (count, then fill), where an
//! R-tree sorts; and a lookup is arithmetic, where a tree walks nodes. For
//! the gap analysis's millions of point lookups against a set that is built,
//! used once and dropped.

use std::ops::Range;

pub struct Grid {
    lo: [f64; 2],
    cell: f64,
    dims: [usize; 2],
    /// `items[starts[c]..starts[c + 1]]` are the items of cell `c`.
    starts: Vec<u32>,
    items: Vec<u32>,
}

/// Past this a grid's cells cost more memory than they save.
const MAX_CELLS: usize = 1 << 22;

impl Grid {
    /// A grid over the bounds `[min, max]` of each item, with about
    /// `per_cell` items' worth of extent to a cell. Items with `min` past
    /// `max` (no bounds) are listed nowhere.
    pub fn new(bounds: &[([f64; 2], [f64; 2])], per_cell: f64) -> Grid {
        let (lo, hi) = extent(bounds);
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        let cells = (bounds.len() as f64 / per_cell).clamp(1.0, MAX_CELLS as f64);
        // Square cells (in degrees): the side that gives about `cells` of them.
        let side = ((w * h) / cells).sqrt().max(w / cells).max(h / cells);
        let side = if side > 0.0 && side.is_finite() {
            side
        } else {
            1.0
        };
        let dim = |extent: f64| ((extent / side).floor() as usize + 1).min(MAX_CELLS);
        let mut grid = Grid {
            lo,
            cell: side,
            dims: [dim(w), dim(h)],
            starts: Vec::new(),
            items: Vec::new(),
        };
        grid.fill(bounds);
        grid
    }

    fn fill(&mut self, bounds: &[([f64; 2], [f64; 2])]) {
        let cells = self.dims[0] * self.dims[1];
        let mut counts = vec![0u32; cells + 1];
        for (min, max) in bounds {
            self.for_cells(*min, *max, |c| counts[c + 1] += 1);
        }
        for c in 0..cells {
            counts[c + 1] += counts[c];
        }
        let mut next = counts.clone();
        let mut items = vec![0u32; counts[cells] as usize];
        for (i, (min, max)) in bounds.iter().enumerate() {
            self.for_cells(*min, *max, |c| {
                items[next[c] as usize] = i as u32;
                next[c] += 1;
            });
        }
        self.starts = counts;
        self.items = items;
    }

    fn for_cells(&self, min: [f64; 2], max: [f64; 2], mut f: impl FnMut(usize)) {
        if !has_bounds(min, max) {
            return;
        }
        self.cells(min, max).for_each(|c| f(self.index(c)));
    }

    /// The cells meeting the box from `min` to `max`, clamped to the grid.
    pub fn cells(&self, min: [f64; 2], max: [f64; 2]) -> impl Iterator<Item = [usize; 2]> {
        let (a, b) = (self.cell_of(min), self.cell_of(max));
        (a[1]..=b[1]).flat_map(move |y| (a[0]..=b[0]).map(move |x| [x, y]))
    }

    /// A cell's place in a `Vec` of one value per cell.
    pub fn index(&self, cell: [usize; 2]) -> usize {
        cell[1] * self.dims[0] + cell[0]
    }

    pub fn cell_count(&self) -> usize {
        self.dims[0] * self.dims[1]
    }

    /// The cell a point falls in, unless it falls outside the grid (where
    /// `cell_of` would clamp it to an edge cell).
    pub fn cell_within(&self, p: [f64; 2]) -> Option<[usize; 2]> {
        let raw = |k: usize| ((p[k] - self.lo[k]) / self.cell).floor();
        let (x, y) = (raw(0), raw(1));
        let inside = x >= 0.0 && y >= 0.0 && x < self.dims[0] as f64 && y < self.dims[1] as f64;
        inside.then_some([x as usize, y as usize])
    }

    /// A point of the cell, near its middle.
    pub fn centre(&self, cell: [usize; 2]) -> [f64; 2] {
        [0, 1].map(|k| self.lo[k] + (cell[k] as f64 + 0.5) * self.cell)
    }

    /// The cell a point falls in, clamped to the grid. Monotonic in each
    /// coordinate (rounding included), so a point inside an item's bounds
    /// always lands in one of the cells the item is listed in.
    pub fn cell_of(&self, p: [f64; 2]) -> [usize; 2] {
        let axis = |v: f64, lo: f64, dim: usize| {
            let c = ((v - lo) / self.cell).floor();
            if c >= 0.0 {
                (c as usize).min(dim - 1)
            } else {
                0
            }
        };
        [
            axis(p[0], self.lo[0], self.dims[0]),
            axis(p[1], self.lo[1], self.dims[1]),
        ]
    }

    pub fn dims(&self) -> [usize; 2] {
        self.dims
    }

    /// Where a cell's items are in `items()`.
    pub fn range(&self, cell: [usize; 2]) -> Range<usize> {
        let c = self.index(cell);
        self.starts[c] as usize..self.starts[c + 1] as usize
    }

    /// Every cell's items, cell after cell.
    pub fn items(&self) -> &[u32] {
        &self.items
    }

    /// The items listed in the cell of `p`: those whose bounds may hold it.
    pub fn at(&self, p: [f64; 2]) -> &[u32] {
        &self.items[self.range(self.cell_of(p))]
    }

    /// The cells meeting the box from `min` to `max` (clamped to the grid),
    /// as ranges of `items()`.
    pub fn ranges_in(
        &self,
        min: [f64; 2],
        max: [f64; 2],
    ) -> impl Iterator<Item = Range<usize>> + '_ {
        self.cells(min, max).map(|c| self.range(c))
    }
}

fn has_bounds(min: [f64; 2], max: [f64; 2]) -> bool {
    min[0] <= max[0] && min[1] <= max[1]
}

fn extent(bounds: &[([f64; 2], [f64; 2])]) -> ([f64; 2], [f64; 2]) {
    let mut lo = [f64::INFINITY; 2];
    let mut hi = [f64::NEG_INFINITY; 2];
    for (min, max) in bounds.iter().filter(|(min, max)| has_bounds(*min, *max)) {
        for k in 0..2 {
            lo[k] = lo[k].min(min[k]);
            hi[k] = hi[k].max(max[k]);
        }
    }
    if lo[0] > hi[0] || lo[1] > hi[1] {
        return ([0.0; 2], [0.0; 2]);
    }
    (lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_found_from_every_point_of_its_bounds() {
        let bounds: Vec<([f64; 2], [f64; 2])> = (0..50)
            .map(|i| {
                let x = i as f64 * 0.37 - 3.0;
                ([x, x * 0.5], [x + 0.9, x * 0.5 + 0.2])
            })
            .collect();
        let grid = Grid::new(&bounds, 2.0);
        for (i, (min, max)) in bounds.iter().enumerate() {
            for p in [
                *min,
                *max,
                [min[0], max[1]],
                [(min[0] + max[0]) / 2.0, min[1]],
            ] {
                assert!(grid.at(p).contains(&(i as u32)), "{i} at {p:?}");
            }
        }
        // Far outside: clamped to an edge cell, never a panic.
        let _ = grid.at([1e9, -1e9]);
    }

    #[test]
    fn points_fill_each_cell_once() {
        let points: Vec<([f64; 2], [f64; 2])> = (0..1000)
            .map(|i| {
                let p = [(i % 37) as f64 * 0.01, (i / 37) as f64 * 0.02];
                (p, p)
            })
            .collect();
        let grid = Grid::new(&points, 2.0);
        assert_eq!(grid.items().len(), points.len());
        let [nx, ny] = grid.dims();
        let listed: usize = (0..ny)
            .flat_map(|y| (0..nx).map(move |x| [x, y]))
            .map(|c| grid.range(c).len())
            .sum();
        assert_eq!(listed, points.len());
    }

    #[test]
    fn no_items_and_one_point_make_a_grid() {
        assert!(Grid::new(&[], 2.0).at([0.0, 0.0]).is_empty());
        let none = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        assert!(Grid::new(&[none], 2.0).items().is_empty());
        let one = Grid::new(&[([1.0, 2.0], [1.0, 2.0])], 2.0);
        assert_eq!(one.at([1.0, 2.0]), &[0]);
    }
}

//! Vector tiles of the public assets, drawn from the read model: one layer
//! `assets` of points (id, name, capital, category). Below
//! `FULL_DETAIL_ZOOM` the points that fall in the same cell are drawn as one
//! cluster point with a `count` and how many of each capital it holds (the
//! map rings a cluster by its mix), so a tile of a whole country stays small.

mod cache;
pub mod mvt;

pub use cache::{Tile, TileCache};

use crate::domain::Capital;
use crate::index::{AssetIndex, Filter};
use mvt::{Feature, Value, EXTENT};
use std::collections::HashMap;
use uuid::Uuid;

/// Tile units of margin around each tile, so symbols at an edge are drawn
/// whole on both sides.
pub const BUFFER: i32 = 64;
/// From this zoom on every asset is its own point.
pub const FULL_DETAIL_ZOOM: u8 = 14;
/// The cluster cell below `FULL_DETAIL_ZOOM`, in tile units (128 px on a
/// 512 px tile): about the reach of the map's earlier client-side clusters
/// (45 px radius), so that clusters leave room for area names; a power of
/// two so that cells never straddle tiles.
pub const CELL: i32 = 1024;
pub const MAX_ZOOM: u8 = 22;
pub const LAYER: &str = "assets";
/// Web Mercator's latitude limit.
const MAX_LAT: f64 = 85.051_128_779_806_59;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    pub fn new(z: u8, x: u32, y: u32) -> Result<TileId, String> {
        if z > MAX_ZOOM {
            return Err(format!("zoom {z} is above {MAX_ZOOM}"));
        }
        let n = 1u64 << z;
        if x as u64 >= n || y as u64 >= n {
            return Err(format!("tile {x}/{y} is outside zoom {z}'s 0..{}", n - 1));
        }
        Ok(TileId { z, x, y })
    }

    /// Where a longitude/latitude falls in this tile, in tile units, when
    /// it lies within the tile and its buffer.
    pub fn project(&self, p: [f64; 2]) -> Option<(i32, i32)> {
        if !(-MAX_LAT..=MAX_LAT).contains(&p[1]) {
            return None;
        }
        let n = (1u64 << self.z) as f64;
        let lat = p[1].to_radians();
        let wx = (p[0] + 180.0) / 360.0;
        let wy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
        let x = ((wx * n - self.x as f64) * EXTENT as f64).round();
        let y = ((wy * n - self.y as f64) * EXTENT as f64).round();
        let range = -(BUFFER as f64)..=(EXTENT as i32 + BUFFER) as f64;
        (range.contains(&x) && range.contains(&y)).then_some((x as i32, y as i32))
    }

    /// Longitude/latitude corners `(lo, hi)` of the tile and its buffer,
    /// widened a little so that rounding never loses a point at the edge.
    fn lonlat_bounds(&self) -> ([f64; 2], [f64; 2]) {
        let n = (1u64 << self.z) as f64;
        let margin = (BUFFER as f64 + 1.0) / EXTENT as f64;
        let lon = |tx: f64| tx / n * 360.0 - 180.0;
        let lat = |ty: f64| {
            let m = std::f64::consts::PI * (1.0 - 2.0 * ty / n);
            m.sinh().atan().to_degrees()
        };
        let (x0, x1) = (self.x as f64 - margin, self.x as f64 + 1.0 + margin);
        let (y0, y1) = (self.y as f64 - margin, self.y as f64 + 1.0 + margin);
        ([lon(x0), lat(y1)], [lon(x1), lat(y0)])
    }
}

/// An asset placed in a tile.
#[derive(Debug, Clone, Copy)]
pub struct TilePoint {
    pub id: Uuid,
    pub capital: Capital,
    pub x: i32,
    pub y: i32,
}

/// The assets a tile shows, found through the R-tree.
pub fn select(index: &AssetIndex, tile: TileId, filter: &Filter) -> Vec<TilePoint> {
    let (lo, hi) = tile.lonlat_bounds();
    place(index, index.points_in(lo, hi), tile, filter)
}

/// The same by looking at every asset: what `select` is tested against.
pub fn select_brute_force(index: &AssetIndex, tile: TileId, filter: &Filter) -> Vec<TilePoint> {
    place(index, index.entries(), tile, filter)
}

fn place<'a>(
    index: &AssetIndex,
    entries: impl Iterator<Item = &'a crate::index::Entry>,
    tile: TileId,
    filter: &Filter,
) -> Vec<TilePoint> {
    entries
        .filter(|e| index.passes(filter, e))
        .filter_map(|e| {
            let (x, y) = tile.project(e.point)?;
            Some(TilePoint {
                id: e.id,
                capital: e.capital(),
                x,
                y,
            })
        })
        .collect()
}

/// The features of a tile: every point, or below `FULL_DETAIL_ZOOM` one
/// per cell, a cluster at the mean of its points. Clusters are made of the
/// tile's own points only (not its buffer's), so that each asset is in
/// exactly one cluster at a zoom and neighbouring tiles never repeat one.
pub fn features(index: &AssetIndex, zoom: u8, points: &[TilePoint]) -> Vec<Feature> {
    let single = |p: &TilePoint| {
        let view = index.view(p.id);
        let text = |s: &str| Value::Text(s.to_string());
        let mut properties = vec![("id", text(&p.id.to_string()))];
        if let Some(v) = view {
            let name = v.text(crate::readmodel::Field::Name).unwrap_or_default();
            properties.push(("name", text(name)));
            properties.push(("category", text(v.category)));
        }
        properties.push(("capital", text(p.capital.as_str())));
        Feature {
            x: p.x,
            y: p.y,
            properties,
        }
    };
    let mut out: Vec<Feature> = if zoom >= FULL_DETAIL_ZOOM {
        points.iter().map(single).collect()
    } else {
        clusters(points)
            .into_values()
            .map(|c| match c.count {
                1 => single(&c.first),
                n => {
                    let mut properties = vec![("count", Value::Count(n))];
                    for (capital, k) in Capital::ALL.iter().zip(c.by_capital) {
                        if k > 0 {
                            properties.push((capital.as_str(), Value::Count(k)));
                        }
                    }
                    Feature {
                        x: (c.sum_x / n as i64) as i32,
                        y: (c.sum_y / n as i64) as i32,
                        properties,
                    }
                }
            })
            .collect()
    };
    out.sort_by_key(|f| (f.y, f.x));
    out
}

struct Cluster {
    first: TilePoint,
    count: u64,
    by_capital: [u64; 5],
    sum_x: i64,
    sum_y: i64,
}

fn clusters(points: &[TilePoint]) -> HashMap<(i32, i32), Cluster> {
    let mut cells: HashMap<(i32, i32), Cluster> = HashMap::new();
    let inside = |v: i32| (0..EXTENT as i32).contains(&v);
    for p in points.iter().filter(|p| inside(p.x) && inside(p.y)) {
        let key = (p.x.div_euclid(CELL), p.y.div_euclid(CELL));
        let c = cells.entry(key).or_insert(Cluster {
            first: *p,
            count: 0,
            by_capital: [0; 5],
            sum_x: 0,
            sum_y: 0,
        });
        c.count += 1;
        let slot = Capital::ALL.iter().position(|k| *k == p.capital);
        c.by_capital[slot.expect("every capital is in ALL")] += 1;
        c.sum_x += p.x as i64;
        c.sum_y += p.y as i64;
        // The same representative whatever order the points came in.
        if p.id < c.first.id {
            c.first = *p;
        }
    }
    cells
}

/// A tile, encoded.
pub fn render(index: &AssetIndex, tile: TileId, filter: &Filter) -> Vec<u8> {
    let points = select(index, tile, filter);
    mvt::encode(LAYER, &features(index, tile.z, &points))
}

#[cfg(test)]
mod tests;

//! The national answer checked against the way it was computed before the
//! grids (R-trees of area bounds and of asset points), for one capital:
//! the same count in every area and the same distance to the nearest asset,
//! to the last bit.

use assetmap::analysis::{gaps_for_targets, profile_targets, GapParams, Residents};
use assetmap::domain::{haversine_m, Area, BBox, Capital, LonLat};
use assetmap::index::{AreaSet, AssetIndex};
use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, Coord, CoordinatePosition, InteriorPoint};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::HashMap;

fn tree_assign<'a>(
    tree: &RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    areas: &'a [Area],
    p: [f64; 2],
) -> Option<&'a Area> {
    let coord = Coord { x: p[0], y: p[1] };
    let mut on_boundary: Option<&Area> = None;
    for b in tree.locate_all_at_point(&p) {
        let area = &areas[b.data];
        match area.geometry.coordinate_position(&coord) {
            CoordPos::Inside => return Some(area),
            CoordPos::OnBoundary if on_boundary.is_none_or(|a| area.code < a.code) => {
                on_boundary = Some(area)
            }
            _ => {}
        }
    }
    on_boundary
}

fn tree_nearest(tree: &RTree<[f64; 2]>, at: [f64; 2]) -> f64 {
    let (Some(first), Ok(center)) = (tree.nearest_neighbor(&at), LonLat::new(at[0], at[1])) else {
        return f64::INFINITY;
    };
    let bound = haversine_m(at, *first);
    BBox::around(center, bound)
        .rects()
        .into_iter()
        .flat_map(|(lo, hi)| tree.locate_in_envelope(&AABB::from_corners(lo, hi)))
        .map(|p| haversine_m(at, *p))
        .fold(bound, f64::min)
}

pub fn check(index: &AssetIndex, set: &AreaSet) {
    let capital = Capital::Social;
    let points = profile_targets(index).swap_remove(0);
    let report = gaps_for_targets(
        &points,
        set,
        &Residents::new(set, &[], "lsoa"),
        &GapParams::defaults("lsoa", vec![capital]),
    );
    let areas = set.all();
    let bounds = areas
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let r = a.geometry.bounding_rect()?;
            let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            Some(GeomWithData::new(rect, i))
        })
        .collect();
    let area_tree = RTree::bulk_load(bounds);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in &points {
        if let Some(a) = tree_assign(&area_tree, areas, *p) {
            *counts.entry(a.code.as_str()).or_default() += 1;
        }
    }
    let point_tree = RTree::bulk_load(points.clone());
    for (row, area) in report.rows.iter().zip(areas) {
        assert_eq!(row.code, area.code);
        assert_eq!(
            row.count,
            counts.get(area.code.as_str()).copied().unwrap_or(0)
        );
        let p = area.geometry.interior_point().expect("a point inside");
        let nearest = tree_nearest(&point_tree, [p.x(), p.y()]);
        assert_eq!(
            row.nearest_m,
            nearest.is_finite().then_some(nearest),
            "{}",
            area.code
        );
    }
    println!(
        "checked: {} rows of {} the same as R-tree assignment and nearest searches",
        report.rows.len(),
        capital.as_str()
    );
}

//! Geometry from what the extract holds: node positions, ways as node
//! refs, multipolygon relations as member ways.

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use std::collections::HashMap;

pub(super) fn coords(
    refs: &[i64],
    nodes: &HashMap<i64, (f64, f64)>,
) -> Result<Vec<Coord<f64>>, String> {
    refs.iter()
        .map(|r| {
            nodes
                .get(r)
                .map(|(x, y)| Coord { x: *x, y: *y })
                .ok_or_else(|| format!("node {r} is missing from the extract"))
        })
        .collect()
}

/// An object cut by the extract's edge (or a broken multipolygon) is
/// placed at the mean of the nodes that are present, rather than lost.
pub(super) fn partial(
    refs: &[i64],
    nodes: &HashMap<i64, (f64, f64)>,
) -> Result<Geometry<f64>, String> {
    let present: Vec<&(f64, f64)> = refs.iter().filter_map(|r| nodes.get(r)).collect();
    if present.is_empty() {
        return Err("none of its nodes is in the extract".into());
    }
    let n = present.len() as f64;
    let (x, y) = present
        .iter()
        .fold((0.0, 0.0), |(x, y), (a, b)| (x + a, y + b));
    Ok(Point::new(x / n, y / n).into())
}

/// A closed way is an area; an open one (a path, a fence) is placed at its
/// middle node.
pub(super) fn way_geometry(
    refs: &[i64],
    nodes: &HashMap<i64, (f64, f64)>,
) -> Result<Geometry<f64>, String> {
    let cs = coords(refs, nodes)?;
    if cs.len() >= 4 && cs.first() == cs.last() {
        Ok(Polygon::new(LineString(cs), vec![]).into())
    } else if let Some(mid) = cs.get(cs.len() / 2) {
        Ok(Point::from(*mid).into())
    } else {
        Err("the way has no nodes".into())
    }
}

/// Joins member ways end to end into closed rings; inner rings become holes
/// of the outer ring that holds them.
pub(super) fn relation_geometry(
    members: &[(i64, String)],
    ways: &HashMap<i64, Vec<i64>>,
    nodes: &HashMap<i64, (f64, f64)>,
) -> Result<Geometry<f64>, String> {
    let rings_of = |role: &str| -> Result<Vec<LineString<f64>>, String> {
        let parts: Vec<Vec<i64>> = members
            .iter()
            .filter(|(_, r)| r == role || (role == "outer" && r.is_empty()))
            .map(|(id, _)| {
                ways.get(id)
                    .cloned()
                    .ok_or_else(|| format!("way {id} is missing from the extract"))
            })
            .collect::<Result<_, _>>()?;
        assemble(parts)?
            .iter()
            .map(|ring| coords(ring, nodes).map(LineString))
            .collect()
    };
    let outers = rings_of("outer")?;
    if outers.is_empty() {
        return Err("the multipolygon has no outer ring".into());
    }
    let inners = rings_of("inner")?;
    use geo::Contains;
    let polygons = outers
        .into_iter()
        .map(|outer| {
            let shell = Polygon::new(outer.clone(), vec![]);
            let holes = inners
                .iter()
                .filter(|i| i.0.first().is_some_and(|c| shell.contains(c)))
                .cloned()
                .collect();
            Polygon::new(outer, holes)
        })
        .collect();
    Ok(MultiPolygon(polygons).into())
}

pub(super) fn assemble(mut parts: Vec<Vec<i64>>) -> Result<Vec<Vec<i64>>, String> {
    let mut rings = Vec::new();
    while let Some(mut ring) = parts.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last().expect("non-empty");
            let next = parts
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))
                .ok_or("a ring of the multipolygon does not close")?;
            let mut part = parts.swap_remove(next);
            if part.first() != Some(&end) {
                part.reverse();
            }
            ring.extend(part.into_iter().skip(1));
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    Ok(rings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_rings_from_ways_in_any_direction() {
        let rings = assemble(vec![vec![1, 2, 3], vec![1, 4, 3]]).unwrap();
        assert_eq!(rings.len(), 1);
        assert_eq!(rings[0].first(), rings[0].last());
        assert!(assemble(vec![vec![1, 2, 3]]).is_err());
    }
}

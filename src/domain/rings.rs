//! Polygon hygiene on the way in: a cap on vertices, rings that do not
//! cross themselves or each other, and holes inside their shell. Invalid
//! rings make "a point inside" ill-defined and its computation slow, so
//! they are refused with the first offending vertex named.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Contains, Coord, Geometry, Line, LineString, Point, Polygon};
use rstar::{RTree, RTreeObject, AABB};

/// The most vertices one asset's geometry may have: a building or a park
/// needs far fewer, and every read and write stays cheap.
pub const MAX_VERTICES: usize = 5_000;

pub fn check_rings(geometry: &Geometry<f64>) -> Result<(), String> {
    let polygons: Vec<&Polygon<f64>> = match geometry {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        _ => return Ok(()),
    };
    let vertices: usize = polygons.iter().map(|p| vertex_count(p)).sum();
    if vertices > MAX_VERTICES {
        return Err(format!(
            "has {vertices} vertices; an asset may have at most {MAX_VERTICES} (simplify it)"
        ));
    }
    for (n, p) in polygons.iter().enumerate() {
        let name = if polygons.len() > 1 {
            format!("polygon {n}, ")
        } else {
            String::new()
        };
        check_polygon(p).map_err(|e| format!("{name}{e}"))?;
    }
    Ok(())
}

fn vertex_count(p: &Polygon<f64>) -> usize {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(|r| r.0.len())
        .sum()
}

/// One edge of a ring: which ring, which vertex it starts at, and its
/// place among the ring's edges once repeated vertices are dropped.
struct Edge {
    ring: usize,
    at: usize,
    pos: usize,
    line: Line<f64>,
}

impl RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        let (a, b) = (self.line.start, self.line.end);
        AABB::from_corners([a.x, a.y], [b.x, b.y])
    }
}

fn check_polygon(p: &Polygon<f64>) -> Result<(), String> {
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    // A repeated vertex is a zero-length edge: dropped, so that the edges
    // either side of it count as neighbours.
    let per_ring: Vec<Vec<Edge>> = rings
        .iter()
        .enumerate()
        .map(|(ring, ls)| {
            ls.lines()
                .enumerate()
                .filter(|(_, l)| l.start != l.end)
                .enumerate()
                .map(|(pos, (at, line))| Edge {
                    ring,
                    at,
                    pos,
                    line,
                })
                .collect()
        })
        .collect();
    let sizes: Vec<usize> = per_ring.iter().map(Vec::len).collect();
    let edges: Vec<Edge> = per_ring.into_iter().flatten().collect();
    let tree = RTree::bulk_load(edges);
    for e in tree.iter() {
        for other in tree.locate_in_envelope_intersecting(&e.envelope()) {
            if (other.ring, other.at) <= (e.ring, e.at) {
                continue;
            }
            if let Some(hit) = line_intersection(e.line, other.line) {
                if !allowed(e, other, hit, &sizes) {
                    return Err(crossing(e, other, hit));
                }
            }
        }
    }
    for (i, hole) in rings.iter().enumerate().skip(1) {
        check_inside(p.exterior(), hole).map_err(|at| {
            format!(
                "hole {i} lies outside its shell at vertex {at} ({})",
                coord(hole.0[at])
            )
        })?;
    }
    Ok(())
}

/// Neighbouring edges of a ring meet at their shared vertex; edges of two
/// rings may touch at a point; nothing else may meet.
fn allowed(a: &Edge, b: &Edge, hit: LineIntersection<f64>, sizes: &[usize]) -> bool {
    let LineIntersection::SinglePoint { is_proper, .. } = hit else {
        return false;
    };
    if a.ring != b.ring {
        return !is_proper;
    }
    let n = sizes[a.ring];
    let adjacent = b.pos == a.pos + 1 || (a.pos == 0 && b.pos + 1 == n);
    adjacent && !is_proper
}

fn crossing(a: &Edge, b: &Edge, hit: LineIntersection<f64>) -> String {
    let at = match hit {
        LineIntersection::SinglePoint { intersection, .. } => intersection,
        LineIntersection::Collinear { intersection } => intersection.start,
    };
    let ring = |r: usize| match r {
        0 => "the outer ring".to_string(),
        h => format!("hole {h}"),
    };
    if a.ring == b.ring {
        format!(
            "{} crosses itself near ({}): the edge from vertex {} meets the edge from vertex {}",
            ring(a.ring),
            coord(at),
            a.at,
            b.at
        )
    } else {
        format!(
            "{} crosses {} near ({}), at its vertex {}",
            ring(b.ring),
            ring(a.ring),
            coord(at),
            b.at
        )
    }
}

/// Rings that do not cross are nested or apart: one vertex of the hole not
/// on the shell tells which. Returns the vertex that lies outside.
fn check_inside(shell: &LineString<f64>, hole: &LineString<f64>) -> Result<(), usize> {
    let shell = Polygon::new(shell.clone(), vec![]);
    for (at, c) in hole.0.iter().enumerate() {
        let p = Point::from(*c);
        if shell.exterior().contains(&p) {
            continue; // on the boundary: undecided
        }
        return if shell.contains(&p) { Ok(()) } else { Err(at) };
    }
    Ok(())
}

fn coord(c: Coord<f64>) -> String {
    format!("{}, {}", c.x, c.y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn accepts_simple_polygons_with_holes() {
        let p = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (4.0, 0.0),
                (4.0, 4.0),
                (0.0, 4.0),
                (0.0, 0.0),
            ]),
            vec![LineString::from(vec![
                (1.0, 1.0),
                (2.0, 1.0),
                (2.0, 2.0),
                (1.0, 1.0),
            ])],
        );
        assert_eq!(check_rings(&p.into()), Ok(()));
    }

    #[test]
    fn refuses_a_bow_tie_naming_the_vertex() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 2.0), (x: 2.0, y: 0.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0)];
        let err = check_rings(&p.into()).unwrap_err();
        assert!(
            err.contains("crosses itself") && err.contains("vertex 0"),
            "{err}"
        );
    }

    #[test]
    fn a_repeated_vertex_is_not_a_crossing() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0), (x: 0.0, y: 0.0), (x: 0.0, y: 0.0)];
        assert_eq!(check_rings(&p.into()), Ok(()));
    }

    #[test]
    fn refuses_a_hole_outside_its_shell() {
        let p = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
            vec![LineString::from(vec![
                (5.0, 5.0),
                (6.0, 5.0),
                (6.0, 6.0),
                (5.0, 5.0),
            ])],
        );
        let err = check_rings(&p.into()).unwrap_err();
        assert!(
            err.contains("hole 1 lies outside") && err.contains("vertex 0"),
            "{err}"
        );
    }

    #[test]
    fn caps_vertices() {
        let n = MAX_VERTICES + 10;
        let mut ring: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                (a.cos(), a.sin())
            })
            .collect();
        ring.push(ring[0]);
        let p = Polygon::new(LineString::from(ring), vec![]);
        assert!(check_rings(&p.into()).unwrap_err().contains("at most"));
    }
}

//! Features that are part of another layer's assets rather than assets of
//! their own: a park's entrances belong to the park. They are counted onto
//! the nearest asset of that layer (within a distance) as a tag, and are not
//! written as assets, so they neither crowd the map nor count as capital.

use super::Record;
use geo::{BoundingRect, Distance, Euclidean, Geometry, MapCoords, Point, Rect};
use serde::Deserialize;

/// `"belongs_to": {"dataset": "...", "tag": "entrances", "within_m": 30}`
/// on a manifest layer.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BelongsTo {
    /// The layer whose assets these features are part of.
    pub dataset: String,
    /// The tag that counts them on each of its assets.
    pub tag: String,
    /// How far from its asset's outline a feature may lie.
    pub within_m: f64,
}

/// What attaching a layer did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attached {
    pub dataset: String,
    pub into: String,
    pub read: usize,
    /// Counted onto an asset.
    pub attached: usize,
    /// Near no asset of the layer (or without a geometry): left out.
    pub unplaced: usize,
}

/// The property a count is carried in from here to the mapping, chosen so
/// that it cannot clash with a source's own column.
pub fn carrier(tag: &str) -> String {
    format!("assetmap:{tag}")
}

const METRES_PER_DEGREE: f64 = 111_320.0;

/// Counts each of `parts` onto the nearest of `wholes` within `within_m`,
/// setting the carrier property of `rule.tag` on the wholes that get any.
pub fn attach(
    parts: &[Record],
    wholes: &mut [Record],
    rule: &BelongsTo,
    dataset: &str,
) -> Attached {
    // Local metres: longitude shrunk by the cosine of the layer's latitude,
    // close enough over a borough for a distance of tens of metres.
    let lats: Vec<f64> = wholes
        .iter()
        .filter_map(|w| w.geometry.as_ref().ok()?.bounding_rect())
        .map(|r| r.center().y)
        .collect();
    let lat0 = lats.iter().sum::<f64>() / lats.len().max(1) as f64;
    let k = lat0.to_radians().cos();
    let local = |g: &Geometry<f64>| g.map_coords(|c| geo::coord! {x: c.x * k, y: c.y});
    let shapes: Vec<Option<(Geometry<f64>, Rect<f64>)>> = wholes
        .iter()
        .map(|w| {
            let g = local(w.geometry.as_ref().ok()?);
            let r = g.bounding_rect()?;
            Some((g, r))
        })
        .collect();
    let reach = rule.within_m / METRES_PER_DEGREE;
    let mut counts = vec![0usize; wholes.len()];
    let mut out = Attached {
        dataset: dataset.to_string(),
        into: rule.dataset.clone(),
        read: parts.len(),
        ..Attached::default()
    };
    for part in parts {
        let Some(p) = part.geometry.as_ref().ok().and_then(point_of) else {
            out.unplaced += 1;
            continue;
        };
        let p = Point::new(p.x() * k, p.y());
        let nearest = shapes
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let (g, r) = s.as_ref()?;
                let near = p.x() >= r.min().x - reach
                    && p.x() <= r.max().x + reach
                    && p.y() >= r.min().y - reach
                    && p.y() <= r.max().y + reach;
                near.then(|| (i, Euclidean.distance(&p, g)))
            })
            .filter(|(_, d)| *d <= reach)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match nearest {
            Some((i, _)) => {
                counts[i] += 1;
                out.attached += 1;
            }
            None => out.unplaced += 1,
        }
    }
    let key = carrier(&rule.tag);
    for (whole, n) in wholes.iter_mut().zip(counts) {
        if n > 0 {
            whole
                .props
                .insert(key.clone(), serde_json::json!(n.to_string()));
        }
    }
    out
}

fn point_of(g: &Geometry<f64>) -> Option<Point<f64>> {
    match g {
        Geometry::Point(p) => Some(*p),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn record(g: Geometry<f64>) -> Record {
        Record {
            place: "feature".into(),
            props: Map::new(),
            geometry: Ok(g),
            source: None,
            asset_id: None,
        }
    }

    fn square(x0: f64, y0: f64, side: f64) -> Geometry<f64> {
        Geometry::Polygon(geo::Polygon::new(
            vec![
                (x0, y0),
                (x0 + side, y0),
                (x0 + side, y0 + side),
                (x0, y0 + side),
                (x0, y0),
            ]
            .into(),
            vec![],
        ))
    }

    #[test]
    fn entrances_count_onto_the_nearest_park_within_reach() {
        // Two parks about 700 m apart at Trafford's latitude.
        let mut parks = vec![
            record(square(-2.30, 53.40, 0.002)),
            record(square(-2.29, 53.40, 0.002)),
        ];
        let gate = |x: f64, y: f64| record(Geometry::Point(Point::new(x, y)));
        let entrances = vec![
            gate(-2.30, 53.401),    // on the first park's edge
            gate(-2.3001, 53.4005), // about 7 m outside it
            gate(-2.288, 53.401),   // on the second park's edge
            gate(-2.295, 53.401),   // between them, far from both
        ];
        let rule = BelongsTo {
            dataset: "parks".into(),
            tag: "entrances".into(),
            within_m: 30.0,
        };
        let done = attach(&entrances, &mut parks, &rule, "gates");
        assert_eq!((done.read, done.attached, done.unplaced), (4, 3, 1));
        assert_eq!(parks[0].props["assetmap:entrances"], "2");
        assert_eq!(parks[1].props["assetmap:entrances"], "1");
    }
}

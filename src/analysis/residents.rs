//! Where the residents of each area of one level are placed: worked out
//! once per level and shared by every capital asked about (and, in the
//! server, by every question until the areas or postcodes are reloaded).

use super::parallel;
use super::population::{self, Method, PopulationPoint};
use crate::domain::{Area, Postcode};
use crate::index::AreaSet;

pub struct Residents {
    pub(super) level: String,
    /// By the area's place in `AreaSet::at_level`.
    pub(super) by_area: Vec<(Vec<PopulationPoint>, Method)>,
}

impl Residents {
    pub fn new(areas: &AreaSet, postcodes: &[&Postcode], level: &str) -> Residents {
        let (points, postcode_method) = population::postcode_points(postcodes, areas.all());
        let members: Vec<&Area> = areas.at_level(level).collect();
        let mut placed: Vec<Option<(Vec<PopulationPoint>, Method)>> = vec![None; members.len()];
        let positions = parallel::map(&points, |p| areas.position(p.at, level));
        for (p, position) in points.into_iter().zip(positions) {
            if let Some(k) = position {
                placed[k]
                    .get_or_insert_with(|| (Vec::new(), postcode_method))
                    .0
                    .push(p);
            }
        }
        // An interior point is a scan of the polygon: the slow part of a
        // level without postcodes, hence on every core.
        let without: Vec<usize> = (0..members.len())
            .filter(|k| placed[*k].is_none())
            .collect();
        let points = parallel::map(&without, |k| population::area_point(members[*k]));
        for (k, point) in without.into_iter().zip(points) {
            placed[k] = Some((point.into_iter().collect(), Method::AreaPoint));
        }
        Residents {
            level: level.to_string(),
            by_area: placed.into_iter().map(|p| p.expect("placed")).collect(),
        }
    }

    /// The level these residents were placed for.
    pub fn level(&self) -> &str {
        &self.level
    }
}

//! Where residents live, for distance measures: each postcode centroid
//! carries an equal share of its LSOA's population; where no postcodes are
//! known, an area's whole population sits at a point inside it.

use crate::domain::{Area, Postcode};
use geo::InteriorPoint;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Postcode centroids, each an equal share of its LSOA's population.
    PostcodeShareOfLsoa,
    /// Postcode centroids, each counted once (no LSOA population known).
    PostcodeEqualWeight,
    /// The area's population at one point inside it.
    AreaPoint,
}

impl Method {
    pub fn describe(self) -> &'static str {
        match self {
            Method::PostcodeShareOfLsoa => "residents placed at postcode centroids, each carrying an equal share of its LSOA's mid-year population",
            Method::PostcodeEqualWeight => "residents placed at postcode centroids, each postcode weighted equally (no LSOA population loaded)",
            Method::AreaPoint => "the area's population placed at one point inside it (no postcodes loaded for it)",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PopulationPoint {
    pub at: [f64; 2],
    pub weight: f64,
}

/// Population points from the postcode lookup and the LSOAs' population.
pub fn postcode_points(postcodes: &[&Postcode], areas: &[Area]) -> (Vec<PopulationPoint>, Method) {
    let lsoa_population: HashMap<&str, f64> = areas
        .iter()
        .filter(|a| a.level == "lsoa")
        .filter_map(|a| Some((a.code.as_str(), a.population?)))
        .collect();
    let mut per_lsoa: HashMap<&str, usize> = HashMap::new();
    for p in postcodes {
        if let Some(code) = p.lsoa_code.as_deref() {
            *per_lsoa.entry(code).or_default() += 1;
        }
    }
    let weighted = !lsoa_population.is_empty()
        && postcodes.iter().any(|p| {
            p.lsoa_code
                .as_deref()
                .is_some_and(|c| lsoa_population.contains_key(c))
        });
    if !weighted {
        let points = postcodes
            .iter()
            .map(|p| PopulationPoint {
                at: [p.lon, p.lat],
                weight: 1.0,
            })
            .collect();
        return (points, Method::PostcodeEqualWeight);
    }
    let points = postcodes
        .iter()
        .filter_map(|p| {
            let code = p.lsoa_code.as_deref()?;
            let population = lsoa_population.get(code)?;
            Some(PopulationPoint {
                at: [p.lon, p.lat],
                weight: population / per_lsoa[code] as f64,
            })
        })
        .collect();
    (points, Method::PostcodeShareOfLsoa)
}

/// One point for an area with no postcode points: its whole population.
pub fn area_point(area: &Area) -> Option<PopulationPoint> {
    let p = area.geometry.interior_point()?;
    Some(PopulationPoint {
        at: [p.x(), p.y()],
        weight: area.population.unwrap_or(0.0),
    })
}

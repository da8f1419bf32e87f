//! Gap analysis: for each area of a level, how much of a capital or
//! category it has, per resident and by distance, ranked against the other
//! areas of its level. Computed from the in-memory index and areas, so it
//! is current after every write.

mod nearest;
mod parallel;
mod params;
mod population;
mod profile;
mod residents;
mod stats;

pub use params::{
    check_distance, GapParams, Measure, DEFAULT_DISTANCE_M, DEFAULT_MIN_COVERAGE, DEFAULT_RANK_BY,
    MAX_DISTANCE_M,
};
pub use population::{Method, PopulationPoint};
pub use profile::{
    profile, profile_from, profile_targets, profile_with, LevelMedian, Profile, ProfileRow,
};
pub use residents::Residents;

use crate::domain::{Area, Postcode};
use crate::index::{AreaSet, AssetIndex, Filter};
use nearest::Targets;
use serde::Serialize;
use stats::{breaks, coverage, rank, weighted_median};

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct GapRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub population: Option<f64>,
    /// Published assets whose point lies in the area.
    pub count: usize,
    /// Per 1,000 residents; null where the population is unknown or zero.
    pub per_1000: Option<f64>,
    /// Share of residents within `distance_m` of the nearest asset (which
    /// may lie outside the area).
    pub coverage: Option<f64>,
    /// Population-weighted median distance to the nearest asset.
    pub nearest_m: Option<f64>,
    pub method: Method,
    /// 1 is the best provided area of the level.
    pub rank: Option<usize>,
    /// 1 is the least provided fifth of the level.
    pub quintile: Option<u8>,
    pub gap: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GapReport {
    #[serde(flatten)]
    pub params: GapParams,
    pub method: String,
    pub gap_rule: String,
    /// Quantile class breaks of the ranking measure: minimum, the 20th,
    /// 40th, 60th and 80th percentiles, maximum.
    pub breaks: Vec<f64>,
    pub rows: Vec<GapRow>,
}

/// Computes every measure for every area of `params.level`.
pub fn gaps(
    index: &AssetIndex,
    areas: &AreaSet,
    postcodes: &[&Postcode],
    params: &GapParams,
) -> GapReport {
    gaps_from(target_points(index, params), areas, postcodes, params)
}

/// As `gaps`, from the points of the assets in question (`target_points`),
/// so that a caller can take them under the index's lock and compute
/// without it, leaving writes free meanwhile.
pub fn gaps_from(
    targets: Vec<[f64; 2]>,
    areas: &AreaSet,
    postcodes: &[&Postcode],
    params: &GapParams,
) -> GapReport {
    let residents = Residents::new(areas, postcodes, &params.level);
    gaps_for_targets(&targets, areas, &residents, params)
}

/// The points of the assets a question is about.
pub fn target_points(index: &AssetIndex, params: &GapParams) -> Vec<[f64; 2]> {
    let filter = Filter::for_query(index, &params.capitals, &params.categories);
    index
        .entries()
        .filter(|e| index.passes(&filter, e))
        .map(|e| e.point)
        .collect()
}

/// As `gaps`, with residents already placed for `params.level`.
pub fn gaps_for(
    index: &AssetIndex,
    areas: &AreaSet,
    residents: &Residents,
    params: &GapParams,
) -> GapReport {
    gaps_for_targets(&target_points(index, params), areas, residents, params)
}

/// As `gaps`, from the points of the assets in question (`target_points`)
/// and residents already placed for `params.level`: everything but the
/// index, so that it runs without the index's lock.
pub fn gaps_for_targets(
    targets: &[[f64; 2]],
    areas: &AreaSet,
    residents: &Residents,
    params: &GapParams,
) -> GapReport {
    assert_eq!(
        residents.level, params.level,
        "residents are placed per level"
    );
    let level: Vec<&Area> = areas.at_level(&params.level).collect();
    // Assigned in the grid's order, cell after cell: neighbouring points
    // fall in the same few areas, which stay in the cache.
    let targets = Targets::new(targets);
    let mut counts = vec![0usize; level.len()];
    for k in parallel::map(targets.points(), |p| areas.position(*p, &params.level))
        .into_iter()
        .flatten()
    {
        counts[k] += 1;
    }
    let positions: Vec<usize> = (0..level.len()).collect();
    let mut rows = parallel::map(&positions, |k| {
        let (points, method) = &residents.by_area[*k];
        row(level[*k], counts[*k], points, *method, &targets, params)
    });
    rank(&mut rows, params.rank_by);
    for row in &mut rows {
        let empty_and_far = row.count == 0 && row.coverage.is_none_or(|c| c < params.min_coverage);
        row.gap = empty_and_far || row.quintile == Some(1);
    }
    report(rows, params)
}

/// An area's measures, before it is ranked against the others.
fn row(
    area: &Area,
    count: usize,
    residents: &[PopulationPoint],
    method: Method,
    targets: &Targets,
    params: &GapParams,
) -> GapRow {
    let distances: Vec<(f64, f64)> = residents
        .iter()
        .map(|p| (targets.nearest_m(p.at), p.weight))
        .collect();
    let per_1000 = area
        .population
        .filter(|p| *p > 0.0)
        .map(|p| count as f64 * 1000.0 / p);
    GapRow {
        code: area.code.clone(),
        name: area.name.clone(),
        level: area.level.clone(),
        population: area.population,
        count,
        per_1000,
        coverage: coverage(&distances, params.distance_m),
        nearest_m: weighted_median(&distances),
        method,
        rank: None,
        quintile: None,
        gap: false,
    }
}

fn report(rows: Vec<GapRow>, params: &GapParams) -> GapReport {
    let breaks = breaks(&rows, params.rank_by);
    let methods: Vec<Method> = {
        let mut m: Vec<Method> = rows.iter().map(|r| r.method).collect();
        m.sort_by_key(|m| *m as u8);
        m.dedup();
        m
    };
    GapReport {
        method: methods.iter().map(|m| m.describe()).collect::<Vec<_>>().join("; "),
        gap_rule: format!(
            "a gap is an area with no asset inside and under {:.0}% of residents within {} m of one, or in the least provided fifth of its level by {}",
            params.min_coverage * 100.0,
            params.distance_m,
            params.rank_by.as_str()
        ),
        params: params.clone(),
        breaks,
        rows,
    }
}

#[cfg(test)]
mod tests;

//! Gap analysis: for each area of a level, how much of a capital or
//! category it has, per resident and by distance, ranked against the other
//! areas of its level. Computed from the in-memory index and areas, so it
//! is current after every write.

mod population;

pub use population::{Method, PopulationPoint};

use crate::domain::{haversine_m, BBox, Capital, LonLat, Postcode};
use crate::index::{AreaSet, AssetIndex, Filter};
use rstar::{RTree, AABB};
use serde::Serialize;
use std::collections::HashMap;

/// What areas are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    #[serde(rename = "per_1000")]
    Per1000,
    Coverage,
    NearestM,
}

impl Measure {
    pub fn parse(s: &str) -> Result<Measure, String> {
        match s {
            "count" => Ok(Measure::Count),
            "per_1000" => Ok(Measure::Per1000),
            "coverage" => Ok(Measure::Coverage),
            "nearest_m" => Ok(Measure::NearestM),
            other => Err(format!(
                "'{other}' is not one of count, per_1000, coverage, nearest_m"
            )),
        }
    }

    /// More is better for every measure but distance.
    fn higher_is_better(self) -> bool {
        self != Measure::NearestM
    }

    fn of(self, row: &GapRow) -> Option<f64> {
        match self {
            Measure::Count => Some(row.count as f64),
            Measure::Per1000 => row.per_1000,
            Measure::Coverage => row.coverage,
            Measure::NearestM => row.nearest_m,
        }
    }
}

/// 800 m: a ten-minute walk.
pub const DEFAULT_DISTANCE_M: f64 = 800.0;
/// An area with nothing inside is a gap when fewer than half its residents
/// are within the distance of one.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GapParams {
    pub level: String,
    pub capitals: Vec<Capital>,
    pub categories: Vec<String>,
    pub distance_m: f64,
    pub rank_by: Measure,
    pub min_coverage: f64,
}

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

/// Where the residents of each area of one level are placed: worked out
/// once per level and shared by every capital asked about.
pub struct Residents<'a> {
    level: String,
    by_area: HashMap<&'a str, (Vec<PopulationPoint>, Method)>,
}

impl<'a> Residents<'a> {
    pub fn new(areas: &'a AreaSet, postcodes: &[&Postcode], level: &'a str) -> Residents<'a> {
        let (points, postcode_method) = population::postcode_points(postcodes, areas.all());
        let mut by_area: HashMap<&str, (Vec<PopulationPoint>, Method)> = HashMap::new();
        for p in points {
            if let Some(a) = areas.assign(p.at, level) {
                by_area
                    .entry(a.code.as_str())
                    .or_insert_with(|| (Vec::new(), postcode_method))
                    .0
                    .push(p);
            }
        }
        for area in areas.at_level(level) {
            by_area.entry(area.code.as_str()).or_insert_with(|| {
                (
                    population::area_point(area).into_iter().collect(),
                    Method::AreaPoint,
                )
            });
        }
        Residents {
            level: level.to_string(),
            by_area,
        }
    }
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
    gaps_for_targets(targets, areas, &residents, params)
}

/// The points of the assets a question is about.
pub fn target_points(index: &AssetIndex, params: &GapParams) -> Vec<[f64; 2]> {
    let filter = Filter::for_query(index, &params.capitals, &params.categories);
    index
        .entries()
        .filter(|e| filter.accepts(e))
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
    gaps_for_targets(target_points(index, params), areas, residents, params)
}

fn gaps_for_targets(
    targets: Vec<[f64; 2]>,
    areas: &AreaSet,
    residents: &Residents,
    params: &GapParams,
) -> GapReport {
    assert_eq!(
        residents.level, params.level,
        "residents are placed per level"
    );
    let level: Vec<_> = areas.at_level(&params.level).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for p in &targets {
        if let Some(a) = areas.assign(*p, &params.level) {
            *counts.entry(a.code.as_str()).or_default() += 1;
        }
    }
    let targets = Targets::new(targets);

    let mut rows: Vec<GapRow> = level
        .iter()
        .map(|area| {
            let (points, method) = &residents.by_area[area.code.as_str()];
            let method = *method;
            let distances: Vec<(f64, f64)> = points
                .iter()
                .map(|p| (targets.nearest_m(p.at), p.weight))
                .collect();
            let count = counts.get(area.code.as_str()).copied().unwrap_or(0);
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
        })
        .collect();
    rank(&mut rows, params.rank_by);
    for row in &mut rows {
        let empty_and_far = row.count == 0 && row.coverage.is_none_or(|c| c < params.min_coverage);
        row.gap = empty_and_far || row.quintile == Some(1);
    }
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
            serde_json::to_value(params.rank_by).expect("measures serialise").as_str().unwrap_or_default()
        ),
        params: params.clone(),
        breaks,
        rows,
    }
}

/// The points of the assets a question is about, in a tree of their own:
/// nearest-neighbour searches in the whole index would wade through every
/// asset of other capitals first, which for a rare category is nearly all.
struct Targets {
    tree: RTree<[f64; 2]>,
}

impl Targets {
    fn new(points: Vec<[f64; 2]>) -> Targets {
        Targets {
            tree: RTree::bulk_load(points),
        }
    }

    /// Metres to the nearest target; infinite when there is none. The
    /// tree's nearest in degrees bounds the true distance, and a box of that
    /// radius holds the true nearest (as in `AssetIndex::nearest`).
    fn nearest_m(&self, at: [f64; 2]) -> f64 {
        let (Some(first), Ok(center)) =
            (self.tree.nearest_neighbor(&at), LonLat::new(at[0], at[1]))
        else {
            return f64::INFINITY;
        };
        let bound = haversine_m(at, *first);
        BBox::around(center, bound)
            .rects()
            .into_iter()
            .flat_map(|(lo, hi)| self.tree.locate_in_envelope(&AABB::from_corners(lo, hi)))
            .map(|p| haversine_m(at, *p))
            .fold(bound, f64::min)
    }
}

fn coverage(distances: &[(f64, f64)], within_m: f64) -> Option<f64> {
    let total: f64 = distances.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let near: f64 = distances
        .iter()
        .filter(|(d, _)| *d <= within_m)
        .map(|(_, w)| w)
        .sum();
    Some(near / total)
}

/// The distance below which half the residents live; `None` with no
/// residents or no asset at all.
fn weighted_median(distances: &[(f64, f64)]) -> Option<f64> {
    let mut sorted: Vec<(f64, f64)> = distances
        .iter()
        .copied()
        .filter(|(_, w)| *w > 0.0)
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = sorted.iter().map(|(_, w)| w).sum();
    let mut seen = 0.0;
    for (d, w) in sorted {
        seen += w;
        if seen >= total / 2.0 {
            return d.is_finite().then_some(d);
        }
    }
    None
}

/// Competition ranking (1, 2, 2, 4) from the best provided down, and
/// quintiles from the least provided (1) up; areas without the measure get
/// neither.
fn rank(rows: &mut [GapRow], by: Measure) {
    let mut order: Vec<(usize, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, by.of(r)?)))
        .collect();
    // Worst first.
    order.sort_by(|a, b| {
        let cmp = a.1.total_cmp(&b.1);
        if by.higher_is_better() {
            cmp
        } else {
            cmp.reverse()
        }
    });
    let n = order.len();
    let mut first_of_tie = 0;
    for pos in 0..n {
        if pos > 0 && order[pos].1 != order[pos - 1].1 {
            first_of_tie = pos;
        }
        let (i, _) = order[pos];
        rows[i].quintile = Some((first_of_tie * 5 / n) as u8 + 1);
    }
    // Best first, for ranks.
    let mut last_value = f64::NAN;
    let mut last_rank = 0;
    for (k, (i, v)) in order.iter().rev().enumerate() {
        if *v != last_value {
            last_rank = k + 1;
            last_value = *v;
        }
        rows[*i].rank = Some(last_rank);
    }
}

fn breaks(rows: &[GapRow], by: Measure) -> Vec<f64> {
    let mut values: Vec<f64> = rows
        .iter()
        .filter_map(|r| by.of(r))
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return Vec::new();
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        .iter()
        .map(|q| at(*q))
        .collect()
}

/// All five capitals side by side for one area, against the median of its
/// level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Profile {
    pub code: String,
    pub name: String,
    pub level: String,
    pub population: Option<f64>,
    pub distance_m: f64,
    pub capitals: Vec<ProfileRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProfileRow {
    pub capital: Capital,
    pub area: GapRow,
    pub level_median: LevelMedian,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LevelMedian {
    pub count: Option<f64>,
    pub per_1000: Option<f64>,
    pub coverage: Option<f64>,
    pub nearest_m: Option<f64>,
}

pub fn profile(
    index: &AssetIndex,
    areas: &AreaSet,
    postcodes: &[&Postcode],
    code: &str,
    distance_m: f64,
) -> Option<Profile> {
    profile_from(&profile_targets(index), areas, postcodes, code, distance_m)
}

/// The points of each capital's assets, in `Capital::ALL` order: what a
/// profile needs of the index.
pub fn profile_targets(index: &AssetIndex) -> Vec<Vec<[f64; 2]>> {
    let mut targets = vec![Vec::new(); Capital::ALL.len()];
    let filter = Filter::default();
    for e in index.entries().filter(|e| filter.accepts(e)) {
        let i = Capital::ALL.iter().position(|c| *c == e.capital);
        targets[i.expect("every capital is in ALL")].push(e.point);
    }
    targets
}

/// As `profile`, from `profile_targets`.
pub fn profile_from(
    targets: &[Vec<[f64; 2]>],
    areas: &AreaSet,
    postcodes: &[&Postcode],
    code: &str,
    distance_m: f64,
) -> Option<Profile> {
    let area = areas.get(code)?;
    let residents = Residents::new(areas, postcodes, &area.level);
    let capitals = Capital::ALL
        .iter()
        .zip(targets)
        .map(|(capital, targets)| {
            let params = GapParams {
                level: area.level.clone(),
                capitals: vec![*capital],
                categories: Vec::new(),
                distance_m,
                rank_by: Measure::Per1000,
                min_coverage: DEFAULT_MIN_COVERAGE,
            };
            let report = gaps_for_targets(targets.clone(), areas, &residents, &params);
            let median = |m: Measure| median(report.rows.iter().filter_map(|r| m.of(r)).collect());
            let level_median = LevelMedian {
                count: median(Measure::Count),
                per_1000: median(Measure::Per1000),
                coverage: median(Measure::Coverage),
                nearest_m: median(Measure::NearestM),
            };
            let row = report
                .rows
                .into_iter()
                .find(|r| r.code == code)
                .expect("the area is of its level");
            ProfileRow {
                capital: *capital,
                area: row,
                level_median,
            }
        })
        .collect();
    Some(Profile {
        code: area.code.clone(),
        name: area.name.clone(),
        level: area.level.clone(),
        population: area.population,
        distance_m,
        capitals,
    })
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests;

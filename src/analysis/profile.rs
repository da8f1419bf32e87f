//! One area's five capitals side by side, against the median of its level.

use super::{gaps_for_targets, GapParams, GapRow, Measure, Residents};
use crate::domain::{Capital, Postcode};
use crate::index::{AreaSet, AssetIndex, Filter};
use serde::Serialize;

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
    for e in index.entries().filter(|e| index.passes(&filter, e)) {
        let i = Capital::ALL.iter().position(|c| *c == e.capital());
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
    let level = &areas.get(code)?.level;
    let residents = Residents::new(areas, postcodes, level);
    profile_with(targets, areas, &residents, code, distance_m)
}

/// As `profile_from`, with residents already placed for the area's level.
pub fn profile_with(
    targets: &[Vec<[f64; 2]>],
    areas: &AreaSet,
    residents: &Residents,
    code: &str,
    distance_m: f64,
) -> Option<Profile> {
    let area = areas.get(code)?;
    let capitals = Capital::ALL
        .iter()
        .zip(targets)
        .map(|(capital, targets)| {
            let params = GapParams {
                distance_m,
                ..GapParams::defaults(&area.level, vec![*capital])
            };
            let report = gaps_for_targets(targets, areas, residents, &params);
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

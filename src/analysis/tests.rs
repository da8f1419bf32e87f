use super::*;
use crate::domain::Capital;
use crate::domain::{Area, Placement, Status, Visibility};
use crate::index::IndexRecord;
use geo::{polygon, MultiPolygon};
use uuid::Uuid;

fn area(code: &str, x0: f64, x1: f64, population: Option<f64>) -> Area {
    Area {
        code: code.into(),
        name: code.into(),
        level: "ward".into(),
        geometry: polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 0.01), (x: x0, y: 0.01), (x: x0, y: 0.0)].into(),
        population,
    }
}

fn asset(n: u128, x: f64, y: f64, category: &str) -> IndexRecord {
    IndexRecord {
        id: Uuid::from_u128(n),
        version: 1,
        capital: Capital::Social,
        category: category.into(),
        status: Status::Published,
        visibility: Visibility::Exact,
        placement: Placement {
            point: [x, y],
            min: [x, y],
            max: [x, y],
        },
        view: None,
    }
}

fn params(categories: &[&str]) -> GapParams {
    GapParams {
        level: "ward".into(),
        capitals: vec![],
        categories: categories.iter().map(|s| s.to_string()).collect(),
        distance_m: 800.0,
        rank_by: Measure::Per1000,
        min_coverage: DEFAULT_MIN_COVERAGE,
    }
}

#[test]
fn an_asset_on_a_shared_boundary_is_counted_once() {
    let areas = AreaSet::new(vec![
        area("A", 0.0, 0.01, Some(1000.0)),
        area("B", 0.01, 0.02, Some(1000.0)),
    ]);
    let index = AssetIndex::bulk_load(vec![asset(1, 0.01, 0.005, "food_bank")], 0);
    let report = gaps(&index, &areas, &[], &params(&["food_bank"]));
    let total: usize = report.rows.iter().map(|r| r.count).sum();
    assert_eq!(total, 1);
}

#[test]
fn no_population_gives_null_per_capita_not_infinity() {
    let areas = AreaSet::new(vec![
        area("A", 0.0, 0.01, None),
        area("B", 0.01, 0.02, Some(0.0)),
    ]);
    let index = AssetIndex::bulk_load(vec![asset(1, 0.005, 0.005, "food_bank")], 0);
    let report = gaps(&index, &areas, &[], &params(&[]));
    for row in &report.rows {
        assert_eq!(row.per_1000, None, "{}", row.code);
        assert_eq!(row.rank, None);
        assert_eq!(row.method, Method::AreaPoint);
    }
    assert_eq!(report.rows[0].count, 1);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("inf") && !json.contains("NaN"));
}

#[test]
fn an_empty_category_is_zero_everywhere_and_a_gap() {
    let areas = AreaSet::new(vec![area("A", 0.0, 0.01, Some(500.0))]);
    let index = AssetIndex::bulk_load(vec![asset(1, 0.005, 0.005, "library")], 0);
    let report = gaps(&index, &areas, &[], &params(&["food_bank"]));
    let row = &report.rows[0];
    assert_eq!(
        (row.count, row.per_1000, row.coverage, row.nearest_m),
        (0, Some(0.0), Some(0.0), None)
    );
    assert!(row.gap);
}

#[test]
fn assets_in_a_hole_are_outside_the_area() {
    let with_hole = Area {
        geometry: MultiPolygon(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.04, y: 0.0), (x: 0.04, y: 0.04), (x: 0.0, y: 0.04), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.01, y: 0.01), (x: 0.03, y: 0.01), (x: 0.03, y: 0.03), (x: 0.01, y: 0.03), (x: 0.01, y: 0.01)]],
        )])
        .into(),
        ..area("H", 0.0, 0.0, Some(100.0))
    };
    let areas = AreaSet::new(vec![with_hole]);
    let index = AssetIndex::bulk_load(
        vec![asset(1, 0.02, 0.02, "x"), asset(2, 0.005, 0.005, "x")],
        0,
    );
    let report = gaps(&index, &areas, &[], &params(&[]));
    assert_eq!(report.rows[0].count, 1);
}

#[test]
fn coverage_and_median_are_weighted_by_residents() {
    let areas = AreaSet::new(vec![area("A", 0.0, 0.1, Some(300.0))]);
    let index = AssetIndex::bulk_load(vec![asset(1, 0.0, 0.005, "x")], 0);
    let pc = |n: &str, x: f64, lsoa: &str| Postcode {
        postcode: n.into(),
        lon: x,
        lat: 0.005,
        lsoa_code: Some(lsoa.into()),
    };
    // Two postcodes share LSOA L1 (200 people), one is alone in L2 (100).
    let lsoas = vec![
        Area {
            level: "lsoa".into(),
            ..area("L1", 0.0, 0.05, Some(200.0))
        },
        Area {
            level: "lsoa".into(),
            ..area("L2", 0.05, 0.1, Some(100.0))
        },
    ];
    let mut all = areas.all().to_vec();
    all.extend(lsoas);
    let areas = AreaSet::new(all);
    let postcodes = [
        pc("P1", 0.001, "L1"),
        pc("P2", 0.002, "L1"),
        pc("P3", 0.09, "L2"),
    ];
    let refs: Vec<&Postcode> = postcodes.iter().collect();
    let report = gaps(&index, &areas, &refs, &params(&[]));
    let row = &report.rows[0];
    assert_eq!(row.method, Method::PostcodeShareOfLsoa);
    // P1 and P2 (100 people each) are within 800 m; P3 (100) is ~10 km away.
    assert!((row.coverage.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let d2 = crate::domain::haversine_m([0.0, 0.005], [0.002, 0.005]);
    assert!((row.nearest_m.unwrap() - d2).abs() < 1e-6);
}

#[test]
fn ranks_tie_and_quintiles_start_from_the_least_provided() {
    let areas: Vec<Area> = (0..10)
        .map(|i| {
            area(
                &format!("A{i}"),
                i as f64 * 0.01,
                (i + 1) as f64 * 0.01,
                Some(1000.0),
            )
        })
        .collect();
    let set = AreaSet::new(areas);
    // Area i holds i assets, except that A8 and A9 both hold 8.
    let mut records = Vec::new();
    let mut n = 0;
    for i in 0..10u32 {
        for _ in 0..i.min(8) {
            n += 1;
            records.push(asset(n, i as f64 * 0.01 + 0.005, 0.005, "x"));
        }
    }
    let index = AssetIndex::bulk_load(records, 0);
    let report = gaps(&index, &set, &[], &params(&[]));
    let row = |c: &str| report.rows.iter().find(|r| r.code == c).unwrap();
    assert_eq!(
        (row("A8").rank, row("A9").rank, row("A7").rank),
        (Some(1), Some(1), Some(3))
    );
    assert_eq!(
        (row("A0").quintile, row("A1").quintile, row("A2").quintile),
        (Some(1), Some(1), Some(2))
    );
    assert_eq!(row("A9").quintile, Some(5));
    assert!(row("A0").gap && row("A1").gap && !row("A5").gap);
    assert_eq!(report.breaks.first(), Some(&0.0));
    assert_eq!(report.breaks.last(), Some(&8.0));
}

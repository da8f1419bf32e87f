use super::*;
use crate::domain::{Placement, Status, Visibility};
use crate::index::IndexRecord;
use rand::{rngs::SmallRng, Rng, SeedableRng};

fn index(n: usize) -> AssetIndex {
    let mut rng = SmallRng::seed_from_u64(3);
    let records = (0..n).map(|_| {
        // Clustered, as real assets are, with some far away and some on
        // the latitude limit.
        let (lon, lat) = match rng.gen_range(0..10) {
            0 => (rng.gen_range(-180.0..180.0), rng.gen_range(-89.0..89.0)),
            _ => (rng.gen_range(-2.5..-2.0), rng.gen_range(53.3..53.6)),
        };
        IndexRecord {
            id: Uuid::from_u128(rng.gen()),
            version: 1,
            capital: Capital::ALL[rng.gen_range(0..5)],
            category: "c".into(),
            status: Status::Published,
            visibility: Visibility::Exact,
            placement: Placement {
                point: [lon, lat],
                min: [lon, lat],
                max: [lon, lat],
            },
            view: None,
        }
    });
    AssetIndex::bulk_load(records, 0)
}

fn key(points: &[TilePoint]) -> Vec<(Uuid, i32, i32)> {
    let mut k: Vec<_> = points.iter().map(|p| (p.id, p.x, p.y)).collect();
    k.sort();
    k
}

#[test]
fn every_tile_selects_what_a_full_scan_selects() {
    let index = index(20_000);
    let filter = Filter::default();
    let mut checked = 0;
    for z in 0..=16u8 {
        let n = 1u32 << z;
        // The tiles around Manchester at this zoom, and a row of others.
        let centre = TileId::new(z, 0, 0).unwrap();
        let cx = (((-2.25 + 180.0) / 360.0) * n as f64) as u32;
        let cy = {
            let lat = 53.45f64.to_radians();
            ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n as f64)
                as u32
        };
        let _ = centre;
        for dx in -2i64..=2 {
            for dy in -2i64..=2 {
                let (x, y) = (cx as i64 + dx, cy as i64 + dy);
                let Ok(tile) = TileId::new(z, x as u32, y as u32) else {
                    continue;
                };
                if x < 0 || y < 0 {
                    continue;
                }
                let fast = key(&select(&index, tile, &filter));
                let slow = key(&select_brute_force(&index, tile, &filter));
                assert_eq!(fast, slow, "tile {z}/{x}/{y}");
                checked += fast.len();
            }
        }
        for x in [0, n / 3, n - 1] {
            let tile = TileId::new(z, x, n / 2).unwrap();
            assert_eq!(
                key(&select(&index, tile, &filter)),
                key(&select_brute_force(&index, tile, &filter))
            );
        }
    }
    assert!(checked > 10_000, "the tiles held {checked} points");
}

#[test]
fn low_zooms_cluster_and_count_every_asset() {
    let index = index(20_000);
    let tile = TileId::new(8, 126, 82).unwrap();
    let points = select(&index, tile, &Filter::default());
    let features = features(&index, tile.z, &points);
    assert!(
        features.len() < points.len() / 5,
        "{} of {}",
        features.len(),
        points.len()
    );
    let counted: u64 = features
        .iter()
        .map(|f| {
            f.properties
                .iter()
                .find_map(|(k, v)| match (k, v) {
                    (&"count", Value::Count(n)) => Some(*n),
                    _ => None,
                })
                .unwrap_or(1)
        })
        .sum();
    // The buffer's points belong to the neighbouring tiles' clusters.
    let inside = |v: i32| (0..EXTENT as i32).contains(&v);
    let own = points.iter().filter(|p| inside(p.x) && inside(p.y)).count();
    assert_eq!(counted as usize, own);
    // A cluster counts each capital, and they add up to its count.
    for f in features.iter().filter(|f| f.properties[0].0 == "count") {
        let count = |key: &str| {
            f.properties.iter().find_map(|(k, v)| match v {
                Value::Count(n) if *k == key => Some(*n),
                _ => None,
            })
        };
        let by_capital: u64 = Capital::ALL.iter().filter_map(|c| count(c.as_str())).sum();
        assert_eq!(Some(by_capital), count("count"));
    }
}

#[test]
fn tile_ids_are_checked() {
    assert!(TileId::new(23, 0, 0).is_err());
    assert!(TileId::new(2, 4, 0).is_err());
    assert!(TileId::new(2, 3, 3).is_ok());
}

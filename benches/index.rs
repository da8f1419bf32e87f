//! The R-tree index against a linear scan over the same 1,000,000 assets,
//! in the same run: the ratio is the figure (see bench/README.md).

use assetmap::domain::{haversine_m, BBox, Capital, LonLat, Placement, Status, Visibility};
use assetmap::index::{AssetIndex, Filter, IndexRecord};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use std::time::Duration;
use uuid::Uuid;

const N: usize = 1_000_000;

/// Assets scattered over Great Britain, a tenth of them polygons.
fn records(n: usize) -> Vec<IndexRecord> {
    let mut rng = SmallRng::seed_from_u64(1);
    (0..n)
        .map(|_| {
            let lon = rng.gen_range(-5.5..1.7);
            let lat = rng.gen_range(50.0..58.5);
            let d = if rng.gen_bool(0.1) {
                rng.gen_range(0.0005..0.01)
            } else {
                0.0
            };
            IndexRecord {
                id: Uuid::from_u128(rng.gen()),
                version: 1,
                capital: Capital::ALL[rng.gen_range(0..5)],
                category: format!("c{}", rng.gen_range(0..40)),
                status: Status::Published,
                visibility: Visibility::Exact,
                placement: Placement {
                    point: [lon + d / 2.0, lat + d / 2.0],
                    min: [lon, lat],
                    max: [lon + d, lat + d],
                },
                view: None,
            }
        })
        .collect()
}

fn scan_bbox(records: &[IndexRecord], b: &BBox) -> usize {
    records
        .iter()
        .filter(|r| b.intersects(r.placement.min, r.placement.max))
        .count()
}

fn scan_radius(records: &[IndexRecord], c: [f64; 2], r: f64) -> usize {
    records
        .iter()
        .filter(|rec| haversine_m(c, rec.placement.point) <= r)
        .count()
}

fn scan_nearest(records: &[IndexRecord], c: [f64; 2], k: usize) -> Vec<Uuid> {
    let mut all: Vec<(f64, Uuid)> = records
        .iter()
        .map(|r| (haversine_m(c, r.placement.point), r.id))
        .collect();
    all.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
    all.truncate(k);
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all.into_iter().map(|(_, id)| id).collect()
}

fn bench(c: &mut Criterion) {
    let data = records(N);
    let index = AssetIndex::bulk_load(data.clone(), 0);
    let filter = Filter::default();
    // A town-sized viewport (Trafford) and a 1 km walk around its centre.
    let bbox: BBox = "-2.48,53.35,-2.25,53.48".parse().unwrap();
    let centre = LonLat::new(-2.35, 53.42).unwrap();

    let mut load = c.benchmark_group("bulk_load_1m");
    load.sample_size(10)
        .measurement_time(Duration::from_secs(20));
    load.bench_function("rtree_bulk_load", |b| {
        b.iter(|| AssetIndex::bulk_load(black_box(data.clone()), 0))
    });
    load.bench_function("baseline_clone_records", |b| {
        b.iter(|| black_box(data.clone()))
    });
    load.finish();

    let mut g = c.benchmark_group("query_1m");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function(BenchmarkId::new("bbox", "rtree"), |b| {
        b.iter(|| index.in_bbox(black_box(&bbox), &filter).len())
    });
    g.bench_function(BenchmarkId::new("bbox", "linear_scan"), |b| {
        b.iter(|| scan_bbox(&data, black_box(&bbox)))
    });
    g.bench_function(BenchmarkId::new("radius_1km", "rtree"), |b| {
        b.iter(|| {
            index
                .within_radius(black_box(centre), 1000.0, &filter)
                .len()
        })
    });
    g.bench_function(BenchmarkId::new("radius_1km", "linear_scan"), |b| {
        b.iter(|| scan_radius(&data, black_box(centre.xy()), 1000.0))
    });
    g.bench_function(BenchmarkId::new("nearest_10", "rtree"), |b| {
        b.iter(|| index.nearest(black_box(centre), 10, None, &filter).len())
    });
    g.bench_function(BenchmarkId::new("nearest_10", "linear_scan"), |b| {
        b.iter(|| scan_nearest(&data, black_box(centre.xy()), 10).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

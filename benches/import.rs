//! Import throughput: 100,000 generated features into each store, beside a
//! dry run of the same import (read, map, check, plan) in the same run, so
//! the ratio shows what writing costs. PostGIS is measured when
//! ASSETMAP_TEST_PG (default postgres://postgres@127.0.0.1:5432) answers.

use assetmap::domain::Vocabulary;
use assetmap::import::{self, Mapping, MappingSpec, Options};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use serde_json::json;
use std::time::{Duration, Instant};

const N: usize = 100_000;

fn collection() -> String {
    let mut rng = SmallRng::seed_from_u64(9);
    let features: Vec<serde_json::Value> = (0..N)
        .map(|i| {
            json!({"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [rng.gen_range(-5.5..1.7), rng.gen_range(50.0..58.5)]},
                   "properties": {"ref": i, "title": format!("Community group {i}"), "street": format!("{i} High Street")}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn mapping() -> Mapping {
    Mapping::new(
        serde_json::from_value::<MappingSpec>(json!({
            "map": {"name": "title", "address": "street"}, "capital": "social", "category": "group", "id_field": "ref"
        }))
        .unwrap(),
    )
    .unwrap()
}

async fn pg_database(rt_name: &str) -> Option<String> {
    use sqlx::Connection;
    let server = std::env::var("ASSETMAP_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .ok()?;
    let name = format!("assetmap_bench_{rt_name}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await
        .ok()?;
    Some(format!("{server}/{name}"))
}

/// Imports the collection into a fresh store `iters` times; returns the
/// time spent in the import alone.
async fn import_into(
    url_for: impl AsyncFn() -> String,
    text: &str,
    dry_run: bool,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let store = assetmap::store::open(&url_for().await).await.unwrap();
        let options = Options {
            dataset: "bench".into(),
            dry_run,
            skip_invalid: false,
            actor: "bench".into(),
        };
        let start = Instant::now();
        let records = import::geojson::read(text, "bench").unwrap();
        let (report, _) = import::run(
            store.as_ref(),
            &Vocabulary::default(),
            &mapping(),
            records,
            &options,
        )
        .await
        .unwrap();
        total += start.elapsed();
        assert_eq!(report.created, N);
    }
    total
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let text = collection();
    let dir = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let sqlite_url = async || {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!(
            "sqlite://{}",
            dir.path().join(format!("bench{n}.db")).display()
        )
    };
    let mut g = c.benchmark_group("import_100k");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .throughput(Throughput::Elements(N as u64));
    g.bench_function("dry_run_baseline", |b| {
        b.iter_custom(|iters| rt.block_on(import_into(&sqlite_url, &text, true, iters)))
    });
    g.bench_function("sqlite", |b| {
        b.iter_custom(|iters| rt.block_on(import_into(&sqlite_url, &text, false, iters)))
    });
    if rt.block_on(pg_database("probe")).is_some() {
        g.bench_function("postgis", |b| {
            b.iter_custom(|iters| {
                rt.block_on(import_into(
                    async || pg_database("import").await.unwrap(),
                    &text,
                    false,
                    iters,
                ))
            })
        });
    } else {
        eprintln!("PostgreSQL is not reachable: skipping the PostGIS import benchmark");
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

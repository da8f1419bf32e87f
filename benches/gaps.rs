//! Gap analysis at national scale: the 34,753 LSOAs of England and Wales,
//! 1,000,000 generated assets and a population point per LSOA, all five
//! capitals; beside the same computation in PostGIS SQL (ST_Contains join,
//! ST_DWithin, nearest by KNN) in the same run. Prints a table; see
//! bench/README.md. Reads bench/data/ (ONS LSOA boundaries) and, for the PostGIS half,
//! ASSETMAP_TEST_PG (default postgres://postgres@127.0.0.1:5432).

#[path = "gaps/reference.rs"]
mod reference;

use assetmap::analysis::{gaps, gaps_for_targets, profile_targets, GapParams, Residents};
use assetmap::domain::{Area, Capital, Placement, Status, Visibility};
use assetmap::index::{AreaSet, AssetIndex, IndexRecord};
use geo::{Geometry, InteriorPoint};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use sqlx::Connection;
use std::io::Read;
use std::time::{Duration, Instant};

const ASSETS: usize = 1_000_000;
const RUNS: usize = 3;

fn lsoas() -> Vec<Area> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("bench/data/england-wales-lsoa-2011/LSOA.geojson.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(&path).expect("bench/data/england-wales-lsoa-2011/LSOA.geojson.gz"),
    )
    .read_to_string(&mut text)
    .unwrap();
    let fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut rng = SmallRng::seed_from_u64(5);
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let g: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).ok()?;
            let geometry: Geometry<f64> = g.try_into().ok()?;
            Some(Area {
                code: f["properties"]["LSOA11CD"].as_str()?.to_string(),
                name: f["properties"]["LSOA11NM"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                level: "lsoa".into(),
                geometry,
                // LSOAs hold about 1,500 people; the file has no population.
                population: Some(rng.gen_range(1000.0..3000.0_f64).round()),
            })
        })
        .collect()
}

/// Assets scattered around LSOA centres, so that most fall inside one.
fn assets(areas: &[Area]) -> Vec<IndexRecord> {
    let mut rng = SmallRng::seed_from_u64(6);
    let centres: Vec<[f64; 2]> = areas
        .iter()
        .filter_map(|a| a.geometry.interior_point().map(|p| [p.x(), p.y()]))
        .collect();
    (0..ASSETS)
        .map(|i| {
            let c = centres[rng.gen_range(0..centres.len())];
            let p = [
                c[0] + rng.gen_range(-0.01..0.01),
                c[1] + rng.gen_range(-0.006..0.006),
            ];
            IndexRecord {
                id: uuid::Uuid::from_u128(i as u128 + 1),
                version: 1,
                capital: Capital::ALL[rng.gen_range(0..5)],
                category: "bench".into(),
                status: Status::Published,
                visibility: Visibility::Exact,
                placement: Placement {
                    point: p,
                    min: p,
                    max: p,
                },
                view: None,
            }
        })
        .collect()
}

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

/// The national question as the server answers it: every capital's points
/// copied in one pass over the index (all that is done under its lock),
/// residents placed once for the level (the server keeps them until areas
/// or postcodes are reloaded), then each capital's report from those.
struct Timings {
    snapshot: Duration,
    residents: Duration,
    reports: Duration,
    total: Duration,
    gaps_found: usize,
}

fn in_memory(index: &AssetIndex, areas: &AreaSet) -> Timings {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let targets = profile_targets(index);
        let snapshot = start.elapsed();
        let placed = Instant::now();
        let residents = Residents::new(areas, &[], "lsoa");
        let residents_took = placed.elapsed();
        let computed = Instant::now();
        let mut gaps_found = 0;
        for (capital, points) in Capital::ALL.iter().zip(&targets) {
            let params = GapParams::defaults("lsoa", vec![*capital]);
            let report = gaps_for_targets(points, areas, &residents, &params);
            gaps_found += report.rows.iter().filter(|r| r.gap).count();
        }
        runs.push(Timings {
            snapshot,
            residents: residents_took,
            reports: computed.elapsed(),
            total: start.elapsed(),
            gaps_found,
        });
    }
    runs.sort_by_key(|t| t.total);
    runs.swap_remove(RUNS / 2)
}

/// As the server did before: five questions, each taking its points and
/// placing residents itself.
fn one_question_each(index: &AssetIndex, areas: &AreaSet) -> Duration {
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for capital in Capital::ALL {
                gaps(
                    index,
                    areas,
                    &[],
                    &GapParams::defaults("lsoa", vec![capital]),
                );
            }
            start.elapsed()
        })
        .collect();
    median(times)
}

async fn postgis(areas: &[Area], records: &[IndexRecord]) -> Option<(Duration, Duration)> {
    let server = std::env::var("ASSETMAP_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .ok()?;
    let name = format!("assetmap_bench_gaps_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .ok()?;
    let mut db = sqlx::PgConnection::connect(&format!("{server}/{name}"))
        .await
        .ok()?;
    for sql in [
        "create extension postgis",
        "create table area (code text primary key, population float8, geom geometry(Geometry, 4326))",
        "create table asset (capital text, geom geometry(Point, 4326))",
    ] {
        sqlx::query(sql).execute(&mut db).await.unwrap();
    }
    let load = Instant::now();
    for chunk in areas.chunks(2_000) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|a| serde_json::json!({"code": a.code, "population": a.population, "geom": assetmap::domain::geometry_json(&a.geometry).to_string()}))
            .collect();
        sqlx::query("insert into area select x.code, x.population, ST_SetSRID(ST_GeomFromGeoJSON(x.geom), 4326) from jsonb_to_recordset($1::jsonb) as x(code text, population float8, geom text)")
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut db)
            .await
            .unwrap();
    }
    for chunk in records.chunks(50_000) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|r| serde_json::json!({"c": r.capital.as_str(), "x": r.placement.point[0], "y": r.placement.point[1]}))
            .collect();
        sqlx::query("insert into asset select x.c, ST_SetSRID(ST_MakePoint(x.x, x.y), 4326) from jsonb_to_recordset($1::jsonb) as x(c text, x float8, y float8)")
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut db)
            .await
            .unwrap();
    }
    for sql in [
        "create index on area using gist (geom)",
        "create index on asset using gist (geom)",
        "create index on asset using gist ((geom::geography))",
        "create table pop_point as select code, population, ST_PointOnSurface(geom) as geom from area",
        "analyze",
    ] {
        sqlx::query(sql).execute(&mut db).await.unwrap();
    }
    let load = load.elapsed();
    // Per LSOA and capital: count inside, per 1,000, whether its population
    // point is within 800 m of one, and the distance to the nearest.
    let query = "
        with capital(c) as (values ('social'), ('human'), ('public'), ('physical'), ('financial')),
        counts as (
            select a.code, s.capital, count(*) as n
            from area a join asset s on ST_Contains(a.geom, s.geom)
            group by a.code, s.capital
        )
        select a.code, c.c,
               coalesce(n.n, 0) as count,
               coalesce(n.n, 0) * 1000.0 / nullif(a.population, 0) as per_1000,
               exists (select 1 from asset s where s.capital = c.c
                       and ST_DWithin(s.geom::geography, p.geom::geography, 800)) as covered,
               (select ST_Distance(s.geom::geography, p.geom::geography) from asset s
                where s.capital = c.c order by s.geom <-> p.geom limit 1) as nearest_m
        from area a cross join capital c
        join pop_point p on p.code = a.code
        left join counts n on n.code = a.code and n.capital = c.c";
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let rows = sqlx::query(query).fetch_all(&mut db).await.unwrap();
        assert_eq!(rows.len(), areas.len() * 5);
        times.push(start.elapsed());
    }
    drop(db);
    let _ = sqlx::query(&format!("drop database {name}"))
        .execute(&mut admin)
        .await;
    Some((median(times), load))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test` builds benches but must not run this.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let start = Instant::now();
    let areas = lsoas();
    let records = assets(&areas);
    println!(
        "read {} LSOAs and made {} assets in {:.1?}",
        areas.len(),
        records.len(),
        start.elapsed()
    );
    let build = Instant::now();
    let index = AssetIndex::bulk_load(records.clone(), 0);
    let set = AreaSet::new(areas.clone());
    println!("index and area tree built in {:.1?}", build.elapsed());
    let t = in_memory(&index, &set);
    println!(
        "in memory: all five capitals over {} LSOAs: {:.2?} (median of {RUNS}): points copied under the lock {:.1?}, residents placed {:.2?}, five reports {:.2?}; {} area-capital gaps",
        areas.len(), t.total, t.snapshot, t.residents, t.reports, t.gaps_found
    );
    let each = one_question_each(&index, &set);
    println!("in memory, five separate questions (each placing residents): {each:.2?} (median of {RUNS})");
    reference::check(&index, &set);
    let memory = t.total;
    if std::env::var_os("GAPS_BENCH_NO_SQL").is_some() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    match rt.block_on(postgis(&areas, &records)) {
        Some((sql, load)) => {
            println!("PostGIS SQL: the same measures: {:.2?} (median of {RUNS}; loading and indexing took {:.1?})", sql, load);
            println!(
                "ratio: PostGIS / in memory = {:.1}",
                sql.as_secs_f64() / memory.as_secs_f64()
            );
        }
        None => println!("PostgreSQL with PostGIS is not reachable: no SQL comparison"),
    }
}

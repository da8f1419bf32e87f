//! An import that dies part way leaves nothing behind: the importer is
//! killed while its one transaction is being written, and the store is
//! then exactly as it was.

use crate::common;

use common::{fresh_store, Backend};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

on_both_stores!(a_killed_import_leaves_nothing);

fn big_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let features: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            json!({"type": "Feature",
                   "geometry": {"type": "Point", "coordinates": [-2.5 + (i % 1000) as f64 * 0.0003, 53.35 + (i / 1000) as f64 * 0.0005]},
                   "properties": {"ref": i, "title": format!("Group {i}")}})
        })
        .collect();
    let path = dir.join("big.geojson");
    std::fs::write(
        &path,
        json!({"type": "FeatureCollection", "features": features}).to_string(),
    )
    .unwrap();
    path
}

/// The importer of `big_file`'s groups, with `extra` arguments.
fn importer(file: &std::path::Path, url: &str, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_assetmap"));
    c.args(["import", file.to_str().unwrap(), "--capital", "social"])
        .args(["--category", "group", "--map", "name=title"])
        .args(["--id-field", "ref"])
        .args(extra)
        .env("DATABASE_URL", url);
    c
}

fn wal_len(db: &std::path::Path) -> u64 {
    std::fs::metadata(db.with_extension("db-wal")).map_or(0, |m| m.len())
}

/// Whether the importer's write transaction has begun: the SQLite WAL has
/// grown past `wal` (what was there before), or with no `wal` to watch
/// (a first load written in place) its rollback journal is there, or
/// PostgreSQL shows its insert running.
async fn writing(backend: Backend, url: &str, db: &std::path::Path, wal: Option<u64>) -> bool {
    match backend {
        Backend::Sqlite => match wal {
            Some(wal) => wal_len(db) > wal + 512 * 1024,
            None => db.with_extension("db-journal").exists(),
        },
        Backend::Postgis => {
            use sqlx::Connection;
            let Ok(mut c) = sqlx::PgConnection::connect(url).await else {
                return false;
            };
            let db = url.rsplit('/').next().unwrap().to_string();
            let n: (i64,) = sqlx::query_as(
                "select count(*) from pg_stat_activity where datname = $1 and state = 'active' and (query like 'insert into asset%' or query like 'copy asset%')",
            )
            .bind(db)
            .fetch_one(&mut c)
            .await
            .unwrap();
            n.0 > 0
        }
    }
}

async fn a_killed_import_leaves_nothing(backend: Backend) {
    killed_import_leaves_nothing(backend, true).await;
}

/// A first load into a SQLite file that no other connection has open is
/// written in place under a rollback journal, not through the WAL: killed
/// part way, it leaves nothing too, and the file is back in WAL mode.
#[tokio::test]
async fn a_killed_first_load_written_in_place_leaves_nothing() {
    killed_import_leaves_nothing(Backend::Sqlite, false).await;
}

/// `held`: whether this test holds the store open while the importer
/// runs (as a running server would).
async fn killed_import_leaves_nothing(backend: Backend, held: bool) {
    let (url, dir) = fresh_store(backend).await;
    let db = dir
        .as_ref()
        .map(|d| d.path().join("assetmap.db"))
        .unwrap_or_default();
    // Not opened here otherwise: the importer makes the file (a pool
    // closes its connections in the background some time after a drop).
    let store = match held {
        true => Some(assetmap::store::open(&url).await.unwrap()),
        false => None,
    };
    let wal = held.then(|| wal_len(&db));
    let work = tempfile::tempdir().unwrap();
    let file = big_file(work.path(), 150_000);
    let schema = match backend {
        Backend::Postgis => crate::first_load::pg_schema(&url).await,
        Backend::Sqlite => Vec::new(),
    };
    let mut child = importer(&file, &url, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut caught = false;
    while Instant::now() < deadline {
        if writing(backend, &url, &db, wal).await {
            caught = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        caught,
        "the import finished before it could be caught writing; make the file larger"
    );
    if !held {
        assert!(
            db.with_extension("db-journal").exists(),
            "written in place, under a rollback journal, not through the WAL"
        );
    }
    // (Opening a file an importer was killed writing in place rolls its
    // hot journal back.)
    let store = match store {
        Some(store) => store,
        None => assetmap::store::open(&url).await.unwrap(),
    };
    assert!(
        store.all_assets().await.unwrap().is_empty(),
        "nothing of a killed import is visible"
    );
    assert!(store.changes_since(0, 10).await.unwrap().is_empty());
    if matches!(backend, Backend::Postgis) {
        // A first load sets indexes and keys aside in its transaction:
        // they come back with the rollback.
        assert_eq!(crate::first_load::pg_schema(&url).await, schema);
    }
    // And the store still takes writes.
    let out = importer(&file, &url, &["--dry-run"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(table_row(&out.stdout), ["150000", "150000", "0", "0", "0"]);
    if !held {
        // The whole first load, written in place, lands and leaves the
        // file in WAL mode (byte 18 of its header: 2 for WAL, 1 without).
        drop(store);
        let out = importer(&file, &url, &[]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(&db).unwrap()[18], 2, "back in WAL mode");
        assert!(!db.with_extension("db-journal").exists());
        let store = assetmap::store::open(&url).await.unwrap();
        assert_eq!(store.all_assets().await.unwrap().len(), 150_000);
        assert_eq!(store.changes_since(0, 10).await.unwrap().len(), 10);
    }
}

/// The command line names the line of a bad CSV row and fails.
#[test]
fn the_cli_reports_rejects_with_line_numbers_and_fails() {
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("halls.csv");
    std::fs::write(
        &csv,
        "name,lat,lon\nGood Hall,53.4,-2.3\nBad Hall,95,-2.3\n",
    )
    .unwrap();
    let db = format!("sqlite://{}", work.path().join("a.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args([
            "import",
            csv.to_str().unwrap(),
            "--capital",
            "physical",
            "--category",
            "village_hall",
        ])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("line 3: lat: latitude 95 is outside -90..90"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was imported"));
    let ok = Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args([
            "import",
            csv.to_str().unwrap(),
            "--capital",
            "physical",
            "--category",
            "village_hall",
            "--skip-invalid",
        ])
        .env("DATABASE_URL", &db)
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert_eq!(table_row(&ok.stdout), ["2", "1", "0", "0", "1"]);
}

/// The counts (read, created, updated, unchanged, rejected) of the one data
/// set in an import's summary table.
fn table_row(stdout: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(stdout);
    let row = text.lines().nth(1).expect("a header and a row");
    row.split_whitespace().skip(1).map(str::to_string).collect()
}

/// A CSV is read as it is written (a row at a time): a spreadsheet's
/// byte-order mark does not hide the first column, and a row that cannot be
/// read, after thousands already planned, ends the import with
/// its line number and leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_csv_with_a_broken_row_late_leaves_nothing() {
    let (url, _dir) = fresh_store(Backend::Sqlite).await;
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("halls.csv");
    let mut text = String::from("\u{feff}name,lat,lon\n");
    for i in 0..5_000 {
        text.push_str(&format!("Hall {i},53.{i:04},-2.3\n"));
    }
    let broken = text.clone() + "\"Hall with no end,53.5,-2.3\n";
    std::fs::write(&csv, broken).unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_assetmap"))
            .args(["import", csv.to_str().unwrap(), "--capital", "physical"])
            .args(["--category", "village_hall"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let out = run();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("halls.csv: line 5002"), "{stderr}");
    let store = assetmap::store::open(&url).await.unwrap();
    assert!(store.all_assets().await.unwrap().is_empty());

    std::fs::write(&csv, text).unwrap();
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(table_row(&out.stdout), ["5000", "5000", "0", "0", "0"]);
    let names: Vec<String> = store
        .all_assets()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.draft.name)
        .collect();
    assert!(
        names.contains(&"Hall 0".to_string()),
        "the first column is read"
    );
}

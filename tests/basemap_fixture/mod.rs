//! The test basemap: an MBTiles that tilemaker builds from the Leeds
//! extract (scripts/basemap-fixture.sh), a PMTiles copy of it, damaged
//! copies, and servers started on them.

#![allow(dead_code)]

use crate::common::{fresh_store, Backend};
use assetmap::config::{ServeArgs, StoreArgs};
use pmtiles::{Compression, PmTilesWriter, TileCoord, TileId, TileType};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// target/basemap-test/leeds.mbtiles, built once per run of this binary.
pub fn leeds_mbtiles() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let out = std::process::Command::new("bash")
                .arg(root.join("scripts/basemap-fixture.sh"))
                .output()
                .expect("run scripts/basemap-fixture.sh");
            assert!(
                out.status.success(),
                "building the test basemap failed (is tilemaker installed? scripts/test.sh installs it): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            root.join(String::from_utf8(out.stdout).unwrap().trim())
        })
        .clone()
}

/// Every tile of an MBTiles file as (z, x, y in XYZ, bytes as stored).
pub async fn mbtiles_tiles(path: &Path) -> Vec<(u8, u32, u32, Vec<u8>)> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let rows: Vec<(i64, i64, i64, Vec<u8>)> =
        sqlx::query_as("select zoom_level, tile_column, tile_row, tile_data from tiles")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    rows.into_iter()
        .map(|(z, x, row, data)| (z as u8, x as u32, ((1i64 << z) - 1 - row) as u32, data))
        .collect()
}

/// A PMTiles copy of the Leeds MBTiles (same tiles, bounds and layers),
/// written with the `pmtiles` crate into `dir`.
pub async fn leeds_pmtiles(dir: &Path) -> PathBuf {
    let mbtiles = leeds_mbtiles();
    let mut tiles = mbtiles_tiles(&mbtiles).await;
    tiles.sort_by_key(|(z, x, y, _)| TileId::from(TileCoord::new(*z, *x, *y).unwrap()).value());
    let mut conn = SqliteConnectOptions::new()
        .filename(&mbtiles)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let (json,): (String,) = sqlx::query_as("select value from metadata where name = 'json'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let path = dir.join("leeds.pmtiles");
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .min_zoom(0)
        .max_zoom(14)
        .bounds(-1.561196, 53.806303, -1.549845, 53.809293)
        .metadata(json)
        .create(file)
        .unwrap();
    for (z, x, y, data) in &tiles {
        writer
            .add_tile(TileCoord::new(*z, *x, *y).unwrap(), data)
            .unwrap();
    }
    writer.finalize().unwrap();
    path
}

/// A copy of `file` in `dir` cut to `keep` of its length.
pub fn truncated(file: &Path, dir: &Path, keep: f64) -> PathBuf {
    let bytes = std::fs::read(file).unwrap();
    let cut = dir.join(format!(
        "truncated-{}",
        file.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&cut, &bytes[..(bytes.len() as f64 * keep) as usize]).unwrap();
    cut
}

/// A copy of `file` in `dir` with 4 KiB of garbage from its middle on.
pub fn damaged(file: &Path, dir: &Path) -> PathBuf {
    let mut bytes = std::fs::read(file).unwrap();
    let middle = bytes.len() / 2 / 4096 * 4096;
    let end = (middle + 4096).min(bytes.len());
    for b in &mut bytes[middle..end] {
        *b = 0xa5;
    }
    let out = dir.join(format!(
        "damaged-{}",
        file.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&out, bytes).unwrap();
    out
}

/// An MBTiles whose metadata says `format` and lists `layers`, with one
/// gzipped empty tile: well formed, but maybe not what a basemap needs.
pub async fn made_mbtiles(dir: &Path, name: &str, format: &str, layers: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    let json = serde_json::json!({
        "vector_layers": layers.iter().map(|l| serde_json::json!({"id": l})).collect::<Vec<_>>()
    });
    for sql in [
        "create table metadata (name text, value text)",
        "create table tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    for (k, v) in [
        ("format", format.to_string()),
        ("minzoom", "0".into()),
        ("maxzoom", "0".into()),
        ("json", json.to_string()),
    ] {
        sqlx::query("insert into metadata values (?, ?)")
            .bind(k)
            .bind(v)
            .execute(&mut conn)
            .await
            .unwrap();
    }
    conn.close().await.unwrap();
    path
}

/// A server on a fresh store of `backend` with `--basemap <basemap>`, or
/// the error that stopped it starting.
pub struct BasemapServer {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
}

impl BasemapServer {
    pub async fn start(backend: Backend, basemap: Option<&str>) -> anyhow::Result<BasemapServer> {
        let (url, dir) = fresh_store(backend).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let args = ServeArgs {
            listen: listener.local_addr().unwrap(),
            store: StoreArgs {
                database_url: url,
                categories: None,
            },
            admin_token: None,
            sync_interval_ms: 100,
            web_dir: "does-not-exist".into(),
            sample: "does-not-exist".into(),
            no_sample: true,
            basemap_style: basemap.map(str::to_string),
            limits: Default::default(),
            accounts: Default::default(),
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(assetmap::app::serve(args, listener, async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "server did not come up"
            );
            if server.is_finished() {
                return Err(server.await.unwrap().expect_err("stopped without an error"));
            }
            if let Ok(r) = client.get(format!("{base}/api/health")).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        Ok(BasemapServer {
            base,
            stop: Some(stop),
            _dir: dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for BasemapServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

//! MBTiles: an SQLite file with a `metadata` table and a `tiles` table in
//! the TMS scheme. Read through a small read-only sqlx pool; tiles stay on
//! disk (SQLite's page cache is the only cache).

use super::check::{refused, vector_layers};
use super::{BasemapError, Format, Tile, TileInfo, TileSource};
use async_trait::async_trait;
use bytes::Bytes;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::collections::HashMap;
use std::path::Path;

/// Files up to this size get SQLite's full `quick_check` at open; larger
/// ones only the header's length check, to keep start-up quick.
const QUICK_CHECK_MAX_BYTES: u64 = 256 << 20;

pub struct MbTiles {
    pool: SqlitePool,
    info: TileInfo,
}

impl MbTiles {
    pub async fn open(path: &Path) -> Result<MbTiles, BasemapError> {
        let length = check_length(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| refused(path, format!("cannot be opened as SQLite: {e}")))?;
        let integrity = if length <= QUICK_CHECK_MAX_BYTES {
            quick_check(path, &pool).await?;
            "SQLite quick_check passed".to_string()
        } else {
            "length checked against the SQLite header (too large for a full check at start-up)"
                .to_string()
        };
        let info = read_info(path, &pool, integrity).await?;
        Ok(MbTiles { pool, info })
    }
}

/// A file cut short (a copy or download that stopped) is shorter than the
/// page count its SQLite header promises.
fn check_length(path: &Path) -> Result<u64, BasemapError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| refused(path, e.to_string()))?;
    let length = file
        .metadata()
        .map_err(|e| refused(path, e.to_string()))?
        .len();
    let mut header = [0u8; 100];
    if file.read_exact(&mut header).is_err() {
        return Err(refused(path, "truncated: shorter than an SQLite header"));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes(header[28..32].try_into().unwrap()));
    // The page count is only valid when the two change counters agree.
    let valid = header[24..28] == header[92..96];
    if valid && pages > 0 && page_size * pages > length {
        return Err(refused(
            path,
            format!(
                "truncated: {length} bytes, but its header says {} (copy or download it again)",
                page_size * pages
            ),
        ));
    }
    Ok(length)
}

async fn quick_check(path: &Path, pool: &SqlitePool) -> Result<(), BasemapError> {
    let rows: Vec<(String,)> = sqlx::query_as("pragma quick_check")
        .fetch_all(pool)
        .await
        .map_err(|e| refused(path, format!("damaged: {e}")))?;
    match rows.first().map(|r| r.0.as_str()) {
        Some("ok") => Ok(()),
        _ => Err(refused(
            path,
            format!(
                "damaged: SQLite's quick_check says {}",
                rows.iter()
                    .map(|r| r.0.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )),
    }
}

async fn read_info(
    path: &Path,
    pool: &SqlitePool,
    integrity: String,
) -> Result<TileInfo, BasemapError> {
    let rows: Vec<(String, String)> = sqlx::query_as("select name, value from metadata")
        .fetch_all(pool)
        .await
        .map_err(|e| {
            refused(
                path,
                format!("not an MBTiles file (no metadata table): {e}"),
            )
        })?;
    let meta: HashMap<String, String> = rows.into_iter().collect();
    match meta.get("format").map(String::as_str) {
        Some("pbf") => {}
        Some(other) => {
            return Err(refused(
                path,
                format!("holds {other} tiles; assetmap needs vector tiles (format pbf)"),
            ))
        }
        None => return Err(refused(path, "its metadata has no format; expected pbf")),
    }
    let json: serde_json::Value = meta
        .get("json")
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let (minzoom, maxzoom) = zoom_range(path, pool, &meta).await?;
    Ok(TileInfo {
        format: Format::MbTiles,
        name: meta.get("name").cloned(),
        bounds: parse_bounds(meta.get("bounds")).unwrap_or([-180.0, -85.0511, 180.0, 85.0511]),
        minzoom,
        maxzoom,
        layers: vector_layers(&json),
        integrity,
    })
}

/// The metadata's zoom range, or the tiles' own where it is missing.
async fn zoom_range(
    path: &Path,
    pool: &SqlitePool,
    meta: &HashMap<String, String>,
) -> Result<(u8, u8), BasemapError> {
    let get = |k: &str| meta.get(k).and_then(|v| v.trim().parse::<u8>().ok());
    if let (Some(lo), Some(hi)) = (get("minzoom"), get("maxzoom")) {
        return Ok((lo, hi));
    }
    let (lo, hi): (Option<i64>, Option<i64>) =
        sqlx::query_as("select min(zoom_level), max(zoom_level) from tiles")
            .fetch_one(pool)
            .await
            .map_err(|e| refused(path, format!("not an MBTiles file (no tiles table): {e}")))?;
    match (lo, hi) {
        (Some(lo), Some(hi)) => Ok((lo.clamp(0, 30) as u8, hi.clamp(0, 30) as u8)),
        _ => Err(refused(path, "holds no tiles")),
    }
}

fn parse_bounds(value: Option<&String>) -> Option<[f64; 4]> {
    let parts: Vec<f64> = value?
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    <[f64; 4]>::try_from(parts).ok()
}

#[async_trait]
impl TileSource for MbTiles {
    fn info(&self) -> &TileInfo {
        &self.info
    }

    async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, BasemapError> {
        // MBTiles rows count from the south (TMS).
        let row = (1i64 << z) - 1 - i64::from(y);
        let data: Option<(Vec<u8>,)> = sqlx::query_as(
            "select tile_data from tiles where zoom_level = ? and tile_column = ? and tile_row = ?",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(row)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| BasemapError::Read {
            z,
            x,
            y,
            reason: e.to_string(),
        })?;
        Ok(data.map(|(d,)| Tile {
            gzipped: d.starts_with(&[0x1f, 0x8b]),
            data: Bytes::from(d),
        }))
    }
}

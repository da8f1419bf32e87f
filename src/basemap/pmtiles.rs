//! PMTiles: one file of tiles addressed by Hilbert-curve directories, read
//! through a memory map with the `pmtiles` crate (no HTTP stack).

use super::check::{refused, vector_layers};
use super::{BasemapError, Format, Tile, TileInfo, TileSource};
use ::pmtiles::{AsyncPmTilesReader, Compression, MmapBackend, TileCoord, TileType};
use async_trait::async_trait;
use std::io::Read;
use std::path::Path;

pub struct PmTiles {
    reader: AsyncPmTilesReader<MmapBackend>,
    gzipped: bool,
    info: TileInfo,
}

impl PmTiles {
    pub async fn open(path: &Path) -> Result<PmTiles, BasemapError> {
        check_length(path)?;
        let backend = MmapBackend::try_from(path)
            .await
            .map_err(|e| refused(path, format!("cannot be read: {e}")))?;
        let reader = AsyncPmTilesReader::try_from_source(backend)
            .await
            .map_err(|e| refused(path, format!("not a readable PMTiles file: {e}")))?;
        let header = reader.get_header();
        if header.tile_type != TileType::Mvt {
            return Err(refused(
                path,
                format!(
                    "holds {:?} tiles; assetmap needs vector tiles (MVT)",
                    header.tile_type
                ),
            ));
        }
        let gzipped = match header.tile_compression {
            Compression::Gzip => true,
            Compression::None => false,
            other => {
                return Err(refused(
                    path,
                    format!("its tiles are compressed with {other:?}; assetmap serves gzip or uncompressed tiles"),
                ))
            }
        };
        let metadata: serde_json::Value = reader
            .get_metadata()
            .await
            .ok()
            .and_then(|m| serde_json::from_str(&m).ok())
            .unwrap_or_default();
        let info = TileInfo {
            format: Format::PmTiles,
            name: metadata["name"].as_str().map(str::to_string),
            bounds: [
                header.min_longitude,
                header.min_latitude,
                header.max_longitude,
                header.max_latitude,
            ],
            minzoom: header.min_zoom,
            maxzoom: header.max_zoom,
            layers: vector_layers(&metadata),
            integrity: "sections checked against the file's length".to_string(),
        };
        Ok(PmTiles {
            reader,
            gzipped,
            info,
        })
    }
}

/// A PMTiles header gives each section's offset and length (little-endian
/// u64 pairs from byte 8: root directory, metadata, leaf directories, tile
/// data); a file cut short ends before one of them does.
fn check_length(path: &Path) -> Result<(), BasemapError> {
    let mut file = std::fs::File::open(path).map_err(|e| refused(path, e.to_string()))?;
    let length = file
        .metadata()
        .map_err(|e| refused(path, e.to_string()))?
        .len();
    let mut header = [0u8; 127];
    if file.read_exact(&mut header).is_err() {
        return Err(refused(path, "truncated: shorter than a PMTiles header"));
    }
    let u64_at = |i: usize| u64::from_le_bytes(header[i..i + 8].try_into().unwrap());
    for (name, at) in [
        ("root directory", 8),
        ("metadata", 24),
        ("leaf directories", 40),
        ("tile data", 56),
    ] {
        let end = u64_at(at).saturating_add(u64_at(at + 8));
        if end > length {
            return Err(refused(
                path,
                format!("truncated: its {name} ends at byte {end}, but the file has {length} bytes (copy or download it again)"),
            ));
        }
    }
    Ok(())
}

#[async_trait]
impl TileSource for PmTiles {
    fn info(&self) -> &TileInfo {
        &self.info
    }

    async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, BasemapError> {
        let read_error = |reason: String| BasemapError::Read { z, x, y, reason };
        let coord = TileCoord::new(z, x, y).map_err(|e| read_error(e.to_string()))?;
        let data = self
            .reader
            .get_tile(coord)
            .await
            .map_err(|e| read_error(e.to_string()))?;
        Ok(data.map(|data| Tile {
            data,
            gzipped: self.gzipped,
        }))
    }
}

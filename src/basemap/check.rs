//! Opening a tile file, and refusing one that cannot be our basemap: not
//! MBTiles or PMTiles, not vector tiles, not the OpenMapTiles schema, or
//! corrupt or truncated. `assetmap basemap check` and `serve` share this.

use super::{BasemapError, Format, TileInfo, TileSource};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// Layers every OpenMapTiles-schema file has, and the light style draws.
const REQUIRED_LAYERS: [&str; 3] = ["transportation", "water", "place"];

pub(super) fn refused(path: &Path, reason: impl Into<String>) -> BasemapError {
    BasemapError::Refused {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// Opens an MBTiles or PMTiles file (told apart by their first bytes, not
/// their names) and checks it is usable before anything is served from it.
pub async fn open(path: &Path) -> Result<Arc<dyn TileSource>, BasemapError> {
    let source: Arc<dyn TileSource> = match sniff(path)? {
        Format::MbTiles => Arc::new(super::mbtiles::MbTiles::open(path).await?),
        Format::PmTiles => Arc::new(super::pmtiles::PmTiles::open(path).await?),
    };
    schema(path, source.info())?;
    sample_tile(path, source.as_ref()).await?;
    Ok(source)
}

fn sniff(path: &Path) -> Result<Format, BasemapError> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| refused(path, e.to_string()))?;
    let n = file
        .read(&mut head)
        .map_err(|e| refused(path, e.to_string()))?;
    if head[..n].starts_with(b"SQLite format 3\0") {
        Ok(Format::MbTiles)
    } else if head[..n].starts_with(b"PMTiles") {
        Ok(Format::PmTiles)
    } else {
        Err(refused(
            path,
            "neither an MBTiles (SQLite) nor a PMTiles file; make one with tilemaker or `pmtiles extract` (see the README's Basemap section)",
        ))
    }
}

fn schema(path: &Path, info: &TileInfo) -> Result<(), BasemapError> {
    let missing: Vec<&str> = REQUIRED_LAYERS
        .into_iter()
        .filter(|l| !info.layers.iter().any(|have| have == l))
        .collect();
    if !missing.is_empty() {
        return Err(refused(
            path,
            format!(
                "not vector tiles in the OpenMapTiles schema: no {} layer (its layers: {})",
                missing.join(", "),
                if info.layers.is_empty() {
                    "none listed".to_string()
                } else {
                    info.layers.join(", ")
                }
            ),
        ));
    }
    if info.minzoom > info.maxzoom || info.maxzoom > 24 {
        return Err(refused(
            path,
            format!("zoom range {}-{} is not usable", info.minzoom, info.maxzoom),
        ));
    }
    Ok(())
}

/// Reads the tile under the middle of the file's bounds at its lowest zoom
/// and checks it is a vector tile: a truncated or damaged file fails here
/// rather than tile by tile in visitors' browsers.
async fn sample_tile(path: &Path, source: &dyn TileSource) -> Result<(), BasemapError> {
    let info = source.info();
    let [w, s, e, n] = info.bounds;
    let (x, y) = tile_coord(info.minzoom, (w + e) / 2.0, (s + n) / 2.0);
    let tile = source
        .tile(info.minzoom, x, y)
        .await
        .map_err(|e| refused(path, e.to_string()))?;
    let Some(tile) = tile else { return Ok(()) };
    let bytes = if tile.gzipped {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&tile.data[..])
            .read_to_end(&mut out)
            .map_err(|e| {
                refused(
                    path,
                    format!("tile {}/{x}/{y} does not unzip: {e}", info.minzoom),
                )
            })?;
        out
    } else {
        tile.data.to_vec()
    };
    // A vector tile is a protobuf message whose fields are layers (field
    // 3, length-delimited): its first byte is 0x1a unless it is empty.
    if !bytes.is_empty() && bytes[0] != 0x1a {
        return Err(refused(
            path,
            format!("tile {}/{x}/{y} is not a vector tile", info.minzoom),
        ));
    }
    Ok(())
}

/// The XYZ tile holding a point at zoom `z`.
pub fn tile_coord(z: u8, lon: f64, lat: f64) -> (u32, u32) {
    let n = f64::from(1u32 << z);
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let y = ((1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor();
    let max = n - 1.0;
    (x.clamp(0.0, max) as u32, y.clamp(0.0, max) as u32)
}

/// The layers named in a TileJSON-like metadata document's `vector_layers`.
pub(super) fn vector_layers(metadata: &serde_json::Value) -> Vec<String> {
    metadata["vector_layers"]
        .as_array()
        .map(|layers| {
            layers
                .iter()
                .filter_map(|l| l["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl std::fmt::Display for TileInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [w, s, e, n] = self.bounds;
        writeln!(
            f,
            "format:    {} vector tiles (OpenMapTiles schema)",
            self.format
        )?;
        if let Some(name) = &self.name {
            writeln!(f, "name:      {name}")?;
        }
        writeln!(
            f,
            "bounds:    {w:.6},{s:.6},{e:.6},{n:.6} (west,south,east,north)"
        )?;
        writeln!(f, "zoom:      {}-{}", self.minzoom, self.maxzoom)?;
        writeln!(f, "layers:    {}", self.layers.join(", "))?;
        writeln!(f, "integrity: {}", self.integrity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_coords_follow_the_xyz_scheme() {
        assert_eq!(tile_coord(0, -1.55, 53.8), (0, 0));
        // Leeds at zoom 14, as tilemaker writes it (TMS row 11108).
        assert_eq!(
            tile_coord(14, -1.5555, 53.8078),
            (8121, (1 << 14) - 1 - 11108)
        );
    }
}

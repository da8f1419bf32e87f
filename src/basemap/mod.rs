//! A basemap of our own: vector tiles in the OpenMapTiles schema read from a
//! local MBTiles or PMTiles file, a light style written for this map, and the
//! glyphs its labels need, so that no visitor's map view goes to a third
//! party and the map works offline.

mod check;
mod glyphs;
mod mbtiles;
mod pmtiles;
mod style;

pub use check::{open, tile_coord};
pub use glyphs::{GlyphError, Glyphs};
pub use style::light_style;

use async_trait::async_trait;
use bytes::Bytes;
use std::path::PathBuf;
use std::sync::Arc;

/// The public, no-key vector style the page tries when nothing is
/// configured: OpenFreeMap's Positron, light and quiet under the assets.
pub const PUBLIC_STYLE: &str = "https://tiles.openfreemap.org/styles/positron";

/// Attribution for a basemap drawn from OpenMapTiles-schema tiles of
/// OpenStreetMap data.
pub const ATTRIBUTION: &str = "© OpenMapTiles © OpenStreetMap contributors";

/// What `--basemap` asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    /// A plain background (`none`).
    Plain,
    /// A MapLibre style at this URL.
    Style(String),
    /// Tiles from a local file, served by us with our own style.
    File(PathBuf),
}

impl Setting {
    /// Nothing configured means the public style; `none` (or `off`, or an
    /// empty value) means a plain background.
    pub fn parse(value: Option<&str>) -> Setting {
        match value.map(str::trim) {
            None => Setting::Style(PUBLIC_STYLE.to_string()),
            Some("" | "none" | "off") => Setting::Plain,
            Some(v) if v.starts_with("http://") || v.starts_with("https://") => {
                Setting::Style(v.to_string())
            }
            Some(v) => Setting::File(PathBuf::from(v)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    MbTiles,
    PmTiles,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::MbTiles => "MBTiles",
            Format::PmTiles => "PMTiles",
        })
    }
}

/// What a tile file says of itself, checked at open.
#[derive(Debug, Clone)]
pub struct TileInfo {
    pub format: Format,
    pub name: Option<String>,
    /// west, south, east, north in degrees.
    pub bounds: [f64; 4],
    pub minzoom: u8,
    pub maxzoom: u8,
    /// The vector layers listed in the file's metadata.
    pub layers: Vec<String>,
    /// How far the file's integrity was checked.
    pub integrity: String,
}

/// One tile's bytes as stored.
#[derive(Debug, Clone)]
pub struct Tile {
    pub data: Bytes,
    pub gzipped: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    /// The file cannot be used as a basemap; the reason says why.
    #[error("{path}: {reason}")]
    Refused { path: String, reason: String },
    /// A tile could not be read from a file that opened.
    #[error("reading tile {z}/{x}/{y}: {reason}")]
    Read {
        z: u8,
        x: u32,
        y: u32,
        reason: String,
    },
}

/// A file of vector tiles, whatever its format.
#[async_trait]
pub trait TileSource: Send + Sync {
    fn info(&self) -> &TileInfo;
    /// The tile at z/x/y (XYZ scheme), or None where the file has none.
    async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Tile>, BasemapError>;
}

/// The basemap a server was started with, for the routes that serve it.
#[derive(Clone, Default)]
pub struct Served {
    pub tiles: Option<Arc<dyn TileSource>>,
    pub glyphs: Arc<Glyphs>,
}

impl std::fmt::Debug for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served")
            .field("tiles", &self.tiles.as_ref().map(|t| t.info()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse() {
        assert_eq!(
            Setting::parse(None),
            Setting::Style(PUBLIC_STYLE.to_string())
        );
        assert_eq!(Setting::parse(Some("none")), Setting::Plain);
        assert_eq!(Setting::parse(Some(" ")), Setting::Plain);
        assert_eq!(
            Setting::parse(Some("https://example.org/style.json")),
            Setting::Style("https://example.org/style.json".into())
        );
        assert_eq!(
            Setting::parse(Some("leeds.mbtiles")),
            Setting::File("leeds.mbtiles".into())
        );
    }
}

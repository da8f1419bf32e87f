//! Glyphs for the style's labels: signed-distance-field glyphs rendered from
//! the fonts installed on the machine (Debian's fonts-noto-core and
//! fonts-dejavu-core) with `pbf_font_tools`, as Martin does, 256 code points
//! at a time, and kept once rendered.

use bytes::Bytes;
use pbf_font_tools::freetype::Library;
use pbf_font_tools::prost::Message;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tokio::sync::OnceCell;

/// Where Debian (and most Linux systems) install fonts.
const FONT_DIRS: [&str; 2] = ["/usr/share/fonts", "/usr/local/share/fonts"];
/// Rendered ranges kept; a range of Latin glyphs is tens of kilobytes.
const CACHE_RANGES: usize = 64;
/// MapLibre's glyph size, SDF radius and cutoff (Martin's values).
const SIZE: usize = 24;
const RADIUS: usize = 8;
const CUTOFF: f64 = 0.25;

#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    #[error("no installed font is called {0}")]
    UnknownFontStack(String),
    #[error("a glyph range is 256 code points starting at a multiple of 256, like 0-255")]
    BadRange,
    #[error("rendering glyphs: {0}")]
    Render(String),
}

pub struct Glyphs {
    dirs: Vec<PathBuf>,
    /// Font name ("Noto Sans Regular") to file, found on first use.
    fonts: OnceCell<HashMap<String, PathBuf>>,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    ranges: HashMap<(String, u32), Bytes>,
    order: VecDeque<(String, u32)>,
}

impl Default for Glyphs {
    fn default() -> Glyphs {
        Glyphs::new(FONT_DIRS.iter().map(PathBuf::from).collect())
    }
}

impl Glyphs {
    pub fn new(dirs: Vec<PathBuf>) -> Glyphs {
        Glyphs {
            dirs,
            fonts: OnceCell::new(),
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The protobuf glyphs of `range` ("0-255") for a comma-separated font
    /// stack. Fonts of the stack that are not installed are skipped, so a
    /// stack with a fallback works wherever one of its fonts is; a stack
    /// with none installed is unknown.
    pub async fn range(&self, stack: &str, range: &str) -> Result<Bytes, GlyphError> {
        let start = parse_range(range)?;
        let key = (stack.to_string(), start);
        if let Some(hit) = self.cache.lock().unwrap().ranges.get(&key) {
            return Ok(hit.clone());
        }
        let fonts = self.fonts().await;
        let files: Vec<PathBuf> = stack
            .split(',')
            .filter_map(|name| fonts.get(name.trim()).cloned())
            .collect();
        if files.is_empty() {
            return Err(GlyphError::UnknownFontStack(stack.to_string()));
        }
        let name = stack.to_string();
        let bytes = tokio::task::spawn_blocking(move || render(&name, &files, start))
            .await
            .map_err(|e| GlyphError::Render(e.to_string()))??;
        self.remember(key, bytes.clone());
        Ok(bytes)
    }

    /// The installed fonts' names, for error messages and the check.
    pub async fn font_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.fonts().await.keys().cloned().collect();
        names.sort();
        names
    }

    async fn fonts(&self) -> &HashMap<String, PathBuf> {
        self.fonts
            .get_or_init(|| async {
                let dirs = self.dirs.clone();
                tokio::task::spawn_blocking(move || scan(&dirs))
                    .await
                    .unwrap_or_default()
            })
            .await
    }

    fn remember(&self, key: (String, u32), bytes: Bytes) {
        let mut cache = self.cache.lock().unwrap();
        if cache.ranges.insert(key.clone(), bytes).is_none() {
            cache.order.push_back(key);
        }
        while cache.order.len() > CACHE_RANGES {
            if let Some(old) = cache.order.pop_front() {
                cache.ranges.remove(&old);
            }
        }
    }
}

/// "512-767" -> 512; anything but a whole block of 256 is refused.
fn parse_range(range: &str) -> Result<u32, GlyphError> {
    let (a, b) = range.split_once('-').ok_or(GlyphError::BadRange)?;
    let start: u32 = a.parse().map_err(|_| GlyphError::BadRange)?;
    let end: u32 = b.parse().map_err(|_| GlyphError::BadRange)?;
    if !start.is_multiple_of(256) || end != start + 255 || end > 0xFFFF {
        return Err(GlyphError::BadRange);
    }
    Ok(start)
}

/// Every TrueType or OpenType font under `dirs`, by "Family Style" name.
fn scan(dirs: &[PathBuf]) -> HashMap<String, PathBuf> {
    let mut fonts = HashMap::new();
    let Ok(lib) = Library::init() else {
        return fonts;
    };
    let mut pending: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if is_font(&path) {
                if let Ok(face) = lib.new_face(&path, 0) {
                    if let Some(name) = face_name(&face) {
                        fonts.entry(name).or_insert(path);
                    }
                }
            }
        }
    }
    tracing::debug!(fonts = fonts.len(), "fonts found for basemap labels");
    fonts
}

fn is_font(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ttf" | "otf")
    )
}

fn face_name(face: &pbf_font_tools::freetype::Face) -> Option<String> {
    let family = face.family_name()?;
    Some(match face.style_name() {
        Some(style) => format!("{family} {style}"),
        None => family,
    })
}

/// Renders one range from each file, earlier fonts winning where both have
/// a glyph, into one protobuf message.
fn render(stack: &str, files: &[PathBuf], start: u32) -> Result<Bytes, GlyphError> {
    let lib = Library::init().map_err(|e| GlyphError::Render(e.to_string()))?;
    let mut parts = Vec::new();
    for file in files {
        let face = lib
            .new_face(file, 0)
            .map_err(|e| GlyphError::Render(format!("{}: {e}", file.display())))?;
        let stack =
            pbf_font_tools::glyph_range_for_face(&face, start, start + 255, SIZE, RADIUS, CUTOFF)
                .map_err(|e| GlyphError::Render(format!("{}: {e}", file.display())))?;
        parts.push(pbf_font_tools::Glyphs {
            stacks: vec![stack],
        });
    }
    let glyphs = pbf_font_tools::combine_glyphs(parts).unwrap_or_else(|| {
        // No font has a glyph here: an empty stack is still a valid answer.
        pbf_font_tools::Glyphs {
            stacks: vec![pbf_font_tools::Fontstack {
                name: stack.to_string(),
                range: format!("{start}-{}", start + 255),
                glyphs: Vec::new(),
            }],
        }
    });
    Ok(Bytes::from(glyphs.encode_to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_whole_blocks() {
        assert_eq!(parse_range("0-255").unwrap(), 0);
        assert_eq!(parse_range("65280-65535").unwrap(), 65280);
        for bad in ["0-256", "1-256", "abc", "256", "65536-65791", "-1-254"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }
}

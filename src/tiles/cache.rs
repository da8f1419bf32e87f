//! Rendered tiles, kept until the data changes: each is stored with the
//! index generation it was drawn at and is drawn again once that moves on.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

pub struct Tile {
    pub bytes: Vec<u8>,
    /// A hash of the bytes: equal tiles have equal tags on every replica.
    pub etag: String,
}

impl Tile {
    pub fn new(bytes: Vec<u8>) -> Tile {
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        Tile {
            etag: format!("\"{:016x}\"", h.finish()),
            bytes,
        }
    }
}

/// How many tiles to keep before starting afresh: a few hundred MB at
/// worst, usually far less.
const MAX_TILES: usize = 20_000;

#[derive(Default)]
pub struct TileCache {
    tiles: Mutex<HashMap<String, (u64, Arc<Tile>)>>,
}

impl TileCache {
    /// The tile under `key` drawn at `generation`, drawing it if needed.
    pub fn get_or_render(
        &self,
        key: String,
        generation: u64,
        render: impl FnOnce() -> Vec<u8>,
    ) -> Arc<Tile> {
        if let Some((g, tile)) = self.lock().get(&key) {
            if *g == generation {
                return tile.clone();
            }
        }
        // Drawn outside the lock: tiles are independent of each other.
        let tile = Arc::new(Tile::new(render()));
        let mut tiles = self.lock();
        if tiles.len() >= MAX_TILES {
            tiles.clear();
        }
        tiles.insert(key, (generation, tile.clone()));
        tile
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, Arc<Tile>)>> {
        self.tiles.lock().unwrap_or_else(|e| e.into_inner())
    }
}

//! The data files the repository ships, and stores and import options for
//! the importer tests.

use super::{fresh_store, Backend};
use assetmap::import::{Mapping, MappingSpec, Options};
use assetmap::store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A data file the repository ships: `trafford/...` is the sample map in
/// `data/`, `osm/...` the OpenStreetMap extracts in `tests/fixtures/`.
pub fn repo_data(path: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match path.strip_prefix("osm/") {
        Some(file) => root.join("tests/fixtures/osm").join(file),
        None => root.join("data").join(path),
    }
}

pub fn sample_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json")
}

pub async fn open(backend: Backend) -> (Arc<dyn Store>, String, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_store(backend).await;
    (assetmap::store::open(&url).await.unwrap(), url, dir)
}

pub fn options(dataset: &str) -> Options {
    Options {
        dataset: dataset.into(),
        dry_run: false,
        skip_invalid: false,
        actor: "test".into(),
    }
}

pub fn mapping(v: Value) -> Mapping {
    Mapping::new(serde_json::from_value::<MappingSpec>(v).unwrap()).unwrap()
}

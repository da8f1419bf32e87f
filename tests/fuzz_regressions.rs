//! Every input kept under tests/fuzz_regressions/<target>/ (the fuzzers'
//! seeds, and each crash they found once it was fixed), replayed on stable
//! through the very harness the fuzz targets call: each must come back Ok
//! or as a clean error, never as a panic.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::Path;

fn replay<T: std::fmt::Debug>(target: &str, run: fn(&[u8]) -> Result<T, String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for file in files {
        let data = std::fs::read(&file).expect("the input reads");
        let name = file.display().to_string();
        // A panic names the input that caused it.
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{name} panicked");
    }
}

#[test]
fn geojson_inputs_read_or_fail_cleanly() {
    replay("geojson", harness::geojson);
}

#[test]
fn csv_inputs_read_or_fail_cleanly() {
    replay("csv", harness::csv);
}

#[test]
fn osm_inputs_read_or_fail_cleanly() {
    replay("osm", harness::osm);
}

#[test]
fn query_strings_answer_without_a_server_error() {
    replay("query", harness::query);
}

//! Every input kept under tests/fuzz_regressions/<target>/ (the fuzzers'
//! seeds, and each crash they found once it was fixed), replayed on stable
//! through the very harness the fuzz targets call: each must come back Ok
//! or as a clean error, never as a panic.

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::Path;

/// Each input's name and outcome, after checking that none panicked.
fn replay<T>(
    target: &str,
    run: fn(&[u8]) -> Result<T, String>,
) -> Vec<(String, Result<T, String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    let mut outcomes = Vec::new();
    for file in files {
        let data = std::fs::read(&file).expect("the input reads");
        let name = file
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        // A panic names the input that caused it.
        let outcome = std::panic::catch_unwind(|| run(&data));
        outcomes.push((
            name.clone(),
            outcome.unwrap_or_else(|_| panic!("{name} panicked")),
        ));
    }
    outcomes
}

/// The seeds are real inputs: each (but those named for their failure)
/// must be read into records that map, or the harness tests nothing.
fn seeds_map(outcomes: &[(String, Result<usize, String>)]) {
    for (name, outcome) in outcomes {
        if name.starts_with("seed_") && !name.contains("no_coordinates") {
            assert!(matches!(outcome, Ok(n) if *n > 0), "{name}: {outcome:?}");
        }
    }
}

#[test]
fn geojson_inputs_read_or_fail_cleanly() {
    seeds_map(&replay("geojson", harness::geojson));
}

#[test]
fn csv_inputs_read_or_fail_cleanly() {
    seeds_map(&replay("csv", harness::csv));
}

#[test]
fn osm_inputs_read_or_fail_cleanly() {
    let outcomes = replay("osm", harness::osm);
    seeds_map(&outcomes);
    let crash = outcomes
        .iter()
        .find(|(n, _)| n == "crash_relation_member_type.osm.pbf");
    assert!(
        matches!(crash, Some((_, Err(e))) if e.contains("malformed block")),
        "{crash:?}"
    );
}

#[test]
fn query_strings_answer_without_a_server_error() {
    for (name, status) in replay("query", harness::query) {
        // Every seed is a question the API answers.
        if name.starts_with("seed_") {
            assert_eq!(status, Ok(200), "{name}");
        }
    }
}

#![no_main]
//! See src/harness.rs: the same call the regression tests make.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = assetmap_fuzz::geojson(data);
});

//! `/api/config` names the place and credits the data the store actually
//! holds: the sample map's name and attribution once it is loaded, and not
//! when the store was filled some other way, though the sample manifest is
//! there to read.

use crate::common;

use common::{fresh_store, Backend, TestApp, TOKEN};
use serde_json::Value;
use std::path::Path;

on_both_stores!(the_place_is_what_the_store_holds);

async fn config(backend: Backend, load_sample: bool) -> Value {
    let (url, _dir) = fresh_store(backend).await;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json");
    let app = TestApp::on_with(&url, Some(TOKEN), |args| {
        args.sample = manifest;
        args.no_sample = !load_sample;
    })
    .await;
    let (status, config) = app.get_json("/api/config").await;
    assert_eq!(status, 200);
    app.stop().await;
    config
}

async fn the_place_is_what_the_store_holds(backend: Backend) {
    let empty = config(backend, false).await;
    assert!(empty["place"].is_null(), "{empty}");
    let credits = empty["attribution"].to_string();
    assert!(!credits.contains("Trafford"), "{credits}");
    assert!(credits.contains("OpenStreetMap contributors"), "{credits}");

    let sample = config(backend, true).await;
    assert_eq!(sample["place"], "Trafford");
    let credits = sample["attribution"].to_string();
    assert!(credits.contains("Trafford Data Lab"), "{credits}");
    assert!(sample["bounds"].is_array(), "{sample}");
}

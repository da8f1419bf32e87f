//! A gap analysis does not hold up writes: what it needs of the index is
//! copied under the index's lock, and the work is done without it. The
//! write below happens after an analysis has taken its question and before
//! it has answered; if the question still held the lock, the write could
//! not finish and the analysis would wait for it forever.

use crate::common;

use assetmap::analysis::{GapParams, GapReport};
use assetmap::domain::{Area, Capital, Vocabulary};
use assetmap::service::Registry;
use common::{fresh_store, Backend};
use geo::polygon;
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::Duration;

on_both_stores!(a_write_finishes_while_gaps_are_worked_out);

/// As many squares as England and Wales have LSOAs, over Trafford and its
/// surroundings: a national-sized level for the sample's assets.
fn squares() -> Vec<Area> {
    let (side, n) = (0.0025, 186);
    let (west, south) = (-2.55, 53.32);
    (0..n * n)
        .map(|i| {
            let (x0, y0) = (west + (i % n) as f64 * side, south + (i / n) as f64 * side);
            let (x1, y1) = (x0 + side, y0 + side);
            Area {
                code: format!("SQ{i:05}"),
                name: format!("Square {i}"),
                level: "square".into(),
                geometry: polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)].into(),
                population: Some(1000.0),
            }
        })
        .collect()
}

fn counted(report: &GapReport) -> usize {
    report.rows.iter().map(|r| r.count).sum()
}

async fn a_write_finishes_while_gaps_are_worked_out(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trafford/manifest.json");
    assetmap::import::sample::load(store.as_ref(), &Vocabulary::default(), &manifest, "test")
        .await
        .unwrap();
    let squares = squares();
    store.upsert_areas(&squares).await.unwrap();
    let registry = Arc::new(Registry::open(store, Vocabulary::default()).await.unwrap());
    let params = GapParams::defaults("square", vec![Capital::Social]);

    let question = registry.gap_question(&params);
    let (written, wait_for_write) = mpsc::channel::<()>();
    let analysis = std::thread::spawn(move || {
        wait_for_write.recv().expect("the write reports");
        question.answer()
    });
    let writer = registry.clone();
    let write = tokio::spawn(async move {
        let feature = common::point("Timebank", "social", "timebank", -2.3497, 53.3874);
        let draft = writer.parse_draft(&feature).unwrap();
        writer.create(draft, "test").await.unwrap()
    });
    // Not a measure of speed: a bound on waiting for what would otherwise
    // never come (a write stuck behind the analysis, which waits for it).
    tokio::time::timeout(Duration::from_secs(300), write)
        .await
        .expect("the write finished while the analysis was under way")
        .unwrap();
    written.send(()).unwrap();
    let report = analysis.join().unwrap();

    // The analysis answers for the assets as they were when it was asked;
    // the next one counts the new asset.
    assert_eq!(report.rows.len(), squares.len());
    let after = registry.gaps(&params);
    assert_eq!(counted(&after), counted(&report) + 1);
}

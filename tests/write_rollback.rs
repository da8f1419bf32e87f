//! A write that fails part way leaves nothing: SQLite inserts many rows a
//! statement as `insert or fail` (a failing row does not undo the rows
//! before it in its statement), PostgreSQL copies them; either way the
//! write's one transaction is rolled back whole, so the register and its
//! change log are as they were and the caller is told.

use crate::common::{fresh_store, Backend};
use assetmap::store::{Change, ChangeOp};

on_both_stores!(a_write_that_breaks_a_key_part_way_leaves_nothing);

async fn a_write_that_breaks_a_key_part_way_leaves_nothing(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let work = tempfile::tempdir().unwrap();
    crate::deferred_payloads::import(&url, work.path(), &["Scout hut"]);
    let before = store.all_assets().await.unwrap();
    let logged = store.changes_since(0, 1_000).await.unwrap().len();
    let hut = before
        .iter()
        .find(|a| a.draft.name == "Scout hut")
        .unwrap()
        .clone();

    // 120 new halls (more than one SQLite statement's rows, and enough
    // for PostgreSQL's COPY), then one whose id is already taken.
    let mut changes: Vec<Change> = (0..120)
        .map(|i| {
            let mut hall = hut.clone();
            hall.id = uuid::Uuid::new_v4();
            hall.draft.name = format!("New hall {i}");
            hall.draft.source = None;
            Change {
                asset: hall,
                op: ChangeOp::Create,
                expected_version: None,
            }
        })
        .collect();
    changes.push(Change {
        asset: hut.clone(),
        op: ChangeOp::Create,
        expected_version: None,
    });
    let err = store
        .write(&changes)
        .await
        .expect_err("an id already in the register is refused");
    assert!(!err.is_unreachable(), "a fault in the data: {err}");

    let after = store.all_assets().await.unwrap();
    assert_eq!(after.len(), before.len(), "no new hall landed");
    assert!(after.iter().all(|a| !a.draft.name.starts_with("New hall")));
    assert!(store.get(changes[0].asset.id).await.unwrap().is_none());
    assert_eq!(
        store.changes_since(0, 1_000).await.unwrap().len(),
        logged,
        "the change log is as it was"
    );

    // And the register still takes a good write.
    changes.pop();
    store.write(&changes).await.unwrap();
    assert_eq!(store.all_assets().await.unwrap().len(), before.len() + 120);
}

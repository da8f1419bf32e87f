//! A streamed write into an empty SQLite register sets the secondary
//! indexes of `asset` and `asset_change` aside (dropped inside its
//! transaction, made again from their own SQL before the commit), as
//! `bulk.rs` does for PostgreSQL: SQLite builds an index over rows already
//! written by sorting them, in one pass, where a live index takes every
//! random id or source into a B-tree page cached or read back. The
//! transaction is `BEGIN IMMEDIATE`, so no other writer can fill the
//! register meanwhile, and a write that fails rolls the drops back with
//! its rows. (The primary keys and the change log's foreign key stay:
//! SQLite cannot set them aside without copying the tables.)

use crate::store::{failed, ffi, StoreError};
use sqlx::{Pool, Sqlite, Transaction};
use std::ffi::CStr;
use std::ptr::NonNull;

/// Whether the register was empty (this write then holds it alone), and
/// what to run before the commit to put back what was set aside.
pub async fn set_aside(
    tx: &mut Transaction<'static, Sqlite>,
) -> Result<(bool, Vec<String>), StoreError> {
    if !is_empty(tx).await? {
        return Ok((false, Vec::new()));
    }
    // Indexes made by `create index` have their SQL; those behind a key
    // or a unique column have none and stay.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select name, sql from sqlite_schema where type = 'index' \
         and tbl_name in ('asset', 'asset_change') and sql is not null",
    )
    .fetch_all(&mut **tx)
    .await
    .map_err(failed("bulk indexes"))?;
    let mut put_back = Vec::new();
    for (name, sql) in indexes {
        sqlx::query(&format!("drop index \"{name}\""))
            .execute(&mut **tx)
            .await
            .map_err(failed("bulk set aside"))?;
        put_back.push(sql);
    }
    Ok((true, put_back))
}

async fn is_empty(tx: &mut Transaction<'static, Sqlite>) -> Result<bool, StoreError> {
    let (any,): (bool,) = sqlx::query_as("select exists (select 1 from asset)")
        .fetch_one(&mut **tx)
        .await
        .map_err(failed("bulk check"))?;
    Ok(!any)
}

/// A first load (into an empty register) writes the file in place under a
/// rollback journal instead of through the write-ahead log: through the
/// WAL, every page of a national import is written twice, once to the log
/// and again when the log is checkpointed into the file at the commit
/// (1.5 s of a 1M import). A rollback journal keeps only the pages the
/// transaction overwrites, and a table that was empty has none worth
/// speaking of. Still all or nothing: an import cut short leaves a hot
/// journal that the next opener rolls back.
///
/// Called first in the streamed write's transaction, before it writes,
/// where the writer may have the file to itself (the command-line
/// importer). If the register is empty, the transaction (which has only
/// read) is ended, the file switched out of WAL and the transaction begun
/// again. SQLite refuses the switch while any other connection, in any
/// process, has the file open (a running server): the write then goes
/// through the WAL as before. Either way the transaction is open when this
/// returns. Meanwhile a connection opened elsewhere waits for the file
/// (the busy timeout, 30 s): a server started during a first load from
/// the command line starts when it is done.
pub async fn journal_in_place(
    pool: &Pool<Sqlite>,
    tx: &mut Transaction<'static, Sqlite>,
) -> Result<(), StoreError> {
    if !is_empty(tx).await? {
        return Ok(());
    }
    // This process's other connections would make SQLite refuse too: its
    // pool may have opened a second while the first was on its way back
    // (a dropped connection returns on a task of its own), so wait a
    // moment for those to come back and close them.
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(250);
    loop {
        while let Some(idle) = pool.try_acquire() {
            let _ = idle.close().await;
        }
        if pool.size() <= 1 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let mut handle = tx.lock_handle().await.map_err(failed("bulk journal"))?;
    let db = handle.as_raw_handle();
    // SAFETY: `handle` holds the connection until this returns.
    unsafe {
        between_transactions(db, c"BEGIN IMMEDIATE", || {
            match ffi::exec(db, c"pragma journal_mode = delete", "journal_mode")
                .and_then(|()| ffi::journal_mode(db))
            {
                Ok(mode) if mode == "delete" => {
                    // NORMAL is only safe from corruption in WAL mode.
                    let _ = ffi::exec(db, c"pragma synchronous = full", "synchronous");
                }
                Ok(mode) => tracing::debug!(mode, "a first load through the journal it found"),
                Err(e) => tracing::debug!(
                    reason = %e,
                    "a first load through the WAL: another connection has the file open"
                ),
            }
        })?
    }
}

/// Run last before the commit: commits a write made in place by
/// `journal_in_place`, and puts the file back in WAL mode (for readers
/// beside the writer, which the server's connections rely on). A file
/// already in WAL mode is left as it is, for sqlx to commit.
pub async fn back_to_wal(tx: &mut Transaction<'static, Sqlite>) -> Result<(), StoreError> {
    let mut handle = tx.lock_handle().await.map_err(failed("bulk journal"))?;
    let db = handle.as_raw_handle();
    // SAFETY: `handle` holds the connection until this returns.
    unsafe {
        if ffi::journal_mode(db)? == "wal" {
            return Ok(());
        }
        between_transactions(db, c"BEGIN", || {
            // Best effort once committed: should another connection have
            // opened the file meanwhile, the next to open it sets WAL.
            let _ = ffi::exec(
                db,
                c"pragma journal_mode = wal; pragma synchronous = normal",
                "journal_mode",
            );
        })?
        .unwrap_or_else(|e| tracing::warn!(error = %e, "after an import's commit"));
        Ok(())
    }
}

/// Commits `db`'s transaction, runs `between` outside any transaction, and
/// begins again with `begin`, so that the transaction sqlx holds goes on
/// (and sqlx's own COMMIT or ROLLBACK finds one to end, whatever failed).
/// The commit's failure is the error; the new BEGIN's is inside, for the
/// caller to weigh (after a commit, the write has landed whatever it says).
///
/// # Safety
/// As for `ffi::Statement::prepare`.
unsafe fn between_transactions(
    db: NonNull<libsqlite3_sys::sqlite3>,
    begin: &CStr,
    between: impl FnOnce(),
) -> Result<Result<(), StoreError>, StoreError> {
    // SAFETY: as the caller's.
    unsafe {
        let result = ffi::blocking(|| {
            ffi::exec(db, c"COMMIT", "commit")?;
            between();
            Ok(ffi::exec(db, begin, "begin"))
        });
        ffi::keep_in_transaction(db);
        result
    }
}

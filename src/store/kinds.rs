//! What differs between the two SQL databases behind `SqlStore`: how a
//! write begins and is best written, how the start-up reads every asset.

use super::sql::{self, Statements};
use super::{failed, scan, Change, Result};
use crate::index::Loader;
use futures_util::future::BoxFuture;
use sqlx::{Database, Pool, Postgres, Sqlite, Transaction};

pub trait Backend: Database {
    const KIND: &'static str;
    /// How a write transaction starts.
    const BEGIN_WRITE: &'static str;
    /// Run first in the transaction that reads the index and the change-log
    /// position, so that both come from one snapshot.
    const SNAPSHOT: Option<&'static str>;
    /// Run on the pool once a streamed write has committed.
    const AFTER_STREAM: Option<&'static str>;

    /// Run first in a streamed write's transaction: sets the database up
    /// for one long write (`alone`: a first load may have the database to
    /// itself). Returns whether it locked an empty register for a bulk
    /// load, and what to run just before the commit.
    fn begin_stream<'a>(
        pool: &'a Pool<Self>,
        tx: &'a mut Transaction<'static, Self>,
        alone: bool,
    ) -> BoxFuture<'a, Result<(bool, Vec<String>)>>;

    /// Run last in a streamed write's transaction, after what
    /// `begin_stream` said to run and before the commit.
    fn end_stream<'a>(_tx: &'a mut Transaction<'static, Self>) -> BoxFuture<'a, Result<()>> {
        Box::pin(async { Ok(()) })
    }

    /// Writes changes and their change-log rows inside an open transaction,
    /// each database the fastest way it has for a large write.
    fn write_changes<'a>(
        tx: &'a mut Transaction<'static, Self>,
        sql: &'a Statements,
        changes: &'a [Change],
        defer: bool,
    ) -> BoxFuture<'a, Result<i64>>;

    /// Reads every live asset into the loader, within the snapshot `tx`
    /// holds (whose change-log position is `last_seq`); other connections
    /// from the pool may share the work if they see the same snapshot.
    fn scan_index<'a>(
        pool: &'a Pool<Self>,
        sql: &'a Statements,
        tx: &'a mut Transaction<'static, Self>,
        last_seq: i64,
        loader: &'a mut Loader,
    ) -> BoxFuture<'a, Result<()>>;
}

impl Backend for Postgres {
    const KIND: &'static str = "postgis";
    const BEGIN_WRITE: &'static str = "BEGIN";
    const SNAPSHOT: Option<&'static str> =
        Some("set transaction isolation level repeatable read, read only");

    const AFTER_STREAM: Option<&'static str> = None;

    fn write_changes<'a>(
        tx: &'a mut Transaction<'static, Self>,
        sql: &'a Statements,
        changes: &'a [Change],
        defer: bool,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(async move {
            if changes.len() >= sql::copy::COPY_AT {
                sql::copy::write_changes(tx, sql, changes, defer).await
            } else {
                sql::write_changes(tx, sql, changes).await
            }
        })
    }

    fn begin_stream<'a>(
        _: &'a Pool<Self>,
        tx: &'a mut Transaction<'static, Self>,
        _: bool,
    ) -> BoxFuture<'a, Result<(bool, Vec<String>)>> {
        Box::pin(sql::bulk::set_aside(tx))
    }

    fn scan_index<'a>(
        pool: &'a Pool<Self>,
        _: &'a Statements,
        tx: &'a mut Transaction<'static, Self>,
        _: i64,
        loader: &'a mut Loader,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            // The planner's row estimate (a count would read the whole
            // table to size a vector) and the table's pages, to halve.
            let (estimate, pages): (i64, i64) = sqlx::query_as(
                "select greatest(reltuples, 0)::bigint, \
                 pg_relation_size('asset') / current_setting('block_size')::bigint \
                 from pg_class where oid = 'asset'::regclass",
            )
            .fetch_one(&mut **tx)
            .await
            .map_err(failed("asset_estimate"))?;
            // With room to spare, for the whole and for each half: the
            // estimate may be a little short and pages halve the rows only
            // about evenly, and a vector that outgrows its room is copied
            // whole into memory as fresh as its new size (a half 50 rows
            // over did). The slack is never touched.
            let estimate = usize::try_from(estimate).unwrap_or(0);
            let estimate = estimate + estimate / 16;
            loader.reserve(estimate);
            let backfill = if pages >= 2 {
                scan::postgres::load_halves(pool, tx, pages, loader, estimate).await?
            } else {
                scan::postgres::load_whole(tx, loader).await?
            };
            if !backfill.is_empty() {
                // Rows written before packed rows were, or by a statement
                // that did not write one: packed now, in the background,
                // so that the next start-up reads them packed.
                let pool = pool.clone();
                tokio::spawn(async move {
                    let n = backfill.len();
                    match scan::postgres::write_back(&pool, backfill).await {
                        Ok(()) => tracing::info!(rows = n, "packed rows written back"),
                        Err(e) => tracing::warn!(error = %e, "packed rows not written back"),
                    }
                });
            }
            Ok(())
        })
    }
}

impl Backend for Sqlite {
    const KIND: &'static str = "sqlite";
    // Take the write lock up front: a deferred transaction that reads and
    // then writes can fail with SQLITE_BUSY instead of waiting its turn.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // In WAL mode a read transaction is already one snapshot.
    const SNAPSHOT: Option<&'static str> = None;
    // A national import leaves a write-ahead log as large as the table
    // (1.1 GB for a million assets), kept on disk after its pages are
    // checkpointed and read through by every process that next opens the
    // file (about 0.4 s of each start-up). Emptied once it has landed.
    const AFTER_STREAM: Option<&'static str> = Some("pragma wal_checkpoint(TRUNCATE)");

    fn write_changes<'a>(
        tx: &'a mut Transaction<'static, Self>,
        sql: &'a Statements,
        changes: &'a [Change],
        defer: bool,
    ) -> BoxFuture<'a, Result<i64>> {
        Box::pin(sql::prepared::write_changes(tx, sql, changes, defer))
    }

    fn begin_stream<'a>(
        pool: &'a Pool<Self>,
        tx: &'a mut Transaction<'static, Self>,
        alone: bool,
    ) -> BoxFuture<'a, Result<(bool, Vec<String>)>> {
        // A page cache large enough for the asset id index of a national
        // import: with SQLite's default 2 MB, random ids evict its pages,
        // which spill to the WAL mid-transaction and are read back, again
        // and again (1M assets took ~10 minutes). Put back to the default
        // before the commit.
        Box::pin(async move {
            // (`set_aside` asks again whether the register is empty: the
            // switch lets the write lock go for a moment.)
            if alone {
                sql::bulk_sqlite::journal_in_place(pool, tx).await?;
            }
            sqlx::query("pragma cache_size = -262144")
                .execute(&mut **tx)
                .await
                .map_err(failed("stream settings"))?;
            let (alone, mut put_back) = sql::bulk_sqlite::set_aside(tx).await?;
            put_back.push("pragma cache_size = -2000".to_string());
            Ok((alone, put_back))
        })
    }

    fn end_stream<'a>(tx: &'a mut Transaction<'static, Self>) -> BoxFuture<'a, Result<()>> {
        Box::pin(sql::bulk_sqlite::back_to_wal(tx))
    }

    fn scan_index<'a>(
        pool: &'a Pool<Self>,
        sql: &'a Statements,
        tx: &'a mut Transaction<'static, Self>,
        last_seq: i64,
        loader: &'a mut Loader,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            // The rowids bound the count (a count would read the whole
            // table just to size a vector) and are what the halves split.
            let (lo, hi): (Option<i64>, Option<i64>) =
                sqlx::query_as("select min(rowid), max(rowid) from asset")
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(failed("asset_estimate"))?;
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return Ok(());
            };
            loader.reserve(usize::try_from(hi - lo + 1).unwrap_or(0));
            // Blocks this task for the length of the scan: it runs once, at
            // start-up, before anything else is served.
            if hi > lo {
                // A read transaction's snapshot starts at its first read:
                // the same change-log position means the same assets.
                let mut b = pool.begin().await.map_err(failed("begin"))?;
                let (seen,): (i64,) = sqlx::query_as(&sql.last_seq)
                    .fetch_one(&mut *b)
                    .await
                    .map_err(failed("last_seq"))?;
                if seen == last_seq {
                    let mut ha = tx.lock_handle().await.map_err(failed("index scan"))?;
                    let mut hb = b.lock_handle().await.map_err(failed("index scan"))?;
                    let (a, b) = (ha.as_raw_handle(), hb.as_raw_handle());
                    return scan::sqlite::load_halves(
                        scan::sqlite::Handle(a),
                        scan::sqlite::Handle(b),
                        (lo, hi),
                        loader,
                    );
                }
            }
            let mut handle = tx.lock_handle().await.map_err(failed("index scan"))?;
            scan::sqlite::scan_into(
                handle.as_raw_handle(),
                &scan::sqlite::statement(None),
                loader,
            )
        })
    }
}

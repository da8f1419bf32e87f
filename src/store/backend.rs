//! One implementation of `Store` for both SQL databases: what differs
//! between them is in `kinds.rs` and the SQL dialect in `sql.rs`.

use super::failed;
use super::kinds::Backend;
use super::sql::{
    self, AreaRow, AssetRow, ChangeRow, IndexRow, PostcodeRow, Statements, VersionRow,
};
use super::{Batch, Change, LoggedChange, Result, Store, Version};
use crate::domain::{Area, Asset, Postcode};
use crate::index::Loader;
use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Pool, Transaction, Type};
use uuid::Uuid;

/// Changes a streamed write sends to the database at a time.
const STREAM_BATCH: usize = 20_000;

pub struct SqlStore<DB: Database> {
    pub(super) pool: Pool<DB>,
    pub(super) sql: Statements,
    /// Whether a first load may have the database to itself (SQLite: write
    /// the file in place, `bulk_sqlite::journal_in_place`). Only the
    /// command-line importer says so: a server's other connections would
    /// wait for the file while it lasts.
    pub(super) first_load_alone: bool,
}

impl<DB: Database> SqlStore<DB> {
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

impl<DB> SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    (i64, String): for<'r> FromRow<'r, DB::Row>,
    AssetRow: for<'r> FromRow<'r, DB::Row>,
    VersionRow: for<'r> FromRow<'r, DB::Row>,
{
    /// Writes batches as they come until told to commit (the last sequence
    /// number) or the channel closes (None).
    async fn stream_into(
        &self,
        tx: &mut Transaction<'static, DB>,
        mut batches: tokio::sync::mpsc::Receiver<Batch>,
    ) -> Result<Option<i64>>
    where
        (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    {
        let mut pending = Vec::new();
        let mut last = None;
        while let Some(batch) = batches.recv().await {
            let commit = matches!(batch, Batch::Commit);
            if let Batch::Changes(changes) = batch {
                pending.extend(changes);
            }
            // Written in large batches: each costs a few round trips.
            if pending.len() >= STREAM_BATCH || (commit && !pending.is_empty()) {
                self.keep_replaced(tx, &pending).await?;
                // An import's payloads are its asset rows (`deferred.rs`).
                last = Some(DB::write_changes(tx, &self.sql, &pending, true).await?);
                pending.clear();
            }
            if commit {
                return Ok(Some(match last {
                    Some(last) => last,
                    None => self.last_seq(tx).await?,
                }));
            }
        }
        Ok(None)
    }

    async fn run_all(
        &self,
        tx: &mut Transaction<'static, DB>,
        statements: &[String],
    ) -> Result<()> {
        for s in statements {
            sqlx::query(s)
                .execute(&mut **tx)
                .await
                .map_err(failed("stream end"))?;
        }
        Ok(())
    }

    /// The last sequence number handed out, as this transaction sees it.
    async fn last_seq(&self, tx: &mut Transaction<'static, DB>) -> Result<i64>
    where
        (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    {
        let (last,): (i64,) = sqlx::query_as(&self.sql.last_seq)
            .fetch_one(&mut **tx)
            .await
            .map_err(failed("last_seq"))?;
        Ok(last)
    }

    /// Runs one bulk load of areas or postcodes and moves the reference
    /// stamp, in one transaction, so that servers see the load or nothing.
    async fn load_reference(
        &self,
        name: &'static str,
        statement: &str,
        rows: String,
    ) -> Result<()> {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(failed("begin"))?;
        sqlx::query(statement)
            .bind(rows)
            .execute(&mut *tx)
            .await
            .map_err(failed(name))?;
        sqlx::query(&self.sql.bump_reference)
            .execute(&mut *tx)
            .await
            .map_err(failed("bump_reference"))?;
        tx.commit().await.map_err(failed("commit"))?;
        Ok(())
    }
}

#[async_trait]
impl<DB> Store for SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
    (String,): for<'r> FromRow<'r, DB::Row>,
    (i64, String): for<'r> FromRow<'r, DB::Row>,
    AssetRow: for<'r> FromRow<'r, DB::Row>,
    IndexRow: for<'r> FromRow<'r, DB::Row>,
    ChangeRow: for<'r> FromRow<'r, DB::Row>,
    AreaRow: for<'r> FromRow<'r, DB::Row>,
    PostcodeRow: for<'r> FromRow<'r, DB::Row>,
    VersionRow: for<'r> FromRow<'r, DB::Row>,
    SqlStore<DB>: super::AccountStore,
{
    fn kind(&self) -> &'static str {
        DB::KIND
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("select 1")
            .execute(&self.pool)
            .await
            .map_err(failed("ping"))?;
        Ok(())
    }

    async fn write(&self, changes: &[Change]) -> Result<i64> {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(failed("begin"))?;
        self.keep_replaced(&mut tx, changes).await?;
        let last = DB::write_changes(&mut tx, &self.sql, changes, false).await?;
        tx.commit().await.map_err(failed("commit"))?;
        Ok(last)
    }

    async fn write_stream(
        &self,
        batches: tokio::sync::mpsc::Receiver<Batch>,
        alone: tokio::sync::oneshot::Sender<bool>,
    ) -> Result<Option<i64>> {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(failed("begin"))?;
        let (bulk, put_back) = DB::begin_stream(&self.pool, &mut tx, self.first_load_alone).await?;
        // The planner may be gone already; the write finds out from `batches`.
        let _ = alone.send(bulk);
        match self.stream_into(&mut tx, batches).await? {
            Some(last) => {
                self.run_all(&mut tx, &put_back).await?;
                DB::end_stream(&mut tx).await?;
                tx.commit().await.map_err(failed("commit"))?;
                if let Some(after) = DB::AFTER_STREAM {
                    // Best effort: the write has landed whatever this says.
                    if let Err(e) = sqlx::query(after).execute(&self.pool).await {
                        tracing::warn!(error = %e, "after a streamed write");
                    }
                }
                Ok(Some(last))
            }
            // The sender gave up (rejects, or an error): nothing lands.
            None => Ok(None),
        }
    }

    async fn get(&self, id: Uuid) -> Result<Option<Asset>> {
        let row: Option<AssetRow> = sqlx::query_as(&self.sql.by_id)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(failed("by_id"))?;
        row.map(Asset::try_from).transpose()
    }

    async fn get_many(&self, ids: &[Uuid]) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_ids)
            .bind(sql::ids_json(ids))
            .fetch_all(&self.pool)
            .await
            .map_err(failed("by_ids"))?;
        Ok(sql::in_order(ids, sql::convert_all(rows)?))
    }

    async fn load_index(&self, loader: &mut Loader) -> Result<i64> {
        let mut tx = self.pool.begin().await.map_err(failed("begin"))?;
        if let Some(snapshot) = DB::SNAPSHOT {
            sqlx::query(snapshot)
                .execute(&mut *tx)
                .await
                .map_err(failed("snapshot"))?;
        }
        let last_seq = self.last_seq(&mut tx).await?;
        DB::scan_index(&self.pool, &self.sql, &mut tx, last_seq, loader).await?;
        tx.commit().await.map_err(failed("commit"))?;
        Ok(last_seq)
    }

    async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<LoggedChange>> {
        let rows: Vec<ChangeRow> = sqlx::query_as(&self.sql.changes_since)
            .bind(seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("changes_since"))?;
        sql::convert_all(rows)
    }

    async fn history(&self, id: Uuid) -> Result<Vec<Version>> {
        self.history_of(id).await
    }

    async fn text_search(&self, needle: &str) -> Result<Vec<Uuid>> {
        let rows: Vec<(String,)> = sqlx::query_as(&self.sql.text_search)
            .bind(needle.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(failed("text_search"))?;
        sql::parse_ids(rows)
    }

    async fn all_assets(&self) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.all)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("all"))?;
        sql::convert_all(rows)
    }

    async fn assets_by_source_prefix(&self, prefix: &str) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_source_prefix)
            .bind(prefix.to_string())
            .bind(prefix.chars().count() as i32)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("by_source_prefix"))?;
        sql::convert_all(rows)
    }

    async fn assets_by_sources(&self, sources: &[String]) -> Result<Vec<Asset>> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_sources)
            .bind(serde_json::to_string(sources).expect("strings serialise"))
            .fetch_all(&self.pool)
            .await
            .map_err(failed("by_sources"))?;
        sql::convert_all(rows)
    }

    async fn upsert_areas(&self, areas: &[Area]) -> Result<()> {
        self.load_reference(
            "upsert_areas",
            &self.sql.upsert_areas,
            sql::areas_json(areas),
        )
        .await
    }

    async fn set_population(&self, values: &[(String, f64)]) -> Result<Vec<String>> {
        self.load_reference(
            "set_population",
            &self.sql.set_population,
            sql::population_json(values),
        )
        .await?;
        Ok(sql::unmatched(values, &self.areas().await?))
    }

    async fn areas(&self) -> Result<Vec<Area>> {
        let rows: Vec<AreaRow> = sqlx::query_as(&self.sql.areas)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("areas"))?;
        sql::convert_all(rows)
    }

    async fn load_postcodes(&self, rows: &[Postcode]) -> Result<()> {
        self.load_reference(
            "load_postcodes",
            &self.sql.load_postcodes,
            sql::postcodes_json(rows),
        )
        .await
    }

    async fn postcodes(&self) -> Result<Vec<Postcode>> {
        let rows: Vec<PostcodeRow> = sqlx::query_as(&self.sql.postcodes)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("postcodes"))?;
        sql::convert_all(rows)
    }

    fn accounts(&self) -> &dyn super::AccountStore {
        self
    }

    async fn reference_stamp(&self) -> Result<String> {
        let (stamp,): (String,) = sqlx::query_as(&self.sql.reference_stamp)
            .fetch_one(&self.pool)
            .await
            .map_err(failed("reference_stamp"))?;
        Ok(stamp)
    }
}

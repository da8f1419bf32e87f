use super::sql::{self, AreaRow, AssetRow, ChangeRow, Dialect, IndexRow, PostcodeRow, Statements};
use super::{Change, LoggedChange, Result, Store, StoreError};
use crate::domain::{Area, Asset, Postcode};
use crate::index::IndexRecord;
use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

/// An embedded SQLite file: one forum's register with no server to run.
pub struct SqliteStore {
    pool: SqlitePool,
    sql: Statements,
}

impl SqliteStore {
    pub async fn open(url: &str) -> Result<SqliteStore> {
        // WAL lets readers go on while one writer writes; the busy timeout
        // makes a second process (the CLI importer) wait its turn.
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Unavailable {
                context: "opening the SQLite file",
                source,
            })?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore {
            pool,
            sql: Statements::new(Dialect::Sqlite),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn write(&self, changes: &[Change]) -> Result<i64> {
        // Take the write lock up front: a deferred transaction that reads
        // and then writes can fail with SQLITE_BUSY instead of waiting.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let last = sql::write_changes(&mut tx, &self.sql, changes).await?;
        tx.commit().await?;
        Ok(last)
    }

    async fn get(&self, id: Uuid) -> Result<Option<Asset>> {
        let row: Option<AssetRow> = sqlx::query_as(&self.sql.by_id)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Asset::try_from).transpose()
    }

    async fn get_many(&self, ids: &[Uuid]) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_ids)
            .bind(sql::ids_json(ids))
            .fetch_all(&self.pool)
            .await?;
        Ok(sql::in_order(ids, sql::convert_all(rows)?))
    }

    async fn index_records(&self) -> Result<(Vec<IndexRecord>, i64)> {
        // In WAL mode a read transaction is one snapshot for both reads.
        let mut tx = self.pool.begin().await?;
        let (last_seq,): (i64,) = sqlx::query_as(&self.sql.last_seq)
            .fetch_one(&mut *tx)
            .await?;
        let rows: Vec<IndexRow> = sqlx::query_as(&self.sql.index_records)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((sql::convert_all(rows)?, last_seq))
    }

    async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<LoggedChange>> {
        let rows: Vec<ChangeRow> = sqlx::query_as(&self.sql.changes_since)
            .bind(seq)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        sql::convert_all(rows)
    }

    async fn text_search(&self, needle: &str) -> Result<Vec<Uuid>> {
        let rows: Vec<(String,)> = sqlx::query_as(&self.sql.text_search)
            .bind(needle)
            .fetch_all(&self.pool)
            .await?;
        sql::parse_ids(rows)
    }

    async fn all_assets(&self) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.all).fetch_all(&self.pool).await?;
        sql::convert_all(rows)
    }

    async fn assets_by_source_prefix(&self, prefix: &str) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_source_prefix)
            .bind(prefix)
            .bind(prefix.chars().count() as i32)
            .fetch_all(&self.pool)
            .await?;
        sql::convert_all(rows)
    }

    async fn upsert_areas(&self, areas: &[Area]) -> Result<()> {
        sqlx::query(&self.sql.upsert_areas)
            .bind(sql::areas_json(areas))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_population(&self, values: &[(String, f64)]) -> Result<Vec<String>> {
        sqlx::query(&self.sql.set_population)
            .bind(sql::population_json(values))
            .execute(&self.pool)
            .await?;
        Ok(sql::unmatched(values, &self.areas().await?))
    }

    async fn areas(&self) -> Result<Vec<Area>> {
        let rows: Vec<AreaRow> = sqlx::query_as(&self.sql.areas)
            .fetch_all(&self.pool)
            .await?;
        sql::convert_all(rows)
    }

    async fn load_postcodes(&self, rows: &[Postcode]) -> Result<()> {
        sqlx::query(&self.sql.load_postcodes)
            .bind(sql::postcodes_json(rows))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn postcodes(&self) -> Result<Vec<Postcode>> {
        let rows: Vec<PostcodeRow> = sqlx::query_as(&self.sql.postcodes)
            .fetch_all(&self.pool)
            .await?;
        sql::convert_all(rows)
    }
}

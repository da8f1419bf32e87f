use super::backend::SqlStore;
use super::sql::{Dialect, Statements};
use super::{Result, StoreError};
use sqlx::sqlite::{
    Sqlite, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// An embedded SQLite file: one forum's register with no server to run.
pub type SqliteStore = SqlStore<Sqlite>;

impl SqlStore<Sqlite> {
    pub async fn open(url: &str) -> Result<SqliteStore> {
        Self::open_with(url, false).await
    }

    /// `first_load_alone` for the command-line importer, which has the
    /// file to itself: a first load may write it in place
    /// (`bulk_sqlite::journal_in_place`).
    pub(super) async fn open_with(url: &str, first_load_alone: bool) -> Result<SqliteStore> {
        // WAL lets readers go on while one writer writes; the busy timeout
        // makes a second process (the CLI importer) wait its turn.
        let options = SqliteConnectOptions::from_str(url)
            .map_err(super::failed("reading the SQLite URL"))?
            .create_if_missing(true)
            // Pages of 16 KiB, not SQLite's 4 KiB: an asset row is about
            // 400 bytes, and a national import spends most of its time in
            // B-tree page work (1M assets in 9.1-9.4 s against 11.1-11.9 s,
            // bench/README). Single edits write larger pages to the WAL,
            // within the noise of bench/mixed.sh. It applies to files made
            // from now on; a register's page size is fixed when it is made.
            .page_size(16384)
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
        Ok(SqlStore {
            pool,
            sql: Statements::new(Dialect::Sqlite),
            first_load_alone,
        })
    }
}

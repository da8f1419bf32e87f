//! The store of record: one trait, a PostGIS backend for production and an
//! embedded SQLite backend for a single forum with no server to run.

mod account_rows;
pub mod accounts;
mod backend;
mod deferred;
mod ffi;
mod kinds;
mod postgres;
mod scan;
mod sql;
mod sqlite;

pub use account_rows::ACCOUNT_COLUMNS;
pub use accounts::{AccountStore, Proposal};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::domain::{Area, Asset, Postcode};
use crate::index::{IndexRecord, Loader};
use async_trait::async_trait;
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("version {expected} is not the current version")]
    Conflict { expected: i64 },
    #[error("could not reach the store while {context}: {source}")]
    Unavailable {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    /// Which statement failed, and how; never the connection string.
    #[error("database error in {statement}: {source}")]
    Database {
        statement: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// Said by SQLite itself, on a statement run through its C interface
    /// (`ffi`) rather than sqlx.
    #[error("database error in {statement}: {message} (SQLite code {code})")]
    Engine {
        statement: &'static str,
        code: i32,
        message: String,
    },
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    /// Whether the store could not be reached, so the same call may work
    /// later: the network, the pool, or a server going away or not yet
    /// up; never a fault in the data or the statement.
    pub fn is_unreachable(&self) -> bool {
        match self {
            StoreError::Unavailable { .. } => true,
            StoreError::Database { source, .. } => unreachable(source),
            _ => false,
        }
    }
}

fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception) and 57P01-57P03: the
        // server shutting down, crashed, or starting.
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// Names the statement a database error came from:
/// `.await.map_err(failed("by_id"))?`.
pub(crate) fn failed(statement: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { statement, source }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Create,
    Update,
    Archive,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Create => "create",
            ChangeOp::Update => "update",
            ChangeOp::Archive => "archive",
        }
    }
}

/// One write: the new state of an asset, and for updates the version the
/// writer last saw, which must still be current.
#[derive(Debug, Clone)]
pub struct Change {
    pub asset: Asset,
    pub op: ChangeOp,
    pub expected_version: Option<i64>,
}

/// What a streamed write (`Store::write_stream`) is given: changes as an
/// importer plans them, then the word to commit.
#[derive(Debug)]
pub enum Batch {
    Changes(Vec<Change>),
    Commit,
}

/// A change-log row with the state of its asset now.
#[derive(Debug, Clone)]
pub struct LoggedChange {
    pub seq: i64,
    pub record: IndexRecord,
}

/// One version of an asset, from its change-log row.
#[derive(Debug, Clone)]
pub struct Version {
    pub seq: i64,
    pub version: i64,
    /// "create", "update" or "archive".
    pub op: String,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// The account (email), token or import that wrote it.
    pub changed_by: String,
    /// `{"geometry", "properties"}` as the write left the asset; `None` for
    /// writes made before payloads were kept, or erased when a person
    /// withdrew.
    pub payload: Option<serde_json::Value>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// "postgis" or "sqlite", for health checks and logs.
    fn kind(&self) -> &'static str;

    async fn ping(&self) -> Result<()>;

    /// Applies every change, each with its change-log row, in one
    /// transaction: all land or none do. Returns the last sequence number.
    async fn write(&self, changes: &[Change]) -> Result<i64>;

    /// Applies changes as they arrive, in one transaction, so that a large
    /// import is never held whole: committed when `Batch::Commit` comes,
    /// rolled back if the channel closes first or a write fails. Returns
    /// the last sequence number if it committed. Once its transaction has
    /// begun it says on `alone` whether it holds an empty register to
    /// itself (a first load, locked against other writers): then nothing
    /// stored can match what is planned, and the planner need not look
    /// (its reads would wait on that lock).
    async fn write_stream(
        &self,
        batches: tokio::sync::mpsc::Receiver<Batch>,
        alone: tokio::sync::oneshot::Sender<bool>,
    ) -> Result<Option<i64>>;

    /// The asset in any status, archived included.
    async fn get(&self, id: Uuid) -> Result<Option<Asset>>;

    /// The assets with these ids, in the order given; missing ids are skipped.
    async fn get_many(&self, ids: &[Uuid]) -> Result<Vec<Asset>>;

    /// Streams what the index needs of every asset not archived into
    /// `loader`, and returns the change-log position it reflects.
    async fn load_index(&self, loader: &mut Loader) -> Result<i64>;

    /// Changes after `seq`, oldest first, each with its asset's current state.
    async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<LoggedChange>>;

    /// Every logged version of an asset, oldest first.
    async fn history(&self, id: Uuid) -> Result<Vec<Version>>;

    /// Ids of assets whose name, description or address contains `needle`
    /// (already lower-cased).
    async fn text_search(&self, needle: &str) -> Result<Vec<Uuid>>;

    /// Every asset, archived included, in id order: for export and checks.
    async fn all_assets(&self) -> Result<Vec<Asset>>;

    /// Assets whose `source` starts with `prefix`: what an importer wrote
    /// before from the same data set.
    async fn assets_by_source_prefix(&self, prefix: &str) -> Result<Vec<Asset>>;

    /// Assets whose `source` is one of `sources`: what an importer wrote
    /// before for the records it is reading now.
    async fn assets_by_sources(&self, sources: &[String]) -> Result<Vec<Asset>>;

    /// Inserts areas, or replaces name, level and boundary of those whose
    /// code exists (population is kept), in one statement.
    async fn upsert_areas(&self, areas: &[Area]) -> Result<()>;

    /// Sets population by area code; returns the codes that match no area.
    async fn set_population(&self, values: &[(String, f64)]) -> Result<Vec<String>>;

    async fn areas(&self) -> Result<Vec<Area>>;

    /// Inserts or replaces postcodes, in one statement.
    async fn load_postcodes(&self, rows: &[Postcode]) -> Result<()>;

    async fn postcodes(&self) -> Result<Vec<Postcode>>;

    /// A cheap fingerprint of the areas and postcodes: when it changes,
    /// another process has loaded some.
    async fn reference_stamp(&self) -> Result<String>;

    /// Accounts, sessions, tokens and proposals (`accounts.rs`).
    fn accounts(&self) -> &dyn AccountStore;
}

/// Opens the store a URL names: `postgres://` or `postgresql://` for PostGIS,
/// `sqlite:` for a file. Migrations are applied before it is returned.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_as(url, false).await
}

/// The store as the command-line importer opens it, the one user of the
/// database while it runs: a first load into SQLite writes the file in
/// place.
pub async fn open_for_import(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    open_as(url, true).await
}

async fn open_as(url: &str, importer: bool) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open_with(url, importer).await?))
    } else {
        anyhow::bail!(
            "unsupported database URL '{}': use postgres://... or sqlite://FILE",
            redact(url)
        )
    }
}

/// A URL fit for a log line: any password replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:****{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            super::redact("postgres://app:s3cret@db:5432/assets"),
            "postgres://app:****@db:5432/assets"
        );
        assert_eq!(
            super::redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            super::redact("sqlite://assetmap.db"),
            "sqlite://assetmap.db"
        );
    }

    fn database(source: sqlx::Error) -> StoreError {
        StoreError::Database {
            statement: "test",
            source,
        }
    }

    #[test]
    fn a_lost_connection_is_unreachable_a_bad_row_is_not() {
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(database(sqlx::Error::Io(reset)).is_unreachable());
        assert!(database(sqlx::Error::Protocol("unexpected EOF".into())).is_unreachable());
        assert!(database(sqlx::Error::PoolTimedOut).is_unreachable());
        assert!(!database(sqlx::Error::RowNotFound).is_unreachable());
        assert!(!StoreError::Corrupt("bad".into()).is_unreachable());
        assert!(!StoreError::Conflict { expected: 1 }.is_unreachable());
    }
}

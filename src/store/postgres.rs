use super::backend::SqlStore;
use super::sql::{Dialect, Statements};
use super::{Result, StoreError};
use sqlx::postgres::{PgPoolOptions, Postgres};
use std::time::Duration;

/// PostgreSQL with PostGIS: the store for production and for several
/// servers sharing one register.
pub type PgStore = SqlStore<Postgres>;

impl SqlStore<Postgres> {
    pub async fn connect(url: &str) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // Reads come from memory; a write waits this long for the
            // database before it answers 503, rather than hanging.
            .acquire_timeout(Duration::from_millis(1_500))
            .connect(url)
            .await
            .map_err(|source| StoreError::Unavailable {
                context: "connecting to PostgreSQL",
                source,
            })?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(SqlStore {
            pool,
            sql: Statements::new(Dialect::Postgres),
            first_load_alone: false,
        })
    }
}

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

use crate::store::{failed, StoreError};
use sqlx::{Sqlite, Transaction};

/// Whether the register was empty (this write then holds it alone), and
/// what to run before the commit to put back what was set aside.
pub async fn set_aside(
    tx: &mut Transaction<'static, Sqlite>,
) -> Result<(bool, Vec<String>), StoreError> {
    let (any,): (bool,) = sqlx::query_as("select exists (select 1 from asset)")
        .fetch_one(&mut **tx)
        .await
        .map_err(failed("bulk check"))?;
    if any {
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

//! The one list of the asset's fields (`domain::fields`) against what the
//! migrations of each store actually create: every field a column of the
//! right type, every column a field. The account store's reads name only
//! columns its migrations create.

use crate::common;

use assetmap::domain::fields::{Value, FIELDS};
use assetmap::store::ACCOUNT_COLUMNS;
use common::{fresh_store, Backend};
use sqlx::Connection;
use std::collections::BTreeMap;

on_both_stores!(
    asset_fields_are_the_asset_table,
    account_reads_name_real_columns
);

/// The columns of `table` in a freshly migrated store, with their types as
/// the database names them.
async fn table_columns(backend: Backend, url: &str, table: &str) -> BTreeMap<String, String> {
    let rows: Vec<(String, String)> = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_as("select name, lower(type) from pragma_table_info($1)")
                .bind(table)
                .fetch_all(&mut c)
                .await
                .unwrap()
        }
        Backend::Postgis => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_as(
                "select column_name::text, udt_name::text from information_schema.columns \
                 where table_schema = 'public' and table_name = $1",
            )
            .bind(table)
            .fetch_all(&mut c)
            .await
            .unwrap()
        }
    };
    assert!(!rows.is_empty(), "no table {table}");
    rows.into_iter().collect()
}

/// How each store's migration declares a field of this kind.
fn declared(backend: Backend, value: Value) -> &'static str {
    match (backend, value) {
        (Backend::Sqlite, Value::Number) => "real",
        (Backend::Sqlite, Value::Integer) => "integer",
        // Ids, geometry, tags and times are text in SQLite.
        (Backend::Sqlite, _) => "text",
        (Backend::Postgis, Value::Id) => "uuid",
        (Backend::Postgis, Value::Geometry) => "geometry",
        (Backend::Postgis, Value::Json) => "jsonb",
        (Backend::Postgis, Value::Text) => "text",
        (Backend::Postgis, Value::Number) => "float8",
        (Backend::Postgis, Value::Integer) => "int8",
        (Backend::Postgis, Value::Time) => "timestamptz",
    }
}

async fn migrated(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_store(backend).await;
    assetmap::store::open(&url).await.expect("open and migrate");
    (url, dir)
}

async fn asset_fields_are_the_asset_table(backend: Backend) {
    let (url, _dir) = migrated(backend).await;
    let table = table_columns(backend, &url, "asset").await;
    let fields: BTreeMap<String, String> = FIELDS
        .iter()
        .map(|f| (f.column.to_string(), declared(backend, f.value).to_string()))
        .collect();
    assert_eq!(fields.len(), FIELDS.len(), "a column listed twice");
    let mut fields = fields;
    if matches!(backend, Backend::Postgis) {
        // Each row packed for the start-up scan (`store::scan::packed`).
        fields.insert("scan_row".into(), "bytea".into());
    }
    assert_eq!(fields, table);
}

async fn account_reads_name_real_columns(backend: Backend) {
    let (url, _dir) = migrated(backend).await;
    for (table, read) in ACCOUNT_COLUMNS {
        let columns = table_columns(backend, &url, table).await;
        for column in read.split(',').map(|c| c.trim()) {
            let column = column.split_once('.').map_or(column, |(_, c)| c);
            assert!(
                columns.contains_key(column),
                "{table}.{column} is read but no migration creates it"
            );
        }
    }
}

/// A register made now has the page size its import speed was measured
/// with, and keeps its write-ahead log (sqlx sets `page_size` only if it
/// runs before anything else touches the new file).
#[tokio::test]
async fn a_new_sqlite_register_has_16_kib_pages_and_a_wal() {
    let (url, _dir) = migrated(Backend::Sqlite).await;
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (page,): (i64,) = sqlx::query_as("pragma page_size")
        .fetch_one(&mut c)
        .await
        .unwrap();
    let (journal,): (String,) = sqlx::query_as("pragma journal_mode")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!((page, journal.as_str()), (16384, "wal"));
}

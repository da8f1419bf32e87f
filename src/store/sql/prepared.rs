//! Writes to SQLite with prepared statements, one row each, reused for the
//! whole write in its one transaction: SQLite has no round trips to save,
//! so binding values directly costs less than packing rows into JSON and
//! parsing them again.

use super::cells::{asset_cells, asset_columns, check_order, Cell};
use super::Statements;
use crate::domain::geometry_json;
use crate::store::{failed, Change, StoreError};
use sqlx::sqlite::{SqliteArguments, SqliteConnection};
use sqlx::Sqlite;

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;

/// Rows per multi-row INSERT: one statement (one trip to SQLite's worker
/// thread) for many rows, well under SQLite's 32,766 bound parameters.
const ASSET_ROWS: usize = 64;
const LOG_ROWS: usize = 256;

const LOG_COLUMNS: &str =
    "seq, asset_id, version, op, changed_at, changed_by, payload, payload_in_asset";

pub async fn write_changes(
    conn: &mut SqliteConnection,
    sql: &Statements,
    changes: &[Change],
    defer: bool,
) -> Result<i64, StoreError> {
    if let Some(c) = changes.first() {
        check_order(&asset_cells(&c.asset));
    }
    let columns = asset_columns();
    let assignments: Vec<String> = columns.iter().skip(1).map(|c| format!("{c} = ?")).collect();
    let update = format!(
        "update asset set {} where asset_id = ? and version = ?",
        assignments.join(", ")
    );
    let (creates, updates): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| c.expected_version.is_none());
    let insert = |n: usize| insert_rows("asset", &columns.join(", "), columns.len(), n);
    for group in creates.chunks(ASSET_ROWS) {
        let statement = insert(group.len());
        let q = group
            .iter()
            .fold(sqlx::query(&statement), |q, c| bind_asset(q, c, false));
        q.execute(&mut *conn).await.map_err(failed("insert"))?;
    }
    for c in updates {
        let expected = c.expected_version.unwrap_or_default();
        let done = bind_asset(sqlx::query(&update), c, true)
            .bind(c.asset.id.to_string())
            .bind(expected)
            .execute(&mut *conn)
            .await
            .map_err(failed("update"))?;
        // No row at that version: the write fails and rolls back.
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict { expected });
        }
    }
    let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
        .bind(changes.len() as i64)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reserve_seqs"))?;
    let first = last - changes.len() as i64 + 1;
    let numbered: Vec<(i64, &Change)> = (first..).zip(changes).collect();
    for group in numbered.chunks(LOG_ROWS) {
        let statement = insert_rows("asset_change", LOG_COLUMNS, 8, group.len());
        let q = group.iter().fold(sqlx::query(&statement), |q, (seq, c)| {
            bind_change(q, *seq, c, defer)
        });
        q.execute(&mut *conn).await.map_err(failed("log_changes"))?;
    }
    Ok(last)
}

/// `insert into TABLE (COLUMNS) values (?, ..), (?, ..)`: `rows` rows of
/// `width` parameters.
fn insert_rows(table: &str, columns: &str, width: usize, rows: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(", "));
    format!(
        "insert into {table} ({columns}) values {}",
        vec![row; rows].join(", ")
    )
}

/// Binds the asset's columns in order; an update binds all but the id,
/// which goes in its WHERE.
fn bind_asset<'q>(mut q: Query<'q>, c: &Change, update: bool) -> Query<'q> {
    let cells = asset_cells(&c.asset);
    let columns = &cells[usize::from(update)..cells.len() - 1];
    for (_, cell) in columns {
        q = match cell {
            Cell::Null => q.bind(None::<String>),
            Cell::Id(id) => q.bind(id.to_string()),
            Cell::Text(s) => q.bind(s.to_string()),
            Cell::Jsonb(s) => q.bind(s.clone()),
            Cell::Float(f) => q.bind(*f),
            Cell::Int(i) => q.bind(*i),
            // The same text the JSON rows wrote, so both paths agree.
            Cell::Time(t) => q.bind(t.to_rfc3339()),
            Cell::Geometry(g) => q.bind(geometry_json(g).to_string()),
        };
    }
    q
}

/// Deferred, the payload is left to the asset row (`store::deferred`).
fn bind_change<'q>(q: Query<'q>, seq: i64, c: &Change, defer: bool) -> Query<'q> {
    let a = &c.asset;
    q.bind(seq)
        .bind(a.id.to_string())
        .bind(a.version)
        .bind(c.op.as_str())
        .bind(a.updated_at.to_rfc3339())
        .bind(a.updated_by.clone())
        .bind((!defer).then(|| super::history::payload(a).to_string()))
        .bind(defer)
}

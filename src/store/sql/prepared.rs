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

pub async fn write_changes(
    conn: &mut SqliteConnection,
    sql: &Statements,
    changes: &[Change],
) -> Result<i64, StoreError> {
    if let Some(c) = changes.first() {
        check_order(&asset_cells(&c.asset));
    }
    let columns = asset_columns();
    let insert = format!(
        "insert into asset ({}) values ({})",
        columns.join(", "),
        vec!["?"; columns.len()].join(", ")
    );
    let assignments: Vec<String> = columns.iter().skip(1).map(|c| format!("{c} = ?")).collect();
    let update = format!(
        "update asset set {} where asset_id = ? and version = ?",
        assignments.join(", ")
    );
    for c in changes {
        match c.expected_version {
            None => {
                bind_asset(sqlx::query(&insert), c, false)
                    .execute(&mut *conn)
                    .await
                    .map_err(failed("insert"))?;
            }
            Some(expected) => {
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
        }
    }
    let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
        .bind(changes.len() as i64)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reserve_seqs"))?;
    let first = last - changes.len() as i64 + 1;
    for (seq, c) in (first..).zip(changes) {
        log_change(conn, seq, c).await?;
    }
    Ok(last)
}

/// Binds the asset's columns in order; an update binds all but the id,
/// which goes in its WHERE.
fn bind_asset<'q>(mut q: Query<'q>, c: &Change, update: bool) -> Query<'q> {
    let cells = asset_cells(&c.asset);
    let columns = &cells[usize::from(update)..cells.len() - 1];
    for (_, cell) in columns {
        q = match cell {
            Cell::Null => q.bind(None::<String>),
            Cell::Text(s) => q.bind(s.to_string()),
            Cell::Float(f) => q.bind(*f),
            Cell::Int(i) => q.bind(*i),
            // The same text the JSON rows wrote, so both paths agree.
            Cell::Time(t) => q.bind(t.to_rfc3339()),
            Cell::Geometry(g) => q.bind(geometry_json(g).to_string()),
        };
    }
    q
}

async fn log_change(conn: &mut SqliteConnection, seq: i64, c: &Change) -> Result<(), StoreError> {
    let a = &c.asset;
    sqlx::query(
        "insert into asset_change (seq, asset_id, version, op, changed_at, changed_by, payload) \
         values (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(a.id.to_string())
    .bind(a.version)
    .bind(c.op.as_str())
    .bind(a.updated_at.to_rfc3339())
    .bind(a.updated_by.clone())
    .bind(super::history::payload(a).to_string())
    .execute(&mut *conn)
    .await
    .map_err(failed("log_changes"))?;
    Ok(())
}

//! Batched writes: rows bound as one JSON array per statement.

use super::cells::{asset_cells, Cell};
use super::Statements;
use crate::domain::Asset;
use crate::store::{failed, Change, StoreError};
use chrono::Utc;
use sqlx::{Database, Encode, Type};
use uuid::Uuid;

/// An asset as a JSON row keyed by column name, for the batch statements:
/// the same columns and values as the bulk paths bind (`asset_cells`).
fn asset_row(asset: &Asset, expected_version: Option<i64>, scan_row: bool) -> serde_json::Value {
    let mut cells = asset_cells(asset);
    if let Some(v) = expected_version {
        let last = cells.len() - 1;
        cells[last].1 = Cell::Int(v);
    }
    let row = cells.into_iter().map(|(column, cell)| {
        let value = match cell {
            Cell::Null => serde_json::Value::Null,
            Cell::Id(id) => id.to_string().into(),
            Cell::Text(s) => s.into_owned().into(),
            Cell::Jsonb(s) => s.into(),
            Cell::Float(f) => f.into(),
            Cell::Int(i) => i.into(),
            Cell::Time(t) => t.to_rfc3339().into(),
            Cell::Geometry(g) => crate::domain::geometry_json(g).to_string().into(),
        };
        (column.to_string(), value)
    });
    let mut row: serde_json::Map<String, serde_json::Value> = row.collect();
    if scan_row {
        // bytea's hex form, which PostgreSQL reads from the JSON text.
        let packed = crate::store::scan::packed::of_asset(asset);
        let mut hex = String::with_capacity(2 + packed.len() * 2);
        hex.push_str("\\x");
        for b in packed {
            hex.push_str(&format!("{b:02x}"));
        }
        row.insert("scan_row".into(), hex.into());
    }
    serde_json::Value::Object(row)
}

/// Rows per statement: large enough that an import makes few round
/// trips, small enough that no one parameter grows past a few megabytes.
const BATCH: usize = 2_000;

/// Writes changes and their change-log rows inside an open transaction, a
/// batch of rows per statement. Generic over the database so that both
/// backends run the same steps.
pub async fn write_changes<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    sql: &Statements,
    changes: &[Change],
) -> Result<i64, StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    (String,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    if changes.is_empty() {
        let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
            .bind(0i64)
            .fetch_one(&mut **tx)
            .await
            .map_err(failed("reserve_seqs"))?;
        return Ok(last);
    }
    let (creates, updates): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| c.expected_version.is_none());
    for chunk in creates.chunks(BATCH) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|c| asset_row(&c.asset, None, sql.scan_row))
            .collect();
        sqlx::query(&sql.insert)
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut **tx)
            .await
            .map_err(failed("insert"))?;
    }
    for chunk in updates.chunks(BATCH) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|c| asset_row(&c.asset, c.expected_version, sql.scan_row))
            .collect();
        let written: Vec<(String,)> = sqlx::query_as(&sql.update)
            .bind(serde_json::Value::from(rows).to_string())
            .fetch_all(&mut **tx)
            .await
            .map_err(failed("update"))?;
        // An update whose expected version is no longer current matches
        // no row: the whole write fails and rolls back.
        if written.len() != chunk.len() {
            let done: std::collections::HashSet<String> =
                written.into_iter().map(|(id,)| id).collect();
            let stale = chunk
                .iter()
                .find(|c| !done.contains(&c.asset.id.to_string()))
                .expect("fewer rows written than asked");
            return Err(StoreError::Conflict {
                expected: stale.expected_version.unwrap_or_default(),
            });
        }
    }
    // Sequence numbers for the whole write at once; the counter's row lock
    // orders this transaction against every other writer.
    let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
        .bind(changes.len() as i64)
        .fetch_one(&mut **tx)
        .await
        .map_err(failed("reserve_seqs"))?;
    let first = last - changes.len() as i64 + 1;
    for (n, chunk) in changes.chunks(BATCH).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, c)| {
                serde_json::json!({
                    "seq": first + (n * BATCH + i) as i64,
                    "asset_id": c.asset.id.to_string(),
                    "version": c.asset.version,
                    "op": c.op.as_str(),
                    "changed_at": c.asset.updated_at.to_rfc3339(),
                    "changed_by": c.asset.updated_by,
                    "payload": super::history::payload(&c.asset),
                })
            })
            .collect();
        sqlx::query(&sql.log_changes)
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut **tx)
            .await
            .map_err(failed("log_changes"))?;
    }
    Ok(last)
}

pub fn ids_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).expect("uuids serialise")
}

pub fn areas_json(areas: &[crate::domain::Area]) -> String {
    let now = Utc::now().to_rfc3339();
    let rows: Vec<serde_json::Value> = areas
        .iter()
        .map(|a| {
            serde_json::json!({
                "code": a.code, "name": a.name, "level": a.level,
                "geom": crate::domain::geometry_json(&a.geometry).to_string(),
                "updated_at": now,
            })
        })
        .collect();
    serde_json::Value::from(rows).to_string()
}

pub fn population_json(values: &[(String, f64)]) -> String {
    let rows: Vec<serde_json::Value> = values
        .iter()
        .map(|(code, value)| serde_json::json!({"code": code, "value": value}))
        .collect();
    serde_json::Value::from(rows).to_string()
}

pub fn postcodes_json(rows: &[crate::domain::Postcode]) -> String {
    serde_json::to_string(rows).expect("postcodes serialise")
}

/// Codes in `values` that are not among `known`.
pub fn unmatched(values: &[(String, f64)], known: &[crate::domain::Area]) -> Vec<String> {
    let known: std::collections::HashSet<&str> = known.iter().map(|a| a.code.as_str()).collect();
    values
        .iter()
        .filter(|(code, _)| !known.contains(code.as_str()))
        .map(|(code, _)| code.clone())
        .collect()
}

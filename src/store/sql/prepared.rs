//! Writes to SQLite with prepared statements stepped through its C
//! interface (`store::ffi`), many rows a statement, inside the caller's
//! transaction: SQLite has no round trips to save, and the values are
//! bound where they lie. Through sqlx each statement was a trip to its
//! worker thread and each value a copy, and the worker waited while the
//! next statement was bound: a million-asset import spent more time
//! handing rows over than writing them.

use super::cells::{asset_cells, asset_columns, check_order, Cell};
use super::Statements;
use crate::domain::{geometry_json, Asset};
use crate::store::ffi::{self, Param, Statement};
use crate::store::{failed, Change, StoreError};
use chrono::{DateTime, Utc};
use libsqlite3_sys::sqlite3;
use sqlx::sqlite::SqliteConnection;
use std::ptr::NonNull;

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
    let mut handle = conn.lock_handle().await.map_err(failed("write"))?;
    let db = handle.as_raw_handle();
    ffi::blocking(|| {
        // SAFETY: `handle` holds the connection for the whole call.
        let written = unsafe { write_locked(db, &sql.reserve_seqs, changes, defer) };
        if written.is_err() {
            // SAFETY: as above.
            unsafe { ffi::keep_in_transaction(db) };
        }
        written
    })
}

/// Rows per INSERT: SQLite runs a statement's one-off work (the CHECK
/// constraints' IN lists are built into tables once a run) once for them
/// all, well under its 32,766 parameters.
const ASSET_ROWS: usize = 64;
const LOG_ROWS: usize = 256;

/// The write itself, on the connection's handle: creates, then updates
/// (each must find its expected version), then the change log.
///
/// # Safety
/// `db` is open and held by the caller throughout (`Statement::prepare`).
unsafe fn write_locked(
    db: NonNull<sqlite3>,
    reserve_seqs: &str,
    changes: &[Change],
    defer: bool,
) -> Result<i64, StoreError> {
    let columns = asset_columns();
    let (creates, updates): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| c.expected_version.is_none());
    let mut times = TimeText::default();
    let head = format!("insert or fail into asset ({})", columns.join(", "));
    let rows = Rows::new(db, &head, columns.len(), ASSET_ROWS, "insert");
    rows.insert(&creates, |c, values| {
        asset_values(&c.asset, &mut times, values)
    })?;
    if !updates.is_empty() {
        let assignments: Vec<String> = columns.iter().skip(1).map(|c| format!("{c} = ?")).collect();
        let sql = format!(
            "update asset set {} where asset_id = ? and version = ?",
            assignments.join(", ")
        );
        let update = Statement::prepare(db, &sql, "update")?;
        let mut values = Vec::new();
        for c in updates {
            let expected = c.expected_version.unwrap_or_default();
            values.clear();
            asset_values(&c.asset, &mut times, &mut values);
            // The id moves from first to the WHERE, beside the version.
            values.rotate_left(1);
            values.push(Param::Int(expected));
            update.run(&values)?;
            // No row at that version: the write fails and rolls back.
            if update.changes() != 1 {
                return Err(StoreError::Conflict { expected });
            }
        }
    }
    // Sequence numbers for the whole write at once.
    let reserve = Statement::prepare(db, reserve_seqs, "reserve_seqs")?;
    let last = reserve
        .run(&[Param::Int(changes.len() as i64)])?
        .ok_or_else(|| StoreError::Corrupt("the change counter has no row".into()))?;
    let first = last - changes.len() as i64 + 1;
    let numbered: Vec<(i64, &Change)> = (first..).zip(changes).collect();
    // Every change's asset is in the table by now: inserted above, or
    // updated at its expected version. So the log's key to it cannot
    // break, and need not be looked up a million times in an import.
    // (Only for large writes: turning checks off and on again makes
    // SQLite re-prepare every statement sqlx keeps for the connection.)
    let _unchecked = (numbered.len() >= LOG_ROWS).then(|| ffi::KeysUnchecked::new(db));
    let head = format!("insert or fail into asset_change ({LOG_COLUMNS})");
    let rows = Rows::new(db, &head, 8, LOG_ROWS, "log_changes");
    rows.insert(&numbered, |(seq, c), values| {
        let a = &c.asset;
        // Deferred, the payload is left to the asset row (`store::deferred`).
        let payload = (!defer).then(|| super::history::payload(a).to_string());
        values.extend([
            Param::Int(*seq),
            Param::Text(a.id.to_string().into()),
            Param::Int(a.version),
            Param::Text(c.op.as_str().into()),
            Param::Text(times.of(a.updated_at).to_string().into()),
            Param::Text(a.updated_by.as_str().into()),
            payload.map_or(Param::Null, |p| Param::Text(p.into())),
            Param::Int(i64::from(defer)),
        ]);
    })?;
    Ok(last)
}

/// Multi-row inserts into one table. `insert or fail`: a row that breaks
/// a constraint stops its statement without undoing the rows before it,
/// so SQLite keeps no statement journal (a copy of every page a statement
/// changes, in case it must undo itself alone); the caller's transaction
/// is rolled back whole on any error.
struct Rows<'s> {
    db: NonNull<sqlite3>,
    head: &'s str,
    width: usize,
    per: usize,
    name: &'static str,
}

impl<'s> Rows<'s> {
    fn new(
        db: NonNull<sqlite3>,
        head: &'s str,
        width: usize,
        per: usize,
        name: &'static str,
    ) -> Self {
        Rows {
            db,
            head,
            width,
            per,
            name,
        }
    }

    fn prepare(&self, rows: usize) -> Result<Statement, StoreError> {
        let row = format!("({})", marks(self.width));
        let sql = format!("{} values {}", self.head, vec![row; rows].join(", "));
        // SAFETY: `Rows` live inside `write_locked`, whose caller holds
        // `db` throughout.
        unsafe { Statement::prepare(self.db, &sql, self.name) }
    }

    /// Inserts one row per item, `row` giving each item's values in order.
    fn insert<'a, T>(
        &self,
        items: &'a [T],
        mut row: impl FnMut(&'a T, &mut Vec<Param<'a>>),
    ) -> Result<(), StoreError> {
        let mut full = None;
        let mut values = Vec::with_capacity(self.width * self.per);
        for group in items.chunks(self.per) {
            values.clear();
            for item in group {
                row(item, &mut values);
            }
            let last;
            let statement = if group.len() == self.per {
                match &mut full {
                    Some(s) => &*s,
                    None => &*full.insert(self.prepare(self.per)?),
                }
            } else {
                last = self.prepare(group.len())?;
                &last
            };
            statement.run(&values)?;
        }
        Ok(())
    }
}

/// `?, ?, ...`: `n` parameters.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The asset's columns as SQLite stores them (ids, times and geometry as
/// text: the same text the JSON statements wrote, so both paths agree),
/// without the write's own expected version, added to `values`.
fn asset_values<'a>(asset: &'a Asset, times: &mut TimeText, values: &mut Vec<Param<'a>>) {
    let cells = asset_cells(asset);
    let n = cells.len() - 1;
    values.extend(cells.into_iter().take(n).map(|(_, cell)| match cell {
        Cell::Null => Param::Null,
        Cell::Id(id) => Param::Text(id.to_string().into()),
        Cell::Text(s) => Param::Text(s),
        Cell::Jsonb(s) => Param::Text(s.into()),
        Cell::Float(f) => Param::Float(f),
        Cell::Int(i) => Param::Int(i),
        Cell::Time(t) => Param::Text(times.of(t).to_string().into()),
        Cell::Geometry(g) => Param::Text(geometry_json(g).to_string().into()),
    }));
}

/// The last time written out: the rows of one write share their times.
#[derive(Default)]
struct TimeText {
    time: Option<DateTime<Utc>>,
    text: String,
}

impl TimeText {
    fn of(&mut self, t: DateTime<Utc>) -> &str {
        if self.time != Some(t) {
            self.text = t.to_rfc3339();
            self.time = Some(t);
        }
        &self.text
    }
}

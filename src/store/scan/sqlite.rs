//! The scan over SQLite: one statement prepared on the connection's own
//! handle (inside the caller's read transaction, so it sees the same
//! snapshot as the change-log position read before it) and stepped here.
//! sqlx would copy every value of every row and hand each row over a
//! channel from its worker thread: 12 s for a million assets, where
//! stepping the statement directly takes about one.

use super::{columns, parse_time, ScanRow, FIRST_TEXT};
use crate::index::{Loader, Times};
pub use crate::store::ffi::Handle;
use crate::store::ffi::Statement;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use libsqlite3_sys as ffi;
use std::ffi::c_int;
use std::ptr::NonNull;
use uuid::Uuid;

/// The scan of every live asset, or of those whose rowid is in `rows`.
pub fn statement(rows: Option<&str>) -> String {
    // Decided in order: the JSON is only parsed for what is not plainly a
    // point (a degenerate envelope and the serialised type say so).
    let geom = "case when a.visibility <> 'exact' then null \
                when a.min_lon = a.max_lon and a.min_lat = a.max_lat \
                     and a.geom like '%\"type\":\"Point\"}' then null \
                when json_extract(a.geom, '$.type') <> 'Point' then a.geom end";
    let rows = rows
        .map(|r| format!(" and a.rowid {r}"))
        .unwrap_or_default();
    format!(
        "select {} from asset a where a.status <> 'archived'{rows}",
        columns(&[
            ("asset_id", "a.asset_id"),
            ("tags", "a.tags"),
            ("geom", geom)
        ])
    )
}

/// Reads every live asset into the loader, half on this thread and half
/// on another: two read transactions (`a` and `b`) that read the same
/// change-log position see the same state, each scans its own half of
/// the table by rowid, and the halves are joined. Rows are converted
/// into views as they are read, so both cores share that work as well as
/// SQLite's.
pub fn load_halves(
    a: Handle,
    b: Handle,
    rowids: (i64, i64),
    loader: &mut Loader,
) -> Result<(), StoreError> {
    let mid = rowids.0 + (rowids.1 - rowids.0) / 2;
    let mut part = Loader::with_capacity(usize::try_from(rowids.1 - mid).unwrap_or(0));
    let (mine, theirs) = std::thread::scope(|s| {
        let other = s.spawn(|| {
            let b = b;
            scan_into(b.0, &statement(Some(&format!("> {mid}"))), &mut part)
        });
        let mine = scan_into(a.0, &statement(Some(&format!("<= {mid}"))), loader);
        (mine, other.join())
    });
    mine?;
    theirs
        .map_err(|_| StoreError::Corrupt("the second half of the index scan panicked".into()))??;
    loader.absorb(part);
    Ok(())
}

pub fn scan_into(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
    loader: &mut Loader,
) -> Result<(), StoreError> {
    scan(db, sql, |row| {
        loader.push(row.into_record()?);
        Ok(())
    })
}

/// Steps `sql` (the statement above) over `db` and hands each row to
/// `each`. The caller holds the connection's lock for the whole call.
pub fn scan(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
    mut each: impl FnMut(ScanRow) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    // SAFETY: the caller holds the connection's lock for the whole scan.
    let stmt = unsafe { Statement::prepare(db, sql, "the index scan")? };
    let mut times = TimeCache::default();
    while stmt.step()? {
        each(read_row(&stmt, &mut times)?)?;
    }
    Ok(())
}

/// The last time text read and what it said: rows written together (an
/// import) share their times, so most rows skip the parser.
#[derive(Default)]
struct TimeCache {
    text: String,
    time: Option<DateTime<Utc>>,
}

impl TimeCache {
    fn parse(&mut self, text: &str) -> Option<DateTime<Utc>> {
        if self.text != text {
            self.time = parse_time(text);
            self.text.clear();
            self.text.push_str(text);
        }
        self.time
    }
}

fn read_row<'s>(stmt: &'s Statement, cache: &mut TimeCache) -> Result<ScanRow<'s>, StoreError> {
    let col = Column(stmt);
    let id_text = col.text(0)?.unwrap_or_default();
    let id = Uuid::parse_str(id_text)
        .map_err(|e| StoreError::Corrupt(format!("id of asset {id_text}: {e}")))?;
    let required = |i: c_int| -> Result<&str, StoreError> {
        col.text(i)?.ok_or_else(|| {
            StoreError::Corrupt(format!("asset {id}: no {}", super::COLUMNS[i as usize]))
        })
    };
    let mut time = |i: c_int| -> Result<Option<DateTime<Utc>>, StoreError> {
        col.text(i)?
            .map(|t| {
                cache
                    .parse(t)
                    .ok_or_else(|| StoreError::Corrupt(format!("asset {id}: time {t}")))
            })
            .transpose()
    };
    let mut texts = [None; 11];
    for (i, t) in texts.iter_mut().enumerate() {
        *t = col.text((FIRST_TEXT + i) as c_int)?;
    }
    let t = (FIRST_TEXT + 11) as c_int;
    Ok(ScanRow {
        id,
        version: col.int(1),
        kinds: [required(2)?, required(3)?, required(4)?, required(5)?],
        coords: std::array::from_fn(|i| col.double(6 + i as c_int)),
        texts,
        tags: col.text(t)?.unwrap_or("{}"),
        times: Times {
            verified_at: time(t + 1)?,
            created_at: time(t + 2)?.unwrap_or_default(),
            updated_at: time(t + 3)?.unwrap_or_default(),
        },
        geom: col.text(t + 4)?,
    })
}

/// The current row's columns. Each is read once, so the text SQLite hands
/// back stays valid until the next step.
struct Column<'a>(&'a Statement);

impl<'a> Column<'a> {
    fn text(&self, i: c_int) -> Result<Option<&'a str>, StoreError> {
        let stmt = self.0.as_ptr();
        // SAFETY: `i` is a column of the statement; the pointer and length
        // describe one buffer that lives until the next step, and `scan`
        // hands each row to a callback that cannot keep it past that.
        let bytes = unsafe {
            if ffi::sqlite3_column_type(stmt, i) == ffi::SQLITE_NULL {
                return Ok(None);
            }
            let p = ffi::sqlite3_column_text(stmt, i);
            let n = ffi::sqlite3_column_bytes(stmt, i);
            if p.is_null() {
                return Ok(Some(""));
            }
            std::slice::from_raw_parts(p, n as usize)
        };
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }

    fn int(&self, i: c_int) -> i64 {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_column_int64(self.0.as_ptr(), i) }
    }

    fn double(&self, i: c_int) -> f64 {
        // SAFETY: as above.
        unsafe { ffi::sqlite3_column_double(self.0.as_ptr(), i) }
    }
}

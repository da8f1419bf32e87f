//! SQLite's own C interface, on a connection's handle that sqlx has lent
//! (`lock_handle`), for the two paths where going through sqlx costs more
//! than the database: the start-up scan (`scan::sqlite`) and bulk writes
//! (`sql::prepared`). sqlx hands every statement to one worker thread and
//! copies every value into and out of it; here a statement is prepared
//! once and stepped on the caller's thread, with values bound in place.

use super::StoreError;
use libsqlite3_sys as ffi;
use std::borrow::Cow;
use std::ffi::{c_int, CStr, CString};
use std::ptr::{self, NonNull};

/// A connection's handle, to be used on another thread while its owner
/// waits: SQLite allows a connection on any thread, one at a time.
pub struct Handle(pub NonNull<ffi::sqlite3>);

// SAFETY: see above; the owner holds the connection's lock meanwhile.
unsafe impl Send for Handle {}

/// What SQLite said went wrong on `db`, for the statement named.
fn error(db: NonNull<ffi::sqlite3>, statement: &'static str) -> StoreError {
    // SAFETY: the handle is open; the message is copied before any other
    // call on it.
    let (code, message) = unsafe {
        let code = ffi::sqlite3_extended_errcode(db.as_ptr());
        let message = CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr()));
        (code, message.to_string_lossy().into_owned())
    };
    StoreError::Engine {
        statement,
        code,
        message,
    }
}

/// One value to bind: text borrowed where it lies, or owned where it had
/// to be written out.
pub enum Param<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
}

/// A prepared statement, finalised however its user ends.
pub struct Statement {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: NonNull<ffi::sqlite3>,
    name: &'static str,
}

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: prepared by `prepare` and finalised only here.
        unsafe { ffi::sqlite3_finalize(self.stmt.as_ptr()) };
    }
}

impl Statement {
    /// Prepares `sql` on `db`; `name` is what an error message calls it.
    ///
    /// # Safety
    /// `db` is an open handle that the caller holds (sqlx's
    /// `lock_handle`) for as long as the statement lives: drop the
    /// statement before the lock.
    pub unsafe fn prepare(
        db: NonNull<ffi::sqlite3>,
        sql: &str,
        name: &'static str,
    ) -> Result<Statement, StoreError> {
        let text = CString::new(sql).map_err(|e| StoreError::Engine {
            statement: name,
            code: ffi::SQLITE_MISUSE,
            message: e.to_string(),
        })?;
        let mut raw = ptr::null_mut();
        // SAFETY: a valid handle and a NUL-terminated statement; `raw` is
        // owned by the `Statement` from here on.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db.as_ptr(), text.as_ptr(), -1, &mut raw, ptr::null_mut())
        };
        match NonNull::new(raw).filter(|_| rc == ffi::SQLITE_OK) {
            Some(stmt) => Ok(Statement { stmt, db, name }),
            None => Err(error(db, name)),
        }
    }

    pub fn as_ptr(&self) -> *mut ffi::sqlite3_stmt {
        self.stmt.as_ptr()
    }

    /// Steps once: true for a row, false when done.
    pub fn step(&self) -> Result<bool, StoreError> {
        // SAFETY: a prepared statement on an open handle.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => Err(error(self.db, self.name)),
        }
    }

    /// Runs the statement with `params` to its end, and returns the first
    /// column of its first row, if it gave any. Values are bound where
    /// they are (no copy): `params` outlives the call, and the statement
    /// is reset and its bindings cleared before it returns.
    pub fn run(&self, params: &[Param<'_>]) -> Result<Option<i64>, StoreError> {
        let done = self.bind_all(params).and_then(|()| {
            let mut first = None;
            while self.step()? {
                // SAFETY: the statement has a current row.
                first = first.or(Some(unsafe { ffi::sqlite3_column_int64(self.as_ptr(), 0) }));
            }
            Ok(first)
        });
        // SAFETY: as above; the bound values are released here.
        unsafe {
            ffi::sqlite3_reset(self.as_ptr());
            ffi::sqlite3_clear_bindings(self.as_ptr());
        }
        done
    }

    /// Rows the last run changed.
    pub fn changes(&self) -> i64 {
        // SAFETY: an open handle.
        unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) }
    }

    fn bind_all(&self, params: &[Param<'_>]) -> Result<(), StoreError> {
        let stmt = self.as_ptr();
        for (i, p) in params.iter().enumerate() {
            let i = i as c_int + 1;
            // SAFETY: `i` is a parameter of the statement (SQLite says
            // SQLITE_RANGE otherwise); text stays borrowed until `run`
            // resets the statement, so SQLITE_STATIC (no destructor, no
            // copy) is sound.
            let rc = unsafe {
                match p {
                    Param::Null => ffi::sqlite3_bind_null(stmt, i),
                    Param::Int(v) => ffi::sqlite3_bind_int64(stmt, i, *v),
                    Param::Float(v) => ffi::sqlite3_bind_double(stmt, i, *v),
                    Param::Text(s) => ffi::sqlite3_bind_text64(
                        stmt,
                        i,
                        s.as_ptr().cast(),
                        s.len() as u64,
                        None,
                        ffi::SQLITE_UTF8 as u8,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(error(self.db, self.name));
            }
        }
        Ok(())
    }
}

/// After a failed statement: if SQLite itself rolled the transaction back
/// (it may, on a full disk, I/O error or out of memory, when no statement
/// journal can undo the statement alone), opens an empty one, so that the
/// connection is where sqlx believes it is and sqlx's own ROLLBACK ends
/// it; otherwise that ROLLBACK would fail and the pooled connection would
/// refuse every later BEGIN.
///
/// # Safety
/// As for `Statement::prepare`.
pub unsafe fn keep_in_transaction(db: NonNull<ffi::sqlite3>) {
    if ffi::sqlite3_get_autocommit(db.as_ptr()) != 0 {
        ffi::sqlite3_exec(
            db.as_ptr(),
            c"BEGIN".as_ptr(),
            None,
            ptr::null_mut(),
            ptr::null_mut(),
        );
    }
}

/// Runs statements that take no parameters; rows they give are dropped.
///
/// # Safety
/// As for `Statement::prepare`.
pub unsafe fn exec(
    db: NonNull<ffi::sqlite3>,
    sql: &CStr,
    name: &'static str,
) -> Result<(), StoreError> {
    // SAFETY: an open handle the caller holds, and NUL-terminated text.
    let rc = unsafe {
        ffi::sqlite3_exec(
            db.as_ptr(),
            sql.as_ptr(),
            None,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(error(db, name))
    }
}

/// The journal mode `db`'s file is in, as SQLite names it (`wal`,
/// `delete`, ...).
///
/// # Safety
/// As for `Statement::prepare`.
pub unsafe fn journal_mode(db: NonNull<ffi::sqlite3>) -> Result<String, StoreError> {
    // SAFETY: as above; the statement is dropped before the caller's lock.
    let s = unsafe { Statement::prepare(db, "pragma journal_mode", "journal_mode")? };
    if !s.step()? {
        return Ok(String::new());
    }
    // SAFETY: the statement has a current row; the text is copied before
    // it moves on.
    let mode = unsafe {
        let text = ffi::sqlite3_column_text(s.as_ptr(), 0);
        if text.is_null() {
            String::new()
        } else {
            CStr::from_ptr(text.cast()).to_string_lossy().to_lowercase()
        }
    };
    Ok(mode)
}

/// Runs `f`, which blocks on SQLite, without holding up other tasks: on a
/// multi-threaded runtime tokio moves them to another thread meanwhile.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Foreign-key checks off on `db` until dropped, then as they were.
/// Unlike `PRAGMA foreign_keys`, this holds inside a transaction: for
/// rows that cannot break a key by construction (see the caller), not
/// looking each one up is the whole saving.
pub struct KeysUnchecked {
    db: NonNull<ffi::sqlite3>,
    was: c_int,
}

impl KeysUnchecked {
    /// # Safety
    /// As for `Statement::prepare`: `db` is open and held by the caller
    /// until this is dropped.
    pub unsafe fn new(db: NonNull<ffi::sqlite3>) -> KeysUnchecked {
        let mut was: c_int = 0;
        // SAFETY: an open handle; -1 only reads the setting into `was`, 0
        // clears it (statements prepared under the other setting are
        // re-prepared by SQLite on their next step).
        unsafe {
            ffi::sqlite3_db_config(db.as_ptr(), ffi::SQLITE_DBCONFIG_ENABLE_FKEY, -1, &mut was);
            ffi::sqlite3_db_config(
                db.as_ptr(),
                ffi::SQLITE_DBCONFIG_ENABLE_FKEY,
                0,
                ptr::null_mut::<c_int>(),
            );
        }
        KeysUnchecked { db, was }
    }
}

impl Drop for KeysUnchecked {
    fn drop(&mut self) {
        // SAFETY: as above; puts back what `new` read.
        unsafe {
            ffi::sqlite3_db_config(
                self.db.as_ptr(),
                ffi::SQLITE_DBCONFIG_ENABLE_FKEY,
                self.was,
                ptr::null_mut::<c_int>(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::{Connection, SqliteConnection};

    #[tokio::test]
    async fn keys_go_unchecked_inside_a_transaction_and_come_back_checked() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        for sql in [
            "pragma foreign_keys = on",
            "create table parent (id text primary key)",
            "create table child (id integer primary key, parent text not null references parent (id))",
            "begin",
        ] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        let mut handle = conn.lock_handle().await.unwrap();
        let db = handle.as_raw_handle();
        let orphan = |n: i64| {
            // SAFETY: `handle` holds the connection throughout the test.
            let s = unsafe {
                Statement::prepare(db, "insert into child (id, parent) values (?, ?)", "t")?
            };
            s.run(&[Param::Int(n), Param::Text("nobody".into())])
        };
        assert!(orphan(1).is_err(), "checked to begin with");
        {
            // SAFETY: as above.
            let _unchecked = unsafe { KeysUnchecked::new(db) };
            orphan(2).expect("not looked up meanwhile");
        }
        let err = orphan(3).expect_err("checked again");
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }
}

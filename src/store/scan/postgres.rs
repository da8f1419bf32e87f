//! The scan over PostgreSQL: `COPY (select ...) TO STDOUT (FORMAT binary)`
//! inside the caller's snapshot, parsed as it streams in. Binary COPY
//! sends each value at its size with no per-row protocol messages to
//! decode into row objects, so reading a million assets costs what the
//! database takes to send them.

use super::{columns, ScanRow, FIRST_TEXT};
use crate::domain::Status;
use crate::index::{Loader, Times};
use crate::store::kinds::Backend;
use crate::store::{failed, StoreError};
use chrono::{DateTime, Utc};
use sqlx::{Pool, Postgres, Transaction};
use uuid::Uuid;

/// The COPY of every asset, or of those whose row is in `rows` (a
/// condition on `a.ctid`). Archived ones are dropped as they are read:
/// PostgreSQL would spend longer comparing every status.
///
/// Each value sent costs PostgreSQL a call to its send function, and it
/// spends more time on those than on reading the table: a value that
/// usually repeats another goes as NULL when it does, which costs nothing
/// to send. A point's envelope is the point itself, and an asset never
/// changed was updated when it was created (`row` puts them back).
pub fn statement(rows: Option<&str>) -> String {
    let geom = "case when a.visibility = 'exact' and GeometryType(a.geom) <> 'POINT' \
                then ST_AsGeoJSON(a.geom, 20) end";
    let rows = rows
        .map(|r| format!(" where a.ctid {r}"))
        .unwrap_or_default();
    let written = [
        ("asset_id", "a.asset_id"),
        ("tags", "a.tags::text"),
        ("geom", geom),
        ("min_lon", "nullif(a.min_lon, a.point_lon)"),
        ("min_lat", "nullif(a.min_lat, a.point_lat)"),
        ("max_lon", "nullif(a.max_lon, a.point_lon)"),
        ("max_lat", "nullif(a.max_lat, a.point_lat)"),
        ("updated_at", "nullif(a.updated_at, a.created_at)"),
    ];
    format!(
        "copy (select {} from asset a{rows}) to stdout (format binary)",
        columns(&written)
    )
}

/// Streams one COPY of the scan into the loader, parsing as it arrives.
pub async fn copy_into(
    tx: &mut Transaction<'static, Postgres>,
    statement: &str,
    loader: &mut Loader,
) -> Result<(), StoreError> {
    let mut copy = tx
        .copy_out_raw(statement)
        .await
        .map_err(failed("index scan"))?;
    let mut parser = Parser::default();
    while let Some(chunk) = futures_util::TryStreamExt::try_next(&mut copy)
        .await
        .map_err(failed("index scan"))?
    {
        parser.feed(&chunk, |row| {
            // Before the view is built: the loader would drop it anyway.
            if row.kinds[2] != Status::Archived.as_str() {
                loader.push(row.into_record()?);
            }
            Ok(())
        })?;
    }
    parser.finish()
}

/// How each half is planned. A half is a TID range scan of its own pages,
/// but the planner prefers a parallel scan of the whole table that filters
/// out the other half (three processes a half, on two cores, each reading
/// every page), and compiles it with JIT first.
const PLAN: [&str; 2] = [
    "set local max_parallel_workers_per_gather = 0",
    "set local jit = off",
];

/// Reads every live asset into the loader in two halves of the table's
/// pages at once: `a` (already in its snapshot) exports that snapshot, a
/// second transaction from the pool takes it, and each copies its half
/// (a TID range scan) while the other half is parsed on another task,
/// so both cores convert rows while PostgreSQL produces them.
pub async fn load_halves(
    pool: &Pool<Postgres>,
    a: &mut Transaction<'static, Postgres>,
    pages: i64,
    loader: &mut Loader,
    estimate: usize,
) -> Result<(), StoreError> {
    for s in PLAN {
        sqlx::query(s)
            .execute(&mut **a)
            .await
            .map_err(failed("scan settings"))?;
    }
    let (snapshot,): (String,) = sqlx::query_as("select pg_export_snapshot()")
        .fetch_one(&mut **a)
        .await
        .map_err(failed("export snapshot"))?;
    let mut b = pool.begin().await.map_err(failed("begin"))?;
    let isolation = <Postgres as Backend>::SNAPSHOT.expect("PostgreSQL sets its snapshot");
    let settings = [
        isolation.to_string(),
        format!("set transaction snapshot '{snapshot}'"),
    ];
    for s in settings.iter().map(String::as_str).chain(PLAN) {
        sqlx::query(s)
            .execute(&mut *b)
            .await
            .map_err(failed("snapshot"))?;
    }
    let mid = pages / 2;
    let other = tokio::spawn(async move {
        let mut part = Loader::with_capacity(estimate / 2);
        copy_into(
            &mut b,
            &statement(Some(&format!(">= '({mid},0)'"))),
            &mut part,
        )
        .await?;
        b.commit().await.map_err(failed("commit"))?;
        Ok::<_, StoreError>(part)
    });
    let mine = copy_into(a, &statement(Some(&format!("< '({mid},0)'"))), loader).await;
    let theirs = other
        .await
        .map_err(|_| StoreError::Corrupt("the second half of the index scan panicked".into()))?;
    mine?;
    loader.absorb(theirs?);
    Ok(())
}

/// How a COPY in binary format begins, both ways (`sql::copy` writes it).
pub(in crate::store) const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
/// Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01.
pub(in crate::store) const PG_EPOCH_US: i64 = 946_684_800_000_000;

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("index scan: {what}"))
}

/// Parses COPY's binary stream as it arrives: `feed` each chunk, and every
/// complete row in what has arrived so far goes to `each`.
#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
    header_done: bool,
    finished: bool,
}

impl Parser {
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut each: impl FnMut(ScanRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.buf.extend_from_slice(chunk);
        let mut at = 0;
        if !self.header_done {
            match header_len(&self.buf)? {
                Some(n) => {
                    at = n;
                    self.header_done = true;
                }
                None => return Ok(()),
            }
        }
        while !self.finished {
            let mut r = Reader {
                buf: &self.buf[at..],
                at: 0,
            };
            match r.tuple()? {
                Tuple::Incomplete => break,
                Tuple::End => self.finished = true,
                Tuple::Row(row) => each(row)?,
            }
            at += r.at;
        }
        self.buf.drain(..at);
        Ok(())
    }

    /// Whether the stream ended where COPY says it ends.
    pub fn finish(&self) -> Result<(), StoreError> {
        if self.finished {
            Ok(())
        } else {
            Err(corrupt("the stream stopped before its end"))
        }
    }
}

fn header_len(buf: &[u8]) -> Result<Option<usize>, StoreError> {
    if buf.len() < SIGNATURE.len() + 8 {
        return Ok(None);
    }
    if &buf[..SIGNATURE.len()] != SIGNATURE {
        return Err(corrupt("not a binary COPY stream"));
    }
    let ext = i32::from_be_bytes(buf[15..19].try_into().expect("4 bytes"));
    let n = 19 + usize::try_from(ext).map_err(corrupt)?;
    Ok((buf.len() >= n).then_some(n))
}

// One at a time, straight to the loader: never boxed or stored.
#[allow(clippy::large_enum_variant)]
enum Tuple<'a> {
    Row(ScanRow<'a>),
    End,
    Incomplete,
}

/// Reads values from a buffer that may end mid-row: any read past the end
/// gives `None`, and the row is tried again when more has arrived.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.buf.get(self.at..self.at + n)?;
        self.at += n;
        Some(b)
    }

    fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.bytes(2)?.try_into().ok()?))
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.bytes(4)?.try_into().ok()?))
    }

    /// One field: `Some(None)` for NULL.
    fn field(&mut self) -> Option<Option<&'a [u8]>> {
        let n = self.i32()?;
        match usize::try_from(n) {
            Ok(n) => Some(Some(self.bytes(n)?)),
            Err(_) => Some(None),
        }
    }

    fn tuple(&mut self) -> Result<Tuple<'a>, StoreError> {
        let Some(count) = self.i16() else {
            return Ok(Tuple::Incomplete);
        };
        if count == -1 {
            return Ok(Tuple::End);
        }
        if count as usize != super::COLUMNS.len() {
            return Err(corrupt(format!("{count} columns a row")));
        }
        let mut fields = [None; super::COLUMNS.len()];
        for f in fields.iter_mut() {
            let Some(v) = self.field() else {
                return Ok(Tuple::Incomplete);
            };
            *f = v;
        }
        row(&fields).map(Tuple::Row)
    }
}

fn row<'a>(f: &[Option<&'a [u8]>; super::COLUMNS.len()]) -> Result<ScanRow<'a>, StoreError> {
    let id = Uuid::from_slice(f[0].unwrap_or_default()).map_err(corrupt)?;
    let text = |i: usize| -> Result<Option<&'a str>, StoreError> {
        f[i].map(std::str::from_utf8).transpose().map_err(corrupt)
    };
    let required = |i: usize| -> Result<&'a str, StoreError> {
        text(i)?.ok_or_else(|| corrupt(format!("asset {id}: no {}", super::COLUMNS[i])))
    };
    let eight = |i: usize| -> Result<[u8; 8], StoreError> {
        f[i].and_then(|b| b.try_into().ok())
            .ok_or_else(|| corrupt(format!("asset {id}: {}", super::COLUMNS[i])))
    };
    let time = |i: usize| -> Result<Option<DateTime<Utc>>, StoreError> {
        f[i].map(|_| {
            let us = i64::from_be_bytes(eight(i)?);
            DateTime::from_timestamp_micros(us.saturating_add(PG_EPOCH_US))
                .ok_or_else(|| corrupt(format!("asset {id}: time {us}")))
        })
        .transpose()
    };
    // The envelope's corners come as NULL where they are the point's.
    let mut coords = [0.0; 6];
    for i in 0..6 {
        coords[i] = match f[6 + i] {
            None if i >= 2 => coords[i % 2],
            _ => f64::from_be_bytes(eight(6 + i)?),
        };
    }
    let mut texts = [None; 11];
    for (i, t) in texts.iter_mut().enumerate() {
        *t = text(FIRST_TEXT + i)?;
    }
    let t = FIRST_TEXT + 11;
    let created_at = time(t + 2)?.unwrap_or_default();
    Ok(ScanRow {
        id,
        version: i64::from_be_bytes(eight(1)?),
        kinds: [required(2)?, required(3)?, required(4)?, required(5)?],
        coords,
        texts,
        tags: text(t)?.unwrap_or("{}"),
        times: Times {
            verified_at: time(t + 1)?,
            created_at,
            // NULL where it is the creation time.
            updated_at: time(t + 3)?.unwrap_or(created_at),
        },
        geom: text(t + 4)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's fields as COPY sends them: the id, the version, the kinds,
    /// the point and whatever corners and times the test gives.
    fn fields(corners: [Option<f64>; 4], updated_us: Option<i64>) -> Vec<Option<Vec<u8>>> {
        let mut f: Vec<Option<Vec<u8>>> = vec![None; super::super::COLUMNS.len()];
        f[0] = Some(Uuid::from_u128(7).as_bytes().to_vec());
        f[1] = Some(3_i64.to_be_bytes().to_vec());
        for (i, kind) in ["physical", "park", "published", "exact"]
            .iter()
            .enumerate()
        {
            f[2 + i] = Some(kind.as_bytes().to_vec());
        }
        f[6] = Some((-2.3_f64).to_be_bytes().to_vec());
        f[7] = Some(53.4_f64.to_be_bytes().to_vec());
        for (i, c) in corners.iter().enumerate() {
            f[8 + i] = c.map(|c| c.to_be_bytes().to_vec());
        }
        f[FIRST_TEXT] = Some(b"Walton Park".to_vec());
        let t = FIRST_TEXT + 11;
        f[t + 2] = Some(1_000_000_i64.to_be_bytes().to_vec());
        f[t + 3] = updated_us.map(|u| u.to_be_bytes().to_vec());
        f
    }

    fn read(f: &[Option<Vec<u8>>]) -> ScanRow<'_> {
        let mut borrowed = [None; super::super::COLUMNS.len()];
        for (b, v) in borrowed.iter_mut().zip(f) {
            *b = v.as_deref();
        }
        row(&borrowed).unwrap()
    }

    #[test]
    fn corners_and_times_sent_as_null_are_the_point_and_the_creation() {
        let sent = fields([None; 4], None);
        let point = read(&sent);
        assert_eq!(point.coords, [-2.3, 53.4, -2.3, 53.4, -2.3, 53.4]);
        assert_eq!(point.times.updated_at, point.times.created_at);

        // A polygon whose envelope shares a corner's longitude with its
        // point: only that corner comes as NULL.
        let sent = fields([None, Some(53.3), Some(-2.2), Some(53.5)], Some(5_000_000));
        let polygon = read(&sent);
        assert_eq!(polygon.coords, [-2.3, 53.4, -2.3, 53.3, -2.2, 53.5]);
        let micros = |t: DateTime<Utc>| t.timestamp_micros() - PG_EPOCH_US;
        assert_eq!(micros(polygon.times.created_at), 1_000_000);
        assert_eq!(micros(polygon.times.updated_at), 5_000_000);
    }
}

//! PostgreSQL's binary COPY stream as the start-up scan reads it: a row is
//! either the asset's columns or its one packed value (`packed`), parsed
//! as the chunks arrive, borrowing the buffer.

use super::{packed, ScanRow, FIRST_TEXT};
use crate::index::Times;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use uuid::Uuid;

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
    /// Rows that came packed as NULL, or packed in another version: to be
    /// read again from their columns.
    pub unpacked: usize,
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
                Tuple::Unpacked => self.unpacked += 1,
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
    /// A packed row that is not there, or not in this version.
    Unpacked,
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
        if count == 1 {
            let Some(v) = self.field() else {
                return Ok(Tuple::Incomplete);
            };
            let Some(b) = v else {
                return Ok(Tuple::Unpacked);
            };
            return match packed::decode(b).map_err(corrupt)? {
                Some(row) => Ok(Tuple::Row(row)),
                None => Ok(Tuple::Unpacked),
            };
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

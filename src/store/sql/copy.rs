//! Large writes to PostgreSQL with COPY: new assets and the change log are
//! copied straight into their tables, updates into a temporary staging
//! table and applied with one UPDATE that checks every expected version.
//! All of it inside the caller's transaction, so a write still lands whole
//! or not at all.

use super::cells::{asset_cells, asset_columns, check_order, Cell};
use super::Statements;
use crate::domain::Asset;
use crate::store::{failed, Change, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use geo::{Geometry, Polygon};
use sqlx::postgres::PgConnection;
use std::cell::RefCell;

/// Writes fewer changes than this take the JSON batch statements: COPY
/// costs an extra round trip, and updates a temporary table.
pub const COPY_AT: usize = 100;

/// Bytes of COPY data sent at a time.
const CHUNK: usize = 1 << 20;

pub async fn write_changes(
    conn: &mut PgConnection,
    sql: &Statements,
    changes: &[Change],
    defer: bool,
) -> Result<i64, StoreError> {
    let (creates, updates): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| c.expected_version.is_none());
    if let Some(c) = changes.first() {
        check_order(&asset_cells(&c.asset));
    }
    let columns = asset_columns().join(", ");
    if !creates.is_empty() {
        let statement = format!("copy asset ({columns}) from stdin");
        copy(conn, &statement, &creates, |out, c| {
            asset_line(out, &c.asset, None)
        })
        .await?;
    }
    if !updates.is_empty() {
        update_staged(conn, &columns, &updates).await?;
    }
    let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
        .bind(changes.len() as i64)
        .fetch_one(&mut *conn)
        .await
        .map_err(failed("reserve_seqs"))?;
    let first = last - changes.len() as i64 + 1;
    let numbered: Vec<(i64, &Change)> = (first..).zip(changes).collect();
    copy(
        conn,
        "copy asset_change (seq, asset_id, version, op, changed_at, changed_by, payload, payload_in_asset) \
         from stdin",
        &numbered,
        |out, (seq, c)| change_line(out, *seq, c, defer),
    )
    .await?;
    Ok(last)
}

/// Copies the updates into a staging table, then applies them in one
/// statement; an expected version that is no longer current fails it all.
async fn update_staged(
    conn: &mut PgConnection,
    columns: &str,
    updates: &[&Change],
) -> Result<(), StoreError> {
    sqlx::query(
        "create temp table asset_stage on commit drop as \
         select *, 0::bigint as expected_version from asset with no data",
    )
    .persistent(false)
    .execute(&mut *conn)
    .await
    .map_err(failed("stage"))?;
    let statement = format!("copy asset_stage ({columns}, expected_version) from stdin");
    copy(conn, &statement, updates, |out, c| {
        asset_line(out, &c.asset, c.expected_version)
    })
    .await?;
    let assignments: Vec<String> = asset_columns()
        .iter()
        .skip(1)
        .map(|c| format!("{c} = s.{c}"))
        .collect();
    // The rows it matched, and one it did not (a version no longer
    // current), from the one statement: a row updated by this write and one
    // updated elsewhere may carry the same version afterwards.
    let (done, stale): (i64, Option<i64>) = sqlx::query_as(&format!(
        "with done as (update asset set {} from asset_stage s \
         where asset.asset_id = s.asset_id and asset.version = s.expected_version \
         returning asset.asset_id) \
         select (select count(*) from done), \
         (select s.expected_version from asset_stage s \
          where not exists (select 1 from done d where d.asset_id = s.asset_id) limit 1)",
        assignments.join(", ")
    ))
    .persistent(false)
    .fetch_one(&mut *conn)
    .await
    .map_err(failed("update"))?;
    // A streamed write stages each of its batches in the one transaction.
    sqlx::query("drop table asset_stage")
        .execute(&mut *conn)
        .await
        .map_err(failed("stage"))?;
    match stale {
        None if done == updates.len() as i64 => Ok(()),
        expected => Err(StoreError::Conflict {
            expected: expected.unwrap_or_default(),
        }),
    }
}

/// Sends rows as COPY text, a chunk at a time, so that the whole write is
/// never one buffer.
async fn copy<T>(
    conn: &mut PgConnection,
    statement: &str,
    rows: &[T],
    line: impl Fn(&mut Vec<u8>, &T),
) -> Result<(), StoreError> {
    let mut copy = conn.copy_in_raw(statement).await.map_err(failed("copy"))?;
    let mut buf = Vec::with_capacity(CHUNK + CHUNK / 4);
    for row in rows {
        line(&mut buf, row);
        if buf.len() >= CHUNK {
            copy.send(&buf[..]).await.map_err(failed("copy"))?;
            buf.clear();
        }
    }
    copy.send(&buf[..]).await.map_err(failed("copy"))?;
    copy.finish().await.map_err(failed("copy"))?;
    Ok(())
}

fn asset_line(out: &mut Vec<u8>, asset: &Asset, expected_version: Option<i64>) {
    let mut cells = asset_cells(asset);
    let last = cells.len() - 1;
    // A create goes to `asset` itself, which has no expected version.
    let n = match expected_version {
        Some(v) => {
            cells[last].1 = Cell::Int(v);
            cells.len()
        }
        None => last,
    };
    for (i, (_, cell)) in cells[..n].iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        write_cell(out, cell);
    }
    out.push(b'\n');
}

/// A change-log row; deferred, its payload is left to the asset row
/// (`store::deferred`).
fn change_line(out: &mut Vec<u8>, seq: i64, c: &Change, defer: bool) {
    let a = &c.asset;
    let mut id = uuid::Uuid::encode_buffer();
    for cell in [
        itoa::Buffer::new().format(seq).as_bytes(),
        a.id.hyphenated().encode_lower(&mut id).as_bytes(),
        itoa::Buffer::new().format(a.version).as_bytes(),
    ] {
        out.extend_from_slice(cell);
        out.push(b'\t');
    }
    escape(out, c.op.as_str().as_bytes());
    out.push(b'\t');
    write_cell(out, &Cell::Time(a.updated_at));
    out.push(b'\t');
    escape(out, a.updated_by.as_bytes());
    out.push(b'\t');
    if defer {
        out.extend_from_slice(b"\\N\tt\n");
    } else {
        let payload = serde_json::to_vec(&super::history::payload(a)).expect("payloads serialise");
        escape(out, &payload);
        out.extend_from_slice(b"\tf\n");
    }
}

fn write_cell(out: &mut Vec<u8>, cell: &Cell) {
    match cell {
        Cell::Null => out.extend_from_slice(b"\\N"),
        Cell::Text(s) => escape(out, s.as_bytes()),
        // ryu and itoa: core's formatting machinery was a tenth of the
        // importer's profile. PostgreSQL reads ryu's `1e-7` as it reads
        // `0.0000001`, to the same double.
        Cell::Float(f) => out.extend_from_slice(ryu::Buffer::new().format(*f).as_bytes()),
        Cell::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Cell::Time(t) => write_time(out, t),
        Cell::Geometry(g) => ewkb_hex(out, g),
    }
}

/// A timestamp as RFC 3339. An import stamps every asset with the same
/// moment, so the last one formatted is kept for the next row.
fn write_time(out: &mut Vec<u8>, t: &DateTime<Utc>) {
    thread_local! {
        static LAST: RefCell<Option<(DateTime<Utc>, String)>> = const { RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| {
        if last.as_ref().is_none_or(|(at, _)| at != t) {
            *last = Some((*t, t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        }
        if let Some((_, text)) = last {
            out.extend_from_slice(text.as_bytes());
        }
    });
}

/// COPY's text format: backslash, tab, newline and carriage return escaped.
fn escape(out: &mut Vec<u8>, bytes: &[u8]) {
    // Runs between the rare bytes to escape are copied whole, not pushed
    // a byte at a time (the importer's largest single symbol in perf).
    let mut from = 0;
    for (i, b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        out.extend_from_slice(escaped);
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
}

/// The geometry as hex EWKB with SRID 4326, which PostGIS reads without
/// parsing text (and to the same doubles: nothing is rounded).
fn ewkb_hex(out: &mut Vec<u8>, g: &Geometry<f64>) {
    let mut wkb = Vec::with_capacity(64);
    // Little-endian, the type with the SRID flag, then the SRID.
    let srid = |wkb: &mut Vec<u8>, kind: u32| {
        wkb.push(1);
        wkb.extend_from_slice(&(kind | 0x2000_0000).to_le_bytes());
        wkb.extend_from_slice(&4326u32.to_le_bytes());
    };
    match g {
        Geometry::Point(p) => {
            srid(&mut wkb, 1);
            coords(&mut wkb, [p.0].into_iter());
        }
        Geometry::Polygon(p) => {
            srid(&mut wkb, 3);
            polygon_body(&mut wkb, p);
        }
        Geometry::MultiPolygon(mp) => {
            srid(&mut wkb, 6);
            wkb.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
            for p in &mp.0 {
                wkb.push(1);
                wkb.extend_from_slice(&3u32.to_le_bytes());
                polygon_body(&mut wkb, p);
            }
        }
        // check_geometry lets no other kind into an asset.
        other => unreachable!("an asset's geometry is never a {other:?}"),
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in wkb {
        out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
}

fn polygon_body(wkb: &mut Vec<u8>, p: &Polygon<f64>) {
    let rings = std::iter::once(p.exterior()).chain(p.interiors());
    wkb.extend_from_slice(&(1 + p.interiors().len() as u32).to_le_bytes());
    for ring in rings {
        wkb.extend_from_slice(&(ring.0.len() as u32).to_le_bytes());
        coords(wkb, ring.0.iter().copied());
    }
}

fn coords(wkb: &mut Vec<u8>, points: impl Iterator<Item = geo::Coord<f64>>) {
    for c in points {
        wkb.extend_from_slice(&c.x.to_le_bytes());
        wkb.extend_from_slice(&c.y.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_copy() {
        let mut out = Vec::new();
        escape(&mut out, b"a\tb\nc\\d\re");
        assert_eq!(out, b"a\\tb\\nc\\\\d\\re");
    }

    #[test]
    fn a_point_is_ewkb_with_its_srid() {
        let mut out = Vec::new();
        ewkb_hex(&mut out, &geo::Point::new(1.0, 2.0).into());
        // Checked against PostGIS: ST_AsEWKB('SRID=4326;POINT(1 2)').
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0101000020e6100000000000000000f03f0000000000000040"
        );
    }
}

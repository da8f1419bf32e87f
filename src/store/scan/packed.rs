//! A row as the start-up scan reads it, packed into the one `bytea` value
//! PostgreSQL keeps beside the columns it was made from (`asset.scan_row`,
//! written with them in the same statement). PostgreSQL spends its part of
//! a start-up calling one send function a value: a million rows of some
//! fifteen non-NULL values took 1.8-2.6 s of one backend to copy to
//! `/dev/null`, the same rows as one packed value 0.46-0.64 s.
//!
//! The format is this module's: a leading version byte, then fixed-width
//! values little-endian and each text as a length (`u32::MAX` for none)
//! and its bytes. A row of another version, or none (written by an older
//! server, or by a statement that did not write it: a trigger clears it on
//! any update that leaves it as it was), is read from its columns instead.

use super::ScanRow;
use crate::domain::{Asset, Visibility};
use crate::index::Times;
use chrono::{DateTime, Utc};
use geo::Geometry;
use uuid::Uuid;

/// The version this code writes and reads.
pub const VERSION: u8 = 1;
/// Flags: the envelope is the point (its corners are not kept), the row
/// was never updated (no update time is kept), and it was verified.
const POINT_ENVELOPE: u8 = 1;
const NEVER_UPDATED: u8 = 2;
const VERIFIED: u8 = 4;
/// A text's length is one byte, or this and four bytes, or none.
const LONG: u8 = 254;
const NONE: u8 = 255;

/// Packs a row. Times are kept to the microsecond as given: callers pass
/// them as the database holds them.
pub fn encode(r: &ScanRow<'_>) -> Vec<u8> {
    let c = r.coords;
    let t = &r.times;
    let point_envelope = c[2..] == [c[0], c[1], c[0], c[1]];
    let flag = |on: bool, bit: u8| if on { bit } else { 0 };
    let flags = flag(point_envelope, POINT_ENVELOPE)
        | flag(t.updated_at == t.created_at, NEVER_UPDATED)
        | flag(t.verified_at.is_some(), VERIFIED);
    let texts: usize = r.texts.iter().flatten().map(|t| t.len() + 1).sum();
    let mut out = Vec::with_capacity(2 + 16 + 8 * 10 + texts + r.tags.len() + 48);
    out.extend_from_slice(&[VERSION, flags]);
    out.extend_from_slice(r.id.as_bytes());
    out.extend_from_slice(&r.version.to_le_bytes());
    let kept = if point_envelope { &c[..2] } else { &c[..] };
    for c in kept {
        out.extend_from_slice(&c.to_le_bytes());
    }
    let times = [
        Some(t.created_at),
        (t.updated_at != t.created_at).then_some(t.updated_at),
        t.verified_at,
    ];
    for time in times.into_iter().flatten() {
        out.extend_from_slice(&time.timestamp_micros().to_le_bytes());
    }
    let strings = r
        .kinds
        .iter()
        .map(|k| Some(*k))
        .chain(r.texts)
        .chain([Some(r.tags), r.geom]);
    for s in strings {
        match s.map(str::len) {
            None => out.push(NONE),
            Some(n) if n < LONG as usize => out.push(n as u8),
            Some(n) => {
                out.push(LONG);
                out.extend_from_slice(&(n as u32).to_le_bytes());
            }
        }
        out.extend_from_slice(s.unwrap_or_default().as_bytes());
    }
    out
}

/// An asset's row, packed as the scan would read it back from its columns:
/// times as PostgreSQL rounds them, tags as JSON, and the geometry as
/// GeoJSON only where the public sees more than the point.
pub fn of_asset(asset: &Asset) -> Vec<u8> {
    let d = &asset.draft;
    let p = asset.placement();
    let tags = serde_json::to_string(&d.tags).expect("tags serialise");
    let exact_shape =
        d.visibility() == Visibility::Exact && !matches!(d.geometry, Geometry::Point(_));
    let geom = exact_shape.then(|| crate::domain::geometry_json(&d.geometry).to_string());
    let rounded =
        |t: &DateTime<Utc>| DateTime::from_timestamp_micros(crate::store::sql::copy::micros(t));
    encode(&ScanRow {
        id: asset.id,
        version: asset.version,
        kinds: [
            d.capital().as_str(),
            &d.category,
            d.status.as_str(),
            d.visibility().as_str(),
        ],
        coords: [
            p.point[0], p.point[1], p.min[0], p.min[1], p.max[0], p.max[1],
        ],
        texts: crate::index::draft_texts(d),
        tags: &tags,
        times: Times {
            created_at: rounded(&asset.created_at).expect("a time in range"),
            updated_at: rounded(&asset.updated_at).expect("a time in range"),
            verified_at: d.verified_at.as_ref().and_then(rounded),
        },
        geom: geom.as_deref(),
    })
}

/// Unpacks a row, borrowing its texts. `Ok(None)` for another version.
pub fn decode(b: &[u8]) -> Result<Option<ScanRow<'_>>, String> {
    let mut r = Bytes { b, at: 0 };
    if r.take(1)?[0] != VERSION {
        return Ok(None);
    }
    let flags = r.take(1)?[0];
    let id = Uuid::from_slice(r.take(16)?).map_err(|e| e.to_string())?;
    let version = r.i64()?;
    let mut coords = [0.0; 6];
    let kept = if flags & POINT_ENVELOPE != 0 { 2 } else { 6 };
    for c in coords.iter_mut().take(kept) {
        *c = f64::from_bits(r.i64()? as u64);
    }
    if kept == 2 {
        coords = [
            coords[0], coords[1], coords[0], coords[1], coords[0], coords[1],
        ];
    }
    let time =
        |us: i64| DateTime::<Utc>::from_timestamp_micros(us).ok_or_else(|| format!("time {us}"));
    let created_at = time(r.i64()?)?;
    let updated_at = match flags & NEVER_UPDATED {
        0 => time(r.i64()?)?,
        _ => created_at,
    };
    let verified_at = match flags & VERIFIED {
        0 => None,
        _ => Some(time(r.i64()?)?),
    };
    let mut kinds = [""; 4];
    for k in kinds.iter_mut() {
        *k = r.text()?.ok_or("a kind is missing")?;
    }
    let mut texts = [None; 11];
    for t in texts.iter_mut() {
        *t = r.text()?;
    }
    let tags = r.text()?.ok_or("no tags")?;
    let geom = r.text()?;
    if r.at != b.len() {
        return Err(format!("{} bytes after the row", b.len() - r.at));
    }
    Ok(Some(ScanRow {
        id,
        version,
        kinds,
        coords,
        texts,
        tags,
        times: Times {
            created_at,
            updated_at,
            verified_at,
        },
        geom,
    }))
}

struct Bytes<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or("the row ends early")?;
        self.at += n;
        Ok(s)
    }

    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn text(&mut self) -> Result<Option<&'a str>, String> {
        let n = match self.take(1)?[0] {
            NONE => return Ok(None),
            LONG => u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")) as usize,
            n => n as usize,
        };
        let s = self.take(n)?;
        std::str::from_utf8(s).map(Some).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(us: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(us).unwrap()
    }

    #[test]
    fn a_row_reads_back_as_packed() {
        let mut texts = [None; 11];
        texts[0] = Some("Walton Park");
        texts[2] = Some("");
        texts[10] = Some("Llyfrgell Ŵ");
        let long = "x".repeat(300);
        texts[1] = Some(&long);
        let row = ScanRow {
            id: Uuid::from_u128(7),
            version: 3,
            kinds: ["physical", "park", "published", "exact"],
            coords: [-2.3, 53.4, -2.31, 53.39, -2.29, 53.41],
            texts,
            tags: r#"{"a": "b"}"#,
            times: Times {
                created_at: at(1_700_000_000_123_456),
                updated_at: at(1_700_000_001_000_000),
                verified_at: None,
            },
            geom: Some(r#"{"type":"Polygon","coordinates":[]}"#),
        };
        let packed = encode(&row);
        let back = decode(&packed).unwrap().unwrap();
        assert_eq!(back.id, row.id);
        assert_eq!(back.version, 3);
        assert_eq!(back.kinds, row.kinds);
        assert_eq!(back.coords, row.coords);
        assert_eq!(back.texts, row.texts);
        assert_eq!(back.tags, row.tags);
        assert_eq!(back.geom, row.geom);
        assert_eq!(back.times.created_at, row.times.created_at);
        assert_eq!(back.times.updated_at, row.times.updated_at);
        assert_eq!(back.times.verified_at, None);

        // A point's envelope, a row never updated, and one verified.
        let point = ScanRow {
            coords: [1.5, 2.5, 1.5, 2.5, 1.5, 2.5],
            times: Times {
                created_at: at(5),
                updated_at: at(5),
                verified_at: Some(at(-7)),
            },
            geom: None,
            ..row
        };
        let packed_point = encode(&point);
        // No corners, no update time, no shape: but a verification time.
        assert_eq!(
            packed.len() - packed_point.len(),
            32 + 8 - 8 + row.geom.unwrap().len()
        );
        let back = decode(&packed_point).unwrap().unwrap();
        assert_eq!(back.coords, point.coords);
        assert_eq!(back.times.updated_at, at(5));
        assert_eq!(back.times.verified_at, Some(at(-7)));
        assert_eq!(back.geom, None);

        // Another version is not this one's to read; a cut row is corrupt.
        let mut other = packed.clone();
        other[0] = VERSION + 1;
        assert!(decode(&other).unwrap().is_none());
        assert!(decode(&packed[..packed.len() - 1]).is_err());
    }
}

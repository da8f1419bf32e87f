//! The start-up read of every live asset, the fastest way each database
//! has: one prepared statement stepped over the raw SQLite handle, and
//! `COPY ... TO STDOUT (FORMAT binary)` from PostgreSQL. Columns are read
//! as borrowed bytes and packed straight into each public view, with no
//! row object, no `String` per column and no channel per row between them.

pub(in crate::store) mod binary;
pub mod packed;
pub mod postgres;
pub mod sqlite;

use super::StoreError;
use crate::domain::{Capital, Placement, Status, Visibility};
use crate::index::{view_of, IndexRecord, Times};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What the scan selects, in this order; `id`, `tags` and `geom` are
/// written per dialect (see `columns`).
const COLUMNS: [&str; 28] = [
    "asset_id",
    "version",
    "capital",
    "category",
    "status",
    "visibility",
    "point_lon",
    "point_lat",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    // The text fields, in `Field::ALL` order.
    "name",
    "description",
    "address",
    "postcode",
    "website",
    "email",
    "phone",
    "opening_hours",
    "accessibility",
    "source",
    "verified_by",
    "tags",
    "verified_at",
    "created_at",
    "updated_at",
    "geom",
];
const FIRST_TEXT: usize = 12;

/// The select list of the scan: each column as `a.{column}`, unless the
/// dialect writes it otherwise (`id`, `tags` and `geom` always are).
fn columns(written: &[(&str, &str)]) -> String {
    COLUMNS
        .iter()
        .map(|c| match written.iter().find(|(name, _)| name == c) {
            Some((_, expression)) => expression.to_string(),
            None => format!("a.{c}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row as the scan reads it, borrowing the database's buffers.
pub struct ScanRow<'a> {
    pub id: Uuid,
    pub version: i64,
    /// capital, category, status, visibility
    pub kinds: [&'a str; 4],
    /// point, min and max, each lon then lat
    pub coords: [f64; 6],
    pub texts: [Option<&'a str>; 11],
    pub tags: &'a str,
    pub times: Times,
    pub geom: Option<&'a str>,
}

impl ScanRow<'_> {
    pub fn into_record(self) -> Result<IndexRecord, StoreError> {
        let corrupt = |what: &str, e: &dyn std::fmt::Display| {
            StoreError::Corrupt(format!("{what} of asset {}: {e}", self.id))
        };
        let [capital, category, status, visibility] = self.kinds;
        let c = self.coords;
        let mut record = IndexRecord {
            id: self.id,
            version: self.version,
            capital: capital
                .parse::<Capital>()
                .map_err(|e| corrupt("capital", &e))?,
            category: category.to_string(),
            status: status
                .parse::<Status>()
                .map_err(|e| corrupt("status", &e))?,
            visibility: visibility
                .parse::<Visibility>()
                .map_err(|e| corrupt("visibility", &e))?,
            placement: Placement {
                point: [c[0], c[1]],
                min: [c[2], c[3]],
                max: [c[4], c[5]],
            },
            view: None,
        };
        let view = view_of(&record, self.texts, self.tags, self.times, self.geom)
            .map_err(|e| corrupt("public view", &e))?;
        record.view = Some(view);
        Ok(record)
    }
}

/// Times as SQLite holds them: RFC 3339 as sqlx writes them, or SQLite's
/// own `YYYY-MM-DD HH:MM:SS` (UTC) from a default.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::FIELDS;

    #[test]
    fn the_scan_reads_every_column_of_the_read_model() {
        for f in FIELDS.iter().filter(|f| f.in_read_model) {
            assert!(
                COLUMNS.contains(&f.column),
                "{} is in the read model but not scanned",
                f.column
            );
        }
        assert_eq!(COLUMNS[FIRST_TEXT], "name");
        assert_eq!(COLUMNS[FIRST_TEXT + 11], "tags");
    }

    #[test]
    fn sqlite_times_of_both_shapes_are_read() {
        let a = parse_time("2026-12-04T14:40:44.902323+00:00").unwrap();
        let b = parse_time("2026-12-04 14:40:44.902323").unwrap();
        assert_eq!(a, b);
        assert!(parse_time("yesterday").is_none());
    }
}

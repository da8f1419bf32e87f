//! An asset as the values of its columns, for the bulk paths (PostgreSQL's
//! COPY, SQLite's prepared statements) that bind values one by one rather
//! than as a JSON row.

use crate::domain::fields::FIELDS;
use crate::domain::Asset;
use chrono::{DateTime, Utc};
use geo::Geometry;
use std::borrow::Cow;

/// One column's value.
pub enum Cell<'a> {
    Null,
    /// An asset's id: text to SQLite, `uuid` to PostgreSQL.
    Id(uuid::Uuid),
    Text(Cow<'a, str>),
    /// JSON text: `jsonb` to PostgreSQL, text to SQLite.
    Jsonb(String),
    Float(f64),
    Int(i64),
    Time(DateTime<Utc>),
    Geometry(&'a Geometry<f64>),
}

impl<'a> From<&'a Option<String>> for Cell<'a> {
    fn from(v: &'a Option<String>) -> Cell<'a> {
        v.as_deref().map_or(Cell::Null, |s| Cell::Text(s.into()))
    }
}

impl From<Option<DateTime<Utc>>> for Cell<'_> {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        v.map_or(Cell::Null, Cell::Time)
    }
}

fn text(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

/// Every column of `asset`, named as in the table, in the order of the
/// asset's field list (a test holds the two together).
pub fn asset_cells(asset: &Asset) -> [(&'static str, Cell<'_>); 33] {
    let d = &asset.draft;
    let p = asset.placement();
    [
        ("asset_id", Cell::Id(asset.id)),
        ("name", text(&d.name)),
        ("capital", text(d.capital().as_str())),
        ("category", text(&d.category)),
        ("description", (&d.description).into()),
        ("address", (&d.address).into()),
        ("postcode", (&d.postcode).into()),
        ("website", (&d.website).into()),
        ("email", (&d.email).into()),
        ("phone", (&d.phone).into()),
        ("opening_hours", (&d.opening_hours).into()),
        ("accessibility", (&d.accessibility).into()),
        ("source", (&d.source).into()),
        ("status", text(d.status.as_str())),
        ("visibility", text(d.visibility().as_str())),
        ("consent_at", d.consent().then_some(asset.created_at).into()),
        ("verified_at", d.verified_at.into()),
        ("verified_by", (&d.verified_by).into()),
        ("created_at", Cell::Time(asset.created_at)),
        ("created_by", text(&asset.created_by)),
        ("updated_at", Cell::Time(asset.updated_at)),
        ("updated_by", text(&asset.updated_by)),
        ("version", Cell::Int(asset.version)),
        (
            "tags",
            Cell::Jsonb(serde_json::to_string(&d.tags).expect("tags serialise")),
        ),
        ("geom", Cell::Geometry(&d.geometry)),
        ("point_lon", Cell::Float(p.point[0])),
        ("point_lat", Cell::Float(p.point[1])),
        ("min_lon", Cell::Float(p.min[0])),
        ("min_lat", Cell::Float(p.min[1])),
        ("max_lon", Cell::Float(p.max[0])),
        ("max_lat", Cell::Float(p.max[1])),
        ("search_text", Cell::Text(d.search_text().into())),
        // Kept last: the one column that is not the asset's but the write's.
        ("expected_version", Cell::Null),
    ]
}

/// The columns of `asset`, in the order of the asset's field list.
pub fn asset_columns() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.column).collect()
}

/// The cells' names are the table's columns, in order: checked once per
/// write, as a wrong order would put values in the wrong columns.
pub fn check_order(cells: &[(&'static str, Cell<'_>)]) {
    let names: Vec<&str> = cells.iter().map(|(n, _)| *n).collect();
    assert_eq!(names[..names.len() - 1], asset_columns()[..]);
}

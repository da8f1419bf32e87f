//! The public columns the store hands over with each index record (at
//! start-up and with each change-log row), and the view built from them.

use super::view::{Meta, PublicAsset};
use super::IndexRecord;
use chrono::{DateTime, Utc};
use geo::Geometry;
use std::collections::BTreeMap;

#[derive(Debug, sqlx::FromRow)]
pub struct PublicRow {
    name: String,
    description: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    website: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    opening_hours: Option<String>,
    accessibility: Option<String>,
    source: Option<String>,
    verified_by: Option<String>,
    tags: String,
    verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// GeoJSON, only for exact assets that are not points.
    geom: Option<String>,
}

impl PublicRow {
    pub fn into_view(self, r: &IndexRecord) -> Result<PublicAsset, String> {
        let fields = [
            Some(self.name.as_str()),
            self.description.as_deref(),
            self.address.as_deref(),
            self.postcode.as_deref(),
            self.website.as_deref(),
            self.email.as_deref(),
            self.phone.as_deref(),
            self.opening_hours.as_deref(),
            self.accessibility.as_deref(),
            self.source.as_deref(),
            self.verified_by.as_deref(),
        ];
        let times = Times {
            created_at: self.created_at,
            updated_at: self.updated_at,
            verified_at: self.verified_at,
        };
        view_of(r, fields, &self.tags, times, self.geom.as_deref())
    }
}

/// When a record was created, last updated and last verified.
pub struct Times {
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
}

/// The public view of a record from its stored columns: the text fields
/// in `Field::ALL` order, the tags as JSON text, and the geometry as
/// GeoJSON where it is more than a point.
pub fn view_of(
    r: &IndexRecord,
    fields: [Option<&str>; 11],
    tags: &str,
    times: Times,
    geom: Option<&str>,
) -> Result<PublicAsset, String> {
    // Most assets have no tags: skip the parser for them.
    let tags: BTreeMap<String, String> = match tags {
        "{}" => BTreeMap::new(),
        t => serde_json::from_str(t).map_err(|e| format!("tags: {e}"))?,
    };
    let shape = geom.map(parse_shape).transpose()?;
    Ok(PublicAsset::from_parts(
        Meta::of(r, times),
        fields,
        tags,
        r.placement,
        shape,
    ))
}

/// Stored geometries were checked when written; this only decodes them,
/// so a limit added later cannot stop a server from starting.
fn parse_shape(text: &str) -> Result<Geometry<f64>, String> {
    let g: geojson::Geometry = serde_json::from_str(text).map_err(|e| format!("geometry: {e}"))?;
    g.try_into().map_err(|e| format!("geometry: {e}"))
}

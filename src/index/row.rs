//! The public columns the store hands over with each index record (at
//! start-up and with each change-log row), and the view built from them.

use super::view::{Field, Meta, PublicAsset, Texts};
use super::IndexRecord;
use chrono::{DateTime, Utc};
use geo::Geometry;

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
        let mut texts = Texts {
            tags: serde_json::from_str(&self.tags).map_err(|e| format!("tags: {e}"))?,
            ..Texts::default()
        };
        for (f, v) in [
            (Field::Name, Some(self.name)),
            (Field::Description, self.description),
            (Field::Address, self.address),
            (Field::Postcode, self.postcode),
            (Field::Website, self.website),
            (Field::Email, self.email),
            (Field::Phone, self.phone),
            (Field::OpeningHours, self.opening_hours),
            (Field::Accessibility, self.accessibility),
            (Field::Source, self.source),
            (Field::VerifiedBy, self.verified_by),
        ] {
            texts.set(f, v);
        }
        let shape = self.geom.as_deref().map(parse_shape).transpose()?;
        let meta = Meta {
            id: r.id,
            version: r.version,
            capital: r.capital,
            category: r.category.clone(),
            status: r.status,
            visibility: r.visibility,
            created_at: self.created_at,
            updated_at: self.updated_at,
            verified_at: self.verified_at,
        };
        Ok(PublicAsset::new(meta, texts, r.placement, shape))
    }
}

/// Stored geometries were checked when written; this only decodes them,
/// so a limit added later cannot stop a server from starting.
fn parse_shape(text: &str) -> Result<Geometry<f64>, String> {
    let g: geojson::Geometry = serde_json::from_str(text).map_err(|e| format!("geometry: {e}"))?;
    g.try_into().map_err(|e| format!("geometry: {e}"))
}

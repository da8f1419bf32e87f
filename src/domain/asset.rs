use super::words::word_enum;
use super::{Capital, FieldError};
use chrono::{DateTime, Utc};
use geo::{BoundingRect, Geometry, InteriorPoint};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Published,
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Shown where it is.
    Exact,
    /// Shown only as the area it is in: people offering skills or time.
    AreaOnly,
}

word_enum!(Status, "status" { Proposed = "proposed", Published = "published", Archived = "archived" });
word_enum!(Visibility, "visibility" { Exact = "exact", AreaOnly = "area_only" });

/// What a person can say about an asset: everything but identity, audit
/// fields and version. Parsed from a GeoJSON Feature.
///
/// Capital, visibility and consent are private and set together by
/// `AssetDraft::new`, the one way to make a draft, so that no importer or
/// store row can map a person without consent or at their exact place.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetDraft {
    pub name: String,
    capital: Capital,
    pub category: String,
    pub description: Option<String>,
    pub geometry: Geometry<f64>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub accessibility: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub source: Option<String>,
    pub status: Status,
    visibility: Visibility,
    consent: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
}

/// An asset as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: Uuid,
    pub draft: AssetDraft,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

/// Where the index and the distance measures put an asset: a point that lies
/// on it (inside a polygon, not merely at its centroid) and its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub point: [f64; 2],
    pub min: [f64; 2],
    pub max: [f64; 2],
}

/// The grid, in degrees, to which area-only assets are snapped: about 1 km
/// north-south, coarse enough not to point at a home.
const AREA_GRID_DEG: f64 = 0.01;

impl Placement {
    pub fn of(geometry: &Geometry<f64>) -> Placement {
        let p = geometry
            .interior_point()
            .expect("validated geometries are non-empty");
        let rect = geometry
            .bounding_rect()
            .expect("validated geometries are non-empty");
        Placement {
            point: [p.x(), p.y()],
            min: [rect.min().x, rect.min().y],
            max: [rect.max().x, rect.max().y],
        }
    }

    /// The centre of the grid cell holding the point: what the public sees
    /// of an area-only asset, and all that the index ever holds of it, so
    /// that no query can narrow it down further.
    pub fn generalised(self) -> Placement {
        let snap = |v: f64| ((v / AREA_GRID_DEG).floor() + 0.5) * AREA_GRID_DEG;
        let p = [
            snap(self.point[0]).clamp(-180.0, 180.0),
            snap(self.point[1]).clamp(-90.0, 90.0),
        ];
        Placement {
            point: p,
            min: p,
            max: p,
        }
    }

    pub fn for_visibility(self, visibility: Visibility) -> Placement {
        match visibility {
            Visibility::Exact => self,
            Visibility::AreaOnly => self.generalised(),
        }
    }
}

impl AssetDraft {
    /// A draft with no optional field set yet, published. `visibility`
    /// defaults to area-only for human capital and exact for the rest.
    pub fn new(
        name: String,
        capital: Capital,
        category: String,
        geometry: Geometry<f64>,
        visibility: Option<Visibility>,
        consent: bool,
    ) -> Result<AssetDraft, FieldError> {
        let visibility = visibility.unwrap_or(match capital {
            Capital::Human => Visibility::AreaOnly,
            _ => Visibility::Exact,
        });
        if capital == Capital::Human && visibility == Visibility::Exact {
            return Err(FieldError::new(
                "visibility",
                "human capital is personal data and is shown only as area_only",
            ));
        }
        if capital == Capital::Human && !consent {
            return Err(FieldError::new(
                "consent",
                "a person's skills or time can be mapped only with their consent: set consent to true",
            ));
        }
        Ok(AssetDraft {
            name,
            capital,
            category,
            description: None,
            geometry,
            address: None,
            postcode: None,
            website: None,
            email: None,
            phone: None,
            opening_hours: None,
            accessibility: None,
            tags: BTreeMap::new(),
            source: None,
            status: Status::Published,
            visibility,
            consent,
            verified_at: None,
            verified_by: None,
        })
    }

    /// An archived draft: never served, so a person's record may be kept
    /// without consent (the anonymous tombstone left when they withdraw);
    /// it is still area-only.
    pub fn archived(
        name: String,
        capital: Capital,
        category: String,
        geometry: Geometry<f64>,
        visibility: Option<Visibility>,
        consent: bool,
    ) -> Result<AssetDraft, FieldError> {
        let mut draft = AssetDraft::new(name, capital, category, geometry, visibility, true)?;
        draft.consent = consent;
        draft.status = Status::Archived;
        Ok(draft)
    }

    pub fn capital(&self) -> Capital {
        self.capital
    }

    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    /// Whether the person (for human capital) consented to be mapped.
    pub fn consent(&self) -> bool {
        self.consent
    }

    /// Lower-cased name, description and address: what `q` searches. The
    /// address of an area-only asset is left out, or a search for a street
    /// would find the person who lives there.
    pub fn search_text(&self) -> String {
        let address = match self.visibility {
            Visibility::Exact => self.address.as_ref(),
            Visibility::AreaOnly => None,
        };
        [Some(&self.name), self.description.as_ref(), address]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// After this long without a check an asset "may be out of date".
pub const STALE_AFTER_DAYS: i64 = 365;

/// Whether an asset last known right (verified, or else created) that
/// long ago may be out of date by `now`: shown on the map, in lists and in
/// exports, so that nobody relies on a record no one has checked.
pub fn may_be_out_of_date(
    verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now - last_checked(verified_at, created_at) > chrono::Duration::days(STALE_AFTER_DAYS)
}

/// When an asset was last known right: verified, or else created. What
/// "may be out of date" counts from, and what moderators check oldest first.
pub fn last_checked(
    verified_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
) -> DateTime<Utc> {
    verified_at.unwrap_or(created_at)
}

impl Asset {
    pub fn may_be_out_of_date(&self, now: DateTime<Utc>) -> bool {
        may_be_out_of_date(self.draft.verified_at, self.created_at, now)
    }

    pub fn last_checked(&self) -> DateTime<Utc> {
        last_checked(self.draft.verified_at, self.created_at)
    }

    pub fn placement(&self) -> Placement {
        Placement::of(&self.draft.geometry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_geometry;
    use serde_json::json;

    #[test]
    fn a_polygon_is_placed_at_a_point_inside_it() {
        // An L-shaped park whose centroid lies outside it.
        let g = parse_geometry(&json!({"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,1],[1,1],[1,3],[0,3],[0,0]]]})).unwrap();
        let p = Placement::of(&g);
        use geo::Contains;
        assert!(g.contains(&geo::Point::new(p.point[0], p.point[1])));
        assert_eq!((p.min, p.max), ([0.0, 0.0], [3.0, 3.0]));
    }

    #[test]
    fn area_only_hides_the_exact_place() {
        let p = Placement {
            point: [-2.34567, 53.41234],
            min: [0.0; 2],
            max: [0.0; 2],
        };
        let g = p.generalised();
        assert!(
            (g.point[0] - -2.345).abs() < 1e-9 && (g.point[1] - 53.415).abs() < 1e-9,
            "{:?}",
            g.point
        );
        assert_eq!(g.min, g.point);
    }
}

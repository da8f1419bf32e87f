use geo::Geometry;
use serde::Serialize;

/// A named boundary: a ward, an LSOA, a forum's patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub level: String,
    /// A Polygon or MultiPolygon.
    pub geometry: Geometry<f64>,
    /// Residents, when known; `None` is not zero.
    pub population: Option<f64>,
}

/// A postcode's centroid, and the LSOA it lies in when known.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Postcode {
    pub postcode: String,
    pub lon: f64,
    pub lat: f64,
    pub lsoa_code: Option<String>,
}

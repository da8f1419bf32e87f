//! Domain types. A value of one of these types is valid by construction:
//! parsing is the only way in, so the layers above never re-check.

mod area;
mod asset;
mod capital;
mod coords;
mod error;
mod rings;
mod vocabulary;

pub use area::{Area, Postcode};
pub use asset::{
    check_geometry, geometry_json, normalise_postcode, parse_geometry, Asset, AssetDraft,
    Placement, Status, Visibility,
};
pub use capital::Capital;
pub use coords::{haversine_m, BBox, Lat, Lon, LonLat};
pub use error::FieldError;
pub use rings::MAX_VERTICES;
pub use vocabulary::Vocabulary;

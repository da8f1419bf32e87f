//! Domain types. A value of one of these types is valid by construction:
//! parsing is the only way in, so the layers above never re-check.

mod area;
mod asset;
mod capital;
mod coords;
mod error;
mod feature;
pub mod fields;
mod geometry;
mod input;
mod postcode;
mod privacy;
mod rings;
mod vocabulary;

pub use area::{Area, Postcode};
pub use asset::{
    may_be_out_of_date, Asset, AssetDraft, Placement, Status, Visibility, STALE_AFTER_DAYS,
};
pub use capital::Capital;
pub use coords::{haversine_m, BBox, Lat, Lon, LonLat};
pub use error::FieldError;
pub use feature::geometry_json;
pub use geometry::{check_geometry, parse_geometry};
pub use input::{check_dataset, check_tag, check_text, check_timestamp, clip};
pub use postcode::normalise_postcode;
pub use privacy::public_person;
pub use rings::MAX_VERTICES;
pub use vocabulary::Vocabulary;

//! Domain types. A value of one of these types is valid by construction:
//! parsing is the only way in, so the layers above never re-check.

pub mod account;
mod area;
mod asset;
mod capital;
mod coords;
mod error;
mod feature;
pub mod fields;
mod geometry;
mod history;
mod input;
mod postcode;
mod privacy;
mod rings;
mod vocabulary;
mod words;

pub use area::{Area, Postcode};
pub use asset::{
    last_checked, may_be_out_of_date, Asset, AssetDraft, Placement, Status, Visibility,
    STALE_AFTER_DAYS,
};
pub use capital::Capital;
pub use coords::{haversine_m, BBox, Lat, Lon, LonLat};
pub use error::FieldError;
pub use feature::geometry_json;
pub use geometry::{check_geometry, parse_geometry};
pub use history::{diff, FieldChange};
pub use input::{check_dataset, check_tag, check_text, check_timestamp, clip};
pub use postcode::normalise_postcode;
pub use privacy::public_person;
pub use rings::MAX_VERTICES;
pub use vocabulary::Vocabulary;
pub(crate) use words::word_enum;
pub use words::{from_word, Words};

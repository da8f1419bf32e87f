//! The read model: every live asset's public view, in memory on every
//! replica, beside the R-tree that finds it. Public reads (queries, pages,
//! nearest, within, text search, exports, tiles) are answered from here
//! and written straight into the response; the store is read at start-up,
//! by the change-log tail, and for what only moderators see.

mod csv;
mod json;
mod service;

pub use crate::index::{Field, PublicAsset, PublicRow};
pub use csv::csv_row;
pub use json::{write_collection, write_feature};
pub use service::PublicFeature;

#[cfg(test)]
mod tests;

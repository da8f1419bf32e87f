//! What both SQL backends share: the statements (one column list, rendered
//! in each dialect), the row types and the conversions to domain types, and
//! the batched writes.

pub mod bulk;
pub mod bulk_sqlite;
mod cells;
pub mod copy;
mod history;
pub mod prepared;
mod rows;
mod statements;
mod write;

pub use history::{payload, VersionRow};
pub use rows::{
    convert_all, in_order, parse_ids, AreaRow, AssetRow, ChangeRow, IndexRow, PostcodeRow,
};
pub use statements::{Dialect, Statements};
pub use write::{areas_json, ids_json, population_json, postcodes_json, unmatched, write_changes};

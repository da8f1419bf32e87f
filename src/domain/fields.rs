//! The asset's fields, listed once. The stores' statements, the properties a
//! Feature may carry, the targets of an import mapping and the export's
//! columns are all read from this table, and a test holds it against the
//! migrations of both stores, so a new field is added here and nowhere else
//! by hand.

/// The kind of value a field holds, as far as the stores need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Id,
    Geometry,
    /// An object of strings (the tags).
    Json,
    Text,
    Number,
    Integer,
    Time,
}

/// Who sets a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetBy {
    /// The server; a client may send it back unchanged, as read.
    Server,
    /// A client, under the field's property name; an import mapping may
    /// fill it too.
    Mapped,
    /// A client, under the field's property name, but not a mapping: tags
    /// are mapped one by one as `tags.NAME`, and an import names its own
    /// source.
    Client,
    /// A client, under another property name: `consent: true` is kept as
    /// the time consent was given.
    ClientAs(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column of the `asset` table in both stores.
    pub column: &'static str,
    pub value: Value,
    /// Its name among a Feature's properties and an export's columns; none
    /// for what only the stores keep (geometry, bounds, search text).
    pub property: Option<&'static str>,
    pub set_by: SetBy,
    /// A column of the CSV export.
    pub exported: bool,
    /// Kept by the in-memory read model, so read with every index row.
    pub in_read_model: bool,
}

const fn field(
    column: &'static str,
    value: Value,
    set_by: SetBy,
    exported: bool,
    in_read_model: bool,
) -> Field {
    Field {
        column,
        value,
        property: Some(column),
        set_by,
        exported,
        in_read_model,
    }
}

/// A column only the stores keep, which the read model reads.
const fn stored(column: &'static str, value: Value) -> Field {
    Field {
        column,
        value,
        property: None,
        set_by: SetBy::Server,
        exported: false,
        in_read_model: true,
    }
}

use SetBy::{Client, ClientAs, Mapped, Server};
use Value::{Geometry, Id, Integer, Json, Number, Text, Time};

/// Every field, in the order of the export's columns.
pub const FIELDS: &[Field] = &[
    Field {
        property: Some("id"),
        ..field("asset_id", Id, Server, true, true)
    },
    field("name", Text, Mapped, true, true),
    field("capital", Text, Mapped, true, true),
    field("category", Text, Mapped, true, true),
    field("description", Text, Mapped, true, true),
    field("address", Text, Mapped, true, true),
    field("postcode", Text, Mapped, true, true),
    field("website", Text, Mapped, true, true),
    field("email", Text, Mapped, true, true),
    field("phone", Text, Mapped, true, true),
    field("opening_hours", Text, Mapped, true, true),
    field("accessibility", Text, Mapped, true, true),
    field("source", Text, Client, true, true),
    field("status", Text, Mapped, true, true),
    field("visibility", Text, Mapped, true, true),
    field("consent_at", Time, ClientAs("consent"), false, false),
    field("verified_at", Time, Mapped, true, true),
    field("verified_by", Text, Mapped, true, true),
    field("created_at", Time, Server, true, true),
    field("created_by", Text, Server, false, false),
    field("updated_at", Time, Server, true, true),
    field("updated_by", Text, Server, false, false),
    field("version", Integer, Server, true, true),
    field("tags", Json, Client, true, true),
    stored("geom", Geometry),
    stored("point_lon", Number),
    stored("point_lat", Number),
    stored("min_lon", Number),
    stored("min_lat", Number),
    stored("max_lon", Number),
    stored("max_lat", Number),
    // Folded by the application so that `q` matches alike on every store;
    // the read model folds its own.
    Field {
        in_read_model: false,
        ..stored("search_text", Text)
    },
];

/// The properties a client may set in a Feature.
pub fn writable() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().filter_map(|f| match f.set_by {
        Mapped | Client => f.property,
        ClientAs(name) => Some(name),
        Server => None,
    })
}

/// The properties a client may send back as read but not set.
pub fn read_only() -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .filter(|f| !matches!(f.set_by, Mapped | Client))
        .filter_map(|f| f.property)
}

/// The properties an import mapping may fill.
pub fn mapped() -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .filter(|f| f.set_by == Mapped)
        .filter_map(|f| f.property)
}

/// The properties the CSV export writes, in its column order.
pub fn exported() -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .filter(|f| f.exported)
        .filter_map(|f| f.property)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique(names: impl Iterator<Item = &'static str>) -> bool {
        let mut seen = std::collections::HashSet::new();
        names.into_iter().all(|n| seen.insert(n))
    }

    #[test]
    fn the_id_comes_first_and_no_name_is_used_twice() {
        // The update statement keys on the first column.
        assert_eq!(FIELDS[0].column, "asset_id");
        assert!(unique(FIELDS.iter().map(|f| f.column)));
        assert!(unique(writable().chain(read_only())));
    }

    #[test]
    fn what_a_client_may_set_and_what_it_may_only_send_back() {
        assert!(writable().any(|p| p == "consent"));
        assert!(read_only().any(|p| p == "consent_at"));
        assert!(read_only().any(|p| p == "id"));
        assert!(!writable()
            .chain(read_only())
            .any(|p| p == "search_text" || p == "geom"));
        assert!(!mapped().any(|p| p == "tags" || p == "source"));
    }
}

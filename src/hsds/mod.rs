//! Open Referral's Human Services Data Specification (HSDS 3.0): the
//! services and places among the assets as a directory of organisations,
//! services and locations, for the `/hsds` API, the tabular data package
//! and the import of a directory that already publishes one.
//!
//! People (human capital, and anything shown only by area) never enter a
//! directory: it is built from the public view, and only from assets shown
//! where they are.

mod address;
pub mod export;
mod from_asset;
pub mod import;
mod merge;
pub mod nest;
mod schedule;
pub mod tabular;
mod to_asset;

pub use from_asset::directory_of;
pub use to_asset::{records, Defaults, Read};

use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The HSDS version written and read.
pub const VERSION: &str = "3.0";

/// The tables a directory may hold, in the data package's order.
pub const TABLES: &[&str] = &[
    "organization",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "schedule",
    "accessibility",
    "taxonomy_term",
    "taxonomy",
];

/// The namespace of every id assetmap derives (a v5 UUID of its own), so
/// that the same asset gives the same HSDS ids in every export.
const NAMESPACE: Uuid = Uuid::from_u128(0x3c5e_8f0a_91d2_5b47_8e6a_2f41_d7c0_a9b3);

/// A name-based (version 5, SHA-1) UUID, as RFC 9562 defines it.
pub fn v5(namespace: &Uuid, name: &str) -> Uuid {
    let mut hash = Sha1::new();
    hash.update(namespace.as_bytes());
    hash.update(name.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid()
}

/// An id derived from a kind of record and what it belongs to.
pub fn derived(kind: &str, of: &str) -> Uuid {
    v5(&NAMESPACE, &format!("{kind}:{of}"))
}

/// The service id of an asset: the HSDS id it was imported with, else one
/// derived from the asset's own id.
pub fn service_id(asset: Uuid, source: Option<&str>) -> Uuid {
    source
        .and_then(|s| s.strip_prefix(SOURCE_PREFIX))
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_else(|| derived("service", &asset.to_string()))
}

/// What an asset imported from HSDS carries as its source: `hsds:<service id>`.
pub const SOURCE_PREFIX: &str = "hsds:";

/// The taxonomy holding assetmap's capitals and categories, one term per
/// `capital/category`, so that a directory read back knows what each
/// service was.
pub fn taxonomy_id() -> Uuid {
    derived("taxonomy", "assetmap")
}

/// A directory: each table's rows, as HSDS objects with only the fields
/// that have a value, each table in id order.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Directory {
    pub tables: BTreeMap<&'static str, Vec<Map<String, Value>>>,
    /// Where each service was read from (its line in services.csv), for
    /// messages about it.
    pub lines: BTreeMap<String, u64>,
}

impl Directory {
    pub fn rows(&self, table: &str) -> &[Map<String, Value>] {
        self.tables.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn push(&mut self, table: &'static str, row: Map<String, Value>) {
        self.tables.entry(table).or_default().push(row);
    }

    /// Sorts every table by id and drops repeated ids (an organisation
    /// named by several assets is one row, spelt as the first name in
    /// order, whichever asset was read first).
    pub fn finish(&mut self) {
        let name =
            |r: &Map<String, Value>| r.get("name").and_then(Value::as_str).map(str::to_string);
        for rows in self.tables.values_mut() {
            rows.sort_by(|a, b| id_of(a).cmp(id_of(b)).then_with(|| name(a).cmp(&name(b))));
            rows.dedup_by(|a, b| id_of(a) == id_of(b));
        }
    }

    /// The rows of `table` whose `key` is `id`.
    pub fn linked<'a>(
        &'a self,
        table: &str,
        key: &'a str,
        id: &'a str,
    ) -> impl Iterator<Item = &'a Map<String, Value>> + 'a {
        self.rows(table)
            .iter()
            .filter(move |r| r.get(key).and_then(Value::as_str) == Some(id))
    }

    /// The row of `table` with this id.
    pub fn find(&self, table: &str, id: &str) -> Option<&Map<String, Value>> {
        let rows = self.rows(table);
        rows.binary_search_by(|r| id_of(r).cmp(id))
            .ok()
            .map(|i| &rows[i])
    }
}

pub fn id_of(row: &Map<String, Value>) -> &str {
    row.get("id").and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v5_matches_the_published_example() {
        // RFC 9562's appendix: v5 of "www.example.com" in the DNS namespace.
        let dns = Uuid::parse_str("6ba7b810-9dad-11d1-80b4-00c04fd430c8").unwrap();
        assert_eq!(
            v5(&dns, "www.example.com").to_string(),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn an_imported_service_keeps_its_id() {
        let asset = Uuid::new_v4();
        let id = "8f0d3c1e-2b4a-4c6d-9e8f-0a1b2c3d4e5f";
        assert_eq!(
            service_id(asset, Some(&format!("hsds:{id}"))).to_string(),
            id
        );
        assert_eq!(
            service_id(asset, Some("osm:node/1")),
            service_id(asset, None)
        );
        assert_ne!(service_id(asset, None), service_id(Uuid::new_v4(), None));
    }
}

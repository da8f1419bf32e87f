//! The versions of one asset, from the change log: each row keeps the asset
//! as that write left it (its `payload`), so history and revert need no
//! table of their own.

use super::Dialect;
use crate::domain::{geometry_json, Asset};
use crate::store::{StoreError, Version};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// How PostgreSQL reads the payload out of a batch's JSON rows.
pub const PAYLOAD_TYPE: &str = "json";

/// The asset as a write leaves it: what a later revert writes back.
pub fn payload(asset: &Asset) -> Value {
    json!({
        "geometry": geometry_json(&asset.draft.geometry),
        "properties": asset.draft.properties(),
    })
}

pub fn select(d: Dialect) -> String {
    let (payload, id) = match d {
        Dialect::Postgres => ("payload::text", "$1::uuid"),
        Dialect::Sqlite => ("payload", "$1"),
    };
    format!(
        "select seq, version, op, changed_at, changed_by, {payload} as payload, payload_in_asset \
         from asset_change where asset_id = {id} order by seq"
    )
}

#[derive(sqlx::FromRow)]
pub struct VersionRow {
    seq: i64,
    version: i64,
    op: String,
    changed_at: DateTime<Utc>,
    changed_by: String,
    payload: Option<String>,
    payload_in_asset: bool,
}

impl VersionRow {
    /// The version whose payload is the asset row's, if any: only ever the
    /// asset's current version (a write fills it before replacing it).
    pub fn in_asset(rows: &mut [VersionRow]) -> Option<&mut VersionRow> {
        rows.iter_mut()
            .find(|r| r.payload_in_asset && r.payload.is_none())
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    pub fn fill(&mut self, asset: &Asset) {
        self.payload = Some(payload(asset).to_string());
        self.payload_in_asset = false;
    }
}

impl TryFrom<VersionRow> for Version {
    type Error = StoreError;

    fn try_from(r: VersionRow) -> Result<Version, StoreError> {
        let payload = r
            .payload
            .map(|p| serde_json::from_str(&p))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("change {}'s payload: {e}", r.seq)))?;
        Ok(Version {
            seq: r.seq,
            version: r.version,
            op: r.op,
            changed_at: r.changed_at,
            changed_by: r.changed_by,
            payload,
        })
    }
}

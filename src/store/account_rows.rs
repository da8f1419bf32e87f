//! How account and proposal rows are read back from either store.

use super::accounts::Proposal;
use super::{Result, StoreError};
use crate::domain::account::{from_secs, Role, User};
use uuid::Uuid;

pub(super) type UserRow = (String, String, String, String, Option<String>, i64, i64);

pub(super) const USER_COLUMNS: &str =
    "u.user_id, u.email, u.role, u.areas, u.password_hash, u.disabled, u.created_at";

pub(super) fn user_of(row: UserRow) -> Result<User> {
    let (id, email, role, areas, password_hash, disabled, created_at) = row;
    Ok(User {
        id: parse_uuid(&id)?,
        email,
        role: role.parse::<Role>().map_err(StoreError::Corrupt)?,
        areas: areas
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        password_hash,
        disabled: disabled != 0,
        created_at: from_secs(created_at),
    })
}

pub(super) fn parse_uuid(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt(format!("'{s}' is not a UUID")))
}

#[derive(sqlx::FromRow)]
pub(super) struct ProposalRow {
    proposal_id: String,
    kind: String,
    status: String,
    asset_id: Option<String>,
    base_version: Option<i64>,
    payload: String,
    proposer_id: Option<String>,
    proposer: String,
    lon: Option<f64>,
    lat: Option<f64>,
    created_at: i64,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    reason: Option<String>,
    result_version: Option<i64>,
    withdraw_hash: Option<String>,
}

pub(super) const PROPOSAL_COLUMNS: &str = "proposal_id, kind, status, asset_id, base_version, payload, \
     proposer_id, proposer, lon, lat, created_at, decided_at, decided_by, reason, result_version, withdraw_hash";

/// The account store's tables and the columns it reads from them, so a test
/// can hold them against the migrations of both stores.
pub const ACCOUNT_COLUMNS: &[(&str, &str)] =
    &[("app_user", USER_COLUMNS), ("proposal", PROPOSAL_COLUMNS)];

impl TryFrom<ProposalRow> for Proposal {
    type Error = StoreError;
    fn try_from(r: ProposalRow) -> Result<Proposal> {
        Ok(Proposal {
            id: parse_uuid(&r.proposal_id)?,
            kind: r.kind,
            status: r.status,
            asset_id: r.asset_id.as_deref().map(parse_uuid).transpose()?,
            base_version: r.base_version,
            payload: serde_json::from_str(&r.payload)
                .map_err(|e| StoreError::Corrupt(format!("proposal payload: {e}")))?,
            proposer_id: r.proposer_id.as_deref().map(parse_uuid).transpose()?,
            proposer: r.proposer,
            point: r.lon.zip(r.lat).map(|(lon, lat)| [lon, lat]),
            created_at: r.created_at,
            decided_at: r.decided_at,
            decided_by: r.decided_by,
            reason: r.reason,
            result_version: r.result_version,
            withdraw_hash: r.withdraw_hash,
        })
    }
}

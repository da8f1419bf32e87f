//! What approving a proposal writes: a new asset, or an edit to the version
//! the proposer saw (or the one the moderator names), through the register
//! like any other write. Reports and introductions write nothing.

use super::error::ApiError;
use super::proposal_kinds::check_edit;
use super::AppState;
use crate::domain::{Asset, AssetDraft, FieldError, Placement};
use crate::store::Proposal;
use serde_json::Value;
use uuid::Uuid;

enum Write {
    Create(Box<AssetDraft>),
    Edit {
        id: Uuid,
        expected: i64,
        patch: Value,
    },
    Nothing,
}

pub struct Plan {
    /// Where the approved write puts the asset, for moderators' areas.
    pub point: Option<[f64; 2]>,
    write: Write,
}

/// The moderator's edit if given, else the proposer's.
fn chosen<'a>(edits: &'a Value, p: &'a Proposal, key: &str) -> &'a Value {
    match edits.get(key) {
        Some(v) if !v.is_null() => v,
        _ => &p.payload[key],
    }
}

/// Checks the write an approval would make, before anything is written.
pub async fn plan(state: &AppState, p: &Proposal, edits: &Value) -> Result<Plan, ApiError> {
    match p.kind.as_str() {
        "create" => {
            let draft = state.registry.parse_draft(chosen(edits, p, "feature"))?;
            Ok(Plan {
                point: Some(Placement::of(&draft.geometry).point),
                write: Write::Create(Box::new(draft)),
            })
        }
        "edit" => {
            let id = p.asset_id.ok_or(ApiError::Internal)?;
            let current = state.registry.get(id).await?;
            let patch = chosen(edits, p, "patch").clone();
            let point = check_edit(state, &current, &patch)?;
            let expected = match edits.get("base_version") {
                None | Some(Value::Null) => p.base_version.unwrap_or(current.version),
                Some(v) => v.as_i64().ok_or_else(|| {
                    ApiError::Unprocessable(FieldError::new(
                        "base_version",
                        "expected a version number",
                    ))
                })?,
            };
            Ok(Plan {
                point: Some(point),
                write: Write::Edit {
                    id,
                    expected,
                    patch,
                },
            })
        }
        _ => Ok(Plan {
            point: None,
            write: Write::Nothing,
        }),
    }
}

/// Makes the planned write as `actor`; the asset written, if any.
pub async fn apply(state: &AppState, plan: Plan, actor: &str) -> Result<Option<Asset>, ApiError> {
    match plan.write {
        Write::Create(draft) => Ok(Some(state.registry.create(*draft, actor).await?)),
        Write::Edit {
            id,
            expected,
            patch,
        } => Ok(Some(
            state.registry.update(id, expected, &patch, actor).await?,
        )),
        Write::Nothing => Ok(None),
    }
}

//! Building proposals (new assets, edits, reports, requests to be
//! introduced), checking them as the write they would become, and showing
//! them: in full with a diff to moderators and their proposer, as a bare
//! status to anyone holding the id.

use super::caller::Caller;
use super::error::ApiError;
use super::AppState;
use crate::auth::now_secs;
use crate::domain::{geometry_json, parse_geometry, Asset, AssetDraft, FieldError, Placement};
use crate::store::Proposal;
use serde_json::{json, Map, Value};
use uuid::Uuid;

pub const REPORT_REASONS: &[&str] = &[
    "closed",
    "moved",
    "wrong_details",
    "not_community_asset",
    "other",
];

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(FieldError::new(field, message))
}

/// A trimmed text member of a body, at most `max` characters, without
/// control characters; empty counts as absent.
pub fn text(
    body: &Value,
    name: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, ApiError> {
    let value = match body.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Some(_) => return Err(invalid(name, "expected a string")),
    };
    match value {
        None if required => Err(invalid(name, "required")),
        Some(s) if s.chars().count() > max => {
            Err(invalid(name, format!("longer than {max} characters")))
        }
        Some(s) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Err(invalid(name, "contains control characters"))
        }
        v => Ok(v),
    }
}

pub fn new_proposal(
    caller: &Caller,
    kind: &str,
    asset: Option<&Asset>,
    payload: Value,
    point: [f64; 2],
) -> Proposal {
    Proposal {
        id: Uuid::new_v4(),
        kind: kind.into(),
        status: "pending".into(),
        asset_id: asset.map(|a| a.id),
        base_version: asset.map(|a| a.version),
        payload,
        proposer_id: caller.who.user_id,
        proposer: caller.who.name.clone(),
        point: Some(point),
        created_at: now_secs(),
        decided_at: None,
        decided_by: None,
        reason: None,
        result_version: None,
        withdraw_hash: None,
    }
}

/// Only moderators verify, by `POST /api/assets/{id}/verify`.
fn refuse_verification(props: Option<&Value>) -> Result<(), ApiError> {
    for key in ["verified_at", "verified_by"] {
        if props.and_then(|p| p.get(key)).is_some_and(|v| !v.is_null()) {
            return Err(invalid(key, "only moderators verify an asset"));
        }
    }
    Ok(())
}

/// Checks a proposed new asset as its write would; returns where it is.
pub fn check_create(state: &AppState, feature: &Value) -> Result<[f64; 2], ApiError> {
    let draft = state.registry.parse_draft(feature)?;
    refuse_verification(feature.get("properties"))?;
    Ok(Placement::of(&draft.geometry).point)
}

/// Checks a proposed edit (a merge patch of `properties` and/or a new
/// `geometry`) against the asset as it is now; returns where it would be.
pub fn check_edit(state: &AppState, current: &Asset, patch: &Value) -> Result<[f64; 2], ApiError> {
    let obj = patch.as_object().ok_or_else(|| {
        invalid(
            "patch",
            "expected an object with properties and/or geometry",
        )
    })?;
    if let Some(key) = obj
        .keys()
        .find(|k| !["type", "properties", "geometry"].contains(&k.as_str()))
    {
        return Err(invalid(key, "a patch has only properties and geometry"));
    }
    refuse_verification(obj.get("properties"))?;
    let mut props = current.draft.properties();
    match obj.get("properties") {
        None | Some(Value::Null) => {}
        Some(Value::Object(changes)) => {
            for (k, v) in changes {
                if v.is_null() {
                    props.remove(k);
                } else {
                    props.insert(k.clone(), v.clone());
                }
            }
        }
        Some(_) => return Err(invalid("properties", "expected an object")),
    }
    let geometry = match obj.get("geometry") {
        None | Some(Value::Null) => current.draft.geometry.clone(),
        Some(g) => parse_geometry(g).map_err(ApiError::Unprocessable)?,
    };
    let draft = AssetDraft::from_properties(&props, geometry, state.registry.vocabulary())
        .map_err(ApiError::Unprocessable)?;
    Ok(Placement::of(&draft.geometry).point)
}

/// What a create or edit would change: `{property: {"from", "to"}}`.
pub async fn diff(state: &AppState, p: &Proposal) -> Result<Value, ApiError> {
    let mut out = Map::new();
    match p.kind.as_str() {
        "create" => {
            let f = &p.payload["feature"];
            if let Some(props) = f["properties"].as_object() {
                for (k, v) in props.iter().filter(|(_, v)| !v.is_null()) {
                    out.insert(k.clone(), json!({"from": null, "to": v}));
                }
            }
            out.insert(
                "geometry".into(),
                json!({"from": null, "to": f["geometry"]}),
            );
        }
        "edit" => {
            let Some(id) = p.asset_id else {
                return Ok(Value::Null);
            };
            let Some(current) = state.registry.store().get(id).await? else {
                return Ok(Value::Null);
            };
            let from = current.draft.properties();
            let patch = &p.payload["patch"];
            if let Some(props) = patch["properties"].as_object() {
                for (k, v) in props {
                    let old = from.get(k).cloned().unwrap_or(Value::Null);
                    if &old != v {
                        out.insert(k.clone(), json!({"from": old, "to": v}));
                    }
                }
            }
            if !patch["geometry"].is_null() {
                let old = geometry_json(&current.draft.geometry);
                out.insert(
                    "geometry".into(),
                    json!({"from": old, "to": patch["geometry"]}),
                );
            }
        }
        _ => return Ok(Value::Null),
    }
    Ok(Value::Object(out))
}

fn status_word(p: &Proposal) -> &str {
    // A proposal being written is still pending to everyone else.
    match p.status.as_str() {
        "approving" => "pending",
        s => s,
    }
}

/// Decided: approved or rejected (a failed approval goes back to pending
/// and keeps no decision).
fn decided(p: &Proposal) -> bool {
    matches!(p.status.as_str(), "approved" | "rejected")
}

fn time(secs: Option<i64>) -> Value {
    json!(secs.map(|s| crate::auth::from_secs(s).to_rfc3339()))
}

/// What anyone holding the id may see: whether it was taken up, and why not.
pub fn status_view(p: &Proposal) -> Value {
    json!({
        "id": p.id,
        "kind": p.kind,
        "status": status_word(p),
        "reason": p.reason.as_ref().filter(|_| decided(p)),
        "created_at": time(Some(p.created_at)),
        "decided_at": time(p.decided_at.filter(|_| decided(p))),
    })
}

/// The whole proposal with its diff. Names of people (who proposed, who
/// decided) only for moderators.
pub async fn full_view(state: &AppState, p: &Proposal, moderator: bool) -> Result<Value, ApiError> {
    let mut v = status_view(p);
    v["asset_id"] = json!(p.asset_id);
    v["base_version"] = json!(p.base_version);
    v["payload"] = p.payload.clone();
    v["result_version"] = json!(p.result_version);
    v["diff"] = diff(state, p).await?;
    if moderator {
        v["proposer"] = json!(p.proposer);
        v["decided_by"] = json!(p.decided_by.as_ref().filter(|_| decided(p)));
        v["point"] = json!(p.point);
    }
    Ok(v)
}

//! An asset's history from the change log (`GET /api/assets/{id}/history`)
//! and going back to an earlier version (`POST /api/assets/{id}/revert`).
//!
//! Who made a change is shown to moderators only; everyone else sees the
//! role (`by_role`: moderator, contributor, administrator, import, and
//! `by` in words: "a moderator"). The history of anything shown only by area (people's offers)
//! is for moderators only: old versions hold exact places and contacts.

use super::assets::{feature_response, if_match, parse_id};
use super::caller::Caller;
use super::error::ApiError;
use super::extract::JsonBody;
use super::AppState;
use crate::auth::{Action, Decision, Role};
use crate::domain::{diff, Asset, Capital, FieldError, Placement, Status, Visibility};
use crate::store::Version;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/assets/{id}/history", get(history))
        .route("/api/assets/{id}/revert", post(revert))
}

/// Whether a version's payload describes something shown only by area.
fn shown_by_area(payload: &Value) -> bool {
    let p = &payload["properties"];
    p["capital"] == Capital::Human.as_str() || p["visibility"] == Visibility::AreaOnly.as_str()
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(history, revert))]
pub(super) struct Doc;

/// Every version of an asset, newest first, with who changed what (by
/// role to the public).
#[utoipa::path(get, path = "/api/assets/{id}/history", tag = "assets",
    params(("id" = String, Path, format = Uuid)),
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The versions, newest first", body = super::openapi::bodies::History), super::openapi::schemas::Errors))]
async fn history(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = parse_id(&id)?;
    // A bad token reads as the public, as every read does.
    let moderator = caller.is_ok_and(|c| c.who.moderates());
    let asset = if moderator {
        state
            .registry
            .store()
            .get(id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no asset with id {id}")))?
    } else {
        let asset = state.registry.get(id).await?;
        if asset.draft.status != Status::Published {
            return Err(ApiError::NotFound(format!("no asset with id {id}")));
        }
        asset
    };
    let versions = state.registry.store().history(id).await?;
    if !moderator
        && (asset.draft.visibility() == Visibility::AreaOnly
            || versions
                .iter()
                .any(|v| v.payload.as_ref().is_some_and(shown_by_area)))
    {
        return Err(ApiError::Forbidden(
            "the history of a person's offer is shown to moderators only",
        ));
    }
    let labels = if moderator {
        HashMap::new()
    } else {
        role_labels(&state, &versions).await?
    };
    let mut rows: Vec<Value> = Vec::with_capacity(versions.len());
    let mut before: Option<&Version> = None;
    for v in &versions {
        // What changed is known only when both sides were kept.
        let recorded = v.payload.is_some() && before.is_none_or(|b| b.payload.is_some());
        let changes = match (&v.payload, recorded) {
            (Some(after), true) => diff(before.and_then(|b| b.payload.as_ref()), after),
            _ => Vec::new(),
        };
        let mut row = json!({
            "version": v.version,
            "op": v.op,
            "changed_at": v.changed_at.to_rfc3339(),
            "recorded": recorded,
            "revertible": v.payload.is_some() && v.version < asset.version,
            "changes": changes,
        });
        if moderator {
            row["changed_by"] = json!(v.changed_by);
            row["by"] = json!(v.changed_by);
        } else {
            let role = labels.get(&v.changed_by).copied().unwrap_or("import");
            row["by_role"] = json!(role);
            row["by"] = json!(in_words(role));
        }
        rows.push(row);
        before = Some(v);
    }
    rows.reverse();
    Ok(Json(json!({
        "id": id,
        "name": asset.draft.name,
        "version": asset.version,
        "names_shown": moderator,
        "versions": rows,
    })))
}

/// The role each writer had, as the public is told it: never the name.
async fn role_labels(
    state: &AppState,
    versions: &[Version],
) -> Result<HashMap<String, &'static str>, ApiError> {
    let accounts = state.registry.store().accounts();
    let mut labels = HashMap::new();
    for v in versions {
        if labels.contains_key(&v.changed_by) {
            continue;
        }
        let role = match v.changed_by.as_str() {
            "admin" => "administrator",
            "withdrawn" => "withdrawn",
            who if who.contains('@') => match accounts.user_by_email(who).await? {
                Some(u) => match u.role {
                    Role::Contributor => "contributor",
                    Role::Moderator => "moderator",
                    Role::Admin => "administrator",
                },
                None => "former_account",
            },
            _ => "import",
        };
        labels.insert(v.changed_by.clone(), role);
    }
    Ok(labels)
}

fn in_words(role: &str) -> &'static str {
    match role {
        "administrator" => "an administrator",
        "withdrawn" => "withdrawn",
        "contributor" => "a contributor",
        "moderator" => "a moderator",
        "former_account" => "a former account",
        _ => "a data import",
    }
}

/// `{"version": N}` with `If-Match` the current version: writes version N's
/// content as a new version. Verification and status stay as they are now:
/// going back in content is not a new check, nor a publication.
#[utoipa::path(post, path = "/api/assets/{id}/revert", tag = "assets",
    params(("id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header, description = "The current version")),
    request_body(content = serde_json::Value, description = "`{\"version\": N}`: the version to go back to"),
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "Reverted: the asset as it is now", body = super::openapi::schemas::Feature), super::openapi::schemas::Errors))]
async fn revert(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.precheck(Action::RevertAsset)?;
    let id = parse_id(&id)?;
    let expected = if_match(&headers)?.ok_or(ApiError::PreconditionRequired)?;
    let current = state.registry.get(id).await?;
    let allowed = |points: &[[f64; 2]]| caller.decide(&state, Action::RevertAsset, points);
    if allowed(&[current.placement().point])? != Decision::Allow {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    let wanted = body
        .get("version")
        .and_then(Value::as_i64)
        .filter(|v| *v >= 1)
        .ok_or_else(|| bad("expected the number of an earlier version"))?;
    let versions = state.registry.store().history(id).await?;
    let version = versions
        .iter()
        .find(|v| v.version == wanted)
        .ok_or_else(|| bad(&format!("this asset has no version {wanted}")))?;
    if wanted >= current.version {
        return Err(bad(&format!("version {wanted} is the current version")));
    }
    let payload = version.payload.as_ref().ok_or_else(|| {
        bad(&format!(
            "version {wanted} was written before history was kept, or erased: there is nothing to go back to"
        ))
    })?;
    let draft = restore(&state, &current, payload)?;
    if allowed(&[Placement::of(&draft.geometry).point])? != Decision::Allow {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    let asset = state
        .registry
        .replace(id, expected, draft, &caller.who.name)
        .await?;
    Ok(feature_response(StatusCode::OK, &asset))
}

fn bad(message: &str) -> ApiError {
    ApiError::Unprocessable(FieldError::new("version", message))
}

/// A version's payload as a draft, checked as any write is (a category
/// since removed from the vocabulary is refused, naming the field).
fn restore(
    state: &AppState,
    current: &Asset,
    payload: &Value,
) -> Result<crate::domain::AssetDraft, ApiError> {
    let feature = json!({
        "type": "Feature",
        "geometry": payload["geometry"],
        "properties": payload["properties"],
    });
    let mut draft = state.registry.parse_draft(&feature)?;
    draft.status = current.draft.status;
    draft.verified_at = current.draft.verified_at;
    draft.verified_by = current.draft.verified_by.clone();
    Ok(draft)
}

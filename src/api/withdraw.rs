//! Withdrawing a person's offer: with the code they were given when they
//! offered it (no account needed), or by a moderator on their behalf. Their
//! personal fields are erased everywhere the server keeps them (the asset,
//! so every query and export; the queue's payloads; the names in the change
//! log), leaving an archived, anonymous tombstone.

use super::assets::parse_id;
use super::caller::Caller;
use super::error::ApiError;
use super::extract::JsonBody;
use super::proposal_kinds::text;
use super::AppState;
use crate::auth::{now_secs, secrets, Action, Decision};
use crate::domain::{Asset, AssetDraft, Capital, FieldError, Visibility};
use crate::store::{Change, ChangeOp, Proposal};
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/withdrawals", post(withdraw_with_code))
        .route("/api/assets/{id}/withdraw", post(withdraw_by_moderator))
        .route("/api/consent", get(consent))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(withdraw_with_code, withdraw_by_moderator, consent))]
pub(super) struct Doc;

/// What a person offering a skill agrees to, in plain words; the page shows
/// it beside the consent box.
pub const CONSENT: [(&str, &str); 3] = [
    (
        "shown",
        "What you offer, its category and your description are shown on the public map, \
         but only at the area you are in (a square about 1 km across), never at your \
         address, and without your address or contact details.",
    ),
    (
        "to_whom",
        "The forum's moderators see where you are and how to reach you, so that they can \
         introduce you to people who ask. They do not pass your details on without asking you.",
    ),
    (
        "withdraw",
        "You can withdraw at any time with the withdrawal code you get when you offer, or \
         by asking a moderator. Everything personal is then erased, leaving only an \
         anonymous note that an offer was withdrawn.",
    ),
];

/// What a person offering a skill agrees to: `shown`, `to_whom`, `withdraw`.
#[utoipa::path(get, path = "/api/consent", tag = "community",
    responses((status = 200, description = "The consent words a person agrees to", body = std::collections::BTreeMap<String, String>), super::openapi::schemas::Errors))]
async fn consent() -> Json<Value> {
    let map: serde_json::Map<String, Value> = CONSENT
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    Json(Value::Object(map))
}

/// `POST /api/withdrawals` `{"code"}`: anyone holding the code.
#[utoipa::path(post, path = "/api/withdrawals", tag = "community",
    request_body(content = serde_json::Value, description = "`{\"code\"}`: the withdrawal code"),
    responses((status = 200, description = "`{\"withdrawn\": true}`", body = serde_json::Value), super::openapi::schemas::Errors))]
async fn withdraw_with_code(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    state
        .accounts
        .sign_in
        .check(caller.client)
        .map_err(|wait| ApiError::TooManyRequests(wait.as_secs()))?;
    let code = text(&body, "code", 200, true)?.unwrap_or_default();
    let accounts = state.registry.store().accounts();
    let proposal: Proposal = accounts
        .proposal_by_withdraw_hash(&secrets::token_hash(&code))
        .await?
        .ok_or_else(|| {
            ApiError::Unprocessable(FieldError::new("code", "no offer has this withdrawal code"))
        })?;
    if let Some(id) = proposal.asset_id {
        tombstone(&state, id).await?;
    }
    accounts
        .erase_person(proposal.asset_id, Some(proposal.id), now_secs())
        .await?;
    Ok(Json(json!({"withdrawn": true})))
}

/// `POST /api/assets/{id}/withdraw`: a moderator of its area, for a person
/// who asked them.
#[utoipa::path(post, path = "/api/assets/{id}/withdraw", tag = "community",
    params(("id" = String, Path, format = Uuid)),
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "`{\"withdrawn\": true}`", body = serde_json::Value), super::openapi::schemas::Errors))]
async fn withdraw_by_moderator(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    caller.precheck(Action::WithdrawPerson)?;
    let id = parse_id(&id)?;
    let asset = state
        .registry
        .store()
        .get(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no asset with id {id}")))?;
    let point = asset.placement().point;
    if caller.decide(&state, Action::WithdrawPerson, &[point])? != Decision::Allow {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    if asset.draft.capital() != Capital::Human {
        return Err(ApiError::Unprocessable(FieldError::new(
            "id",
            "only people's offers are withdrawn; archive other assets",
        )));
    }
    tombstone(&state, id).await?;
    let accounts = state.registry.store().accounts();
    accounts.erase_person(Some(id), None, now_secs()).await?;
    Ok(Json(json!({"withdrawn": true})))
}

/// Replaces the asset by an archived record with nothing personal in it:
/// one write through the register, so other servers drop it too.
async fn tombstone(state: &AppState, id: uuid::Uuid) -> Result<(), ApiError> {
    let Some(current) = state.registry.store().get(id).await? else {
        return Ok(());
    };
    let at = current.placement().generalised().point;
    // Nothing of the person is kept: a fixed name, their capital and
    // category for the counts, the generalised place, no optional field.
    let draft = AssetDraft::archived(
        "Withdrawn offer".into(),
        current.draft.capital(),
        current.draft.category.clone(),
        geo::Geometry::Point(geo::Point::new(at[0], at[1])),
        Some(Visibility::AreaOnly),
        false,
    )
    .map_err(ApiError::Unprocessable)?;
    let now = Utc::now().trunc_subsecs(6);
    let asset = Asset {
        id,
        draft,
        created_at: current.created_at,
        created_by: "withdrawn".into(),
        updated_at: now,
        updated_by: "withdrawn".into(),
        version: current.version + 1,
    };
    let change = Change {
        asset,
        op: ChangeOp::Archive,
        expected_version: Some(current.version),
    };
    state.registry.commit(vec![change]).await?;
    Ok(())
}

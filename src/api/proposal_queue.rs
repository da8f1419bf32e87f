//! Putting a proposal in the queue (new assets and edits from callers
//! whose writes are queued, suggestions, reports, introductions) and
//! finding one again.

use super::caller::Caller;
use super::error::ApiError;
use super::proposal_kinds as kinds;
use super::AppState;
use crate::store::Proposal;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

pub fn parse_id(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::bad("id", format!("'{id}' is not a {what} id (a UUID)")))
}

pub async fn load(state: &AppState, id: &str) -> Result<Proposal, ApiError> {
    let id = parse_id(id, "proposal")?;
    state
        .registry
        .store()
        .accounts()
        .proposal(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no proposal with id {id}")))
}

/// Stores a proposal and answers `status` with it and its `Location`.
/// A person's offer (human capital) comes with a withdrawal code, shown
/// only in this answer.
pub async fn queued(
    state: &AppState,
    mut p: Proposal,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let offer = p.kind == "create" && p.payload["feature"]["properties"]["capital"] == "human";
    let code = offer.then(crate::auth::secrets::random_token);
    p.withdraw_hash = code.as_deref().map(crate::auth::secrets::token_hash);
    state.registry.store().accounts().add_proposal(&p).await?;
    let mut body = json!({"proposal": kinds::full_view(state, &p, false).await?});
    if let Some(code) = code {
        body["withdrawal_code"] = json!(code);
    }
    let mut response = (status, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/proposals/{}", p.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// A new asset from a caller whose creates are queued (`POST /api/assets`).
pub async fn queue_create(
    state: &AppState,
    caller: &Caller,
    feature: Value,
) -> Result<Response, ApiError> {
    let point = kinds::check_create(state, &feature)?;
    let p = kinds::new_proposal(caller, "create", None, json!({"feature": feature}), point);
    queued(state, p, StatusCode::ACCEPTED).await
}

/// An edit from a caller whose edits are queued (`PATCH /api/assets/{id}`).
pub async fn queue_edit(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    patch: Value,
) -> Result<Response, ApiError> {
    let current = state.registry.get(id).await?;
    kinds::check_edit(state, &current, &patch)?;
    let point = current.placement().point;
    let p = kinds::new_proposal(
        caller,
        "edit",
        Some(&current),
        json!({"patch": patch}),
        point,
    );
    queued(state, p, StatusCode::ACCEPTED).await
}

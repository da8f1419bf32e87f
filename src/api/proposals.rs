//! The moderators' queue: `/api/proposals` (suggested assets and edits,
//! offers of skills), reports of problems and requests to be introduced,
//! and approving or rejecting them. An approval is one ordinary write
//! through the register and its change log.

use super::caller::Caller;
use super::error::ApiError;
use super::extract::{JsonBody, Params};
use super::openapi::schemas::{self, Errors};
use super::proposal_kinds::{self as kinds, text, REPORT_REASONS};
use super::proposal_queue::{load, parse_id, queued};
use super::AppState;
use crate::auth::{now_secs, Action, Decision};
use crate::domain::{Capital, FieldError};
use crate::store::Proposal;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/proposals", get(list).post(submit))
        .route("/api/proposals/{id}", get(read))
        .route("/api/proposals/{id}/approve", post(approve))
        .route("/api/proposals/{id}/reject", post(reject))
        .route("/api/assets/{id}/reports", post(report))
        .route("/api/assets/{id}/introductions", post(introduce))
        .route("/api/report-reasons", get(reasons))
}

/// The reasons a report may give, for the page's form.
#[utoipa::path(get, path = "/api/report-reasons", tag = "community",
    responses((status = 200, description = "`{\"reasons\": [...]}`", body = Value), Errors))]
async fn reasons() -> Json<Value> {
    Json(json!({ "reasons": REPORT_REASONS }))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, submit, read, approve, reject, report, introduce, reasons))]
pub(super) struct Doc;

/// `POST /api/proposals`: `{"kind": "create", "feature": {...}}` or
/// `{"kind": "edit", "asset_id", "patch": {...}}`. Open to everyone.
#[utoipa::path(post, path = "/api/proposals", tag = "community", security((), ("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = schemas::Suggestion,
    responses((status = 201, description = "Sent for review: the proposal", body = schemas::Queued), Errors))]
async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.decide(&state, Action::Suggest, &[])?;
    caller.limit_anonymous(&state)?;
    match text(&body, "kind", 20, true)?.as_deref() {
        Some("create") => {
            let feature = body.get("feature").cloned().unwrap_or(Value::Null);
            let point = kinds::check_create(&state, &feature)?;
            let p =
                kinds::new_proposal(&caller, "create", None, json!({"feature": feature}), point);
            queued(&state, p, StatusCode::CREATED).await
        }
        Some("edit") => {
            let id = text(&body, "asset_id", 40, true)?.unwrap_or_default();
            let current = state.registry.get(parse_id(&id, "asset")?).await?;
            let patch = body.get("patch").cloned().unwrap_or(Value::Null);
            kinds::check_edit(&state, &current, &patch)?;
            let point = current.placement().point;
            let p = kinds::new_proposal(
                &caller,
                "edit",
                Some(&current),
                json!({"patch": patch}),
                point,
            );
            queued(&state, p, StatusCode::CREATED).await
        }
        _ => Err(ApiError::Unprocessable(FieldError::new(
            "kind",
            "expected \"create\" or \"edit\"",
        ))),
    }
}

/// `POST /api/assets/{id}/reports`: `{"reason": "closed" | "moved" |
/// "wrong_details" | "not_community_asset" | "other", "details"}`.
#[utoipa::path(post, path = "/api/assets/{id}/reports", tag = "community", params(("id" = String, Path, format = Uuid)), security((), ("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = schemas::ReportBody,
    responses((status = 201, description = "Sent to the moderators: the report", body = schemas::Queued), Errors))]
async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.decide(&state, Action::Report, &[])?;
    caller.limit_anonymous(&state)?;
    let asset = state.registry.get(parse_id(&id, "asset")?).await?;
    let reason = text(&body, "reason", 40, true)?.unwrap_or_default();
    if !REPORT_REASONS.contains(&reason.as_str()) {
        let msg = format!("'{reason}' is not one of {}", REPORT_REASONS.join(", "));
        return Err(ApiError::Unprocessable(FieldError::new("reason", msg)));
    }
    let details = text(&body, "details", 2000, false)?;
    let payload = json!({"reason": reason, "details": details});
    let p = kinds::new_proposal(
        &caller,
        "report",
        Some(&asset),
        payload,
        asset.placement().point,
    );
    queued(&state, p, StatusCode::CREATED).await
}

/// `POST /api/assets/{id}/introductions`: `{"message", "contact", "name"}`
/// for a person's offer; moderators broker the introduction.
#[utoipa::path(post, path = "/api/assets/{id}/introductions", tag = "community", params(("id" = String, Path, format = Uuid)), security((), ("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = schemas::Introduction,
    responses((status = 201, description = "Sent to the moderators: the request to be introduced", body = schemas::Queued), Errors))]
async fn introduce(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.decide(&state, Action::AskIntroduction, &[])?;
    caller.limit_anonymous(&state)?;
    let asset = state.registry.get(parse_id(&id, "asset")?).await?;
    if asset.draft.capital() != Capital::Human {
        return Err(ApiError::Unprocessable(FieldError::new(
            "id",
            "introductions are for people's offers; contact this asset directly",
        )));
    }
    let payload = json!({
        "message": text(&body, "message", 2000, true)?,
        "contact": text(&body, "contact", 500, true)?,
        "name": text(&body, "name", 200, false)?,
    });
    let p = kinds::new_proposal(
        &caller,
        "introduction",
        Some(&asset),
        payload,
        asset.placement().point,
    );
    queued(&state, p, StatusCode::CREATED).await
}

/// Whether the caller reviews this proposal (a moderator of its area, or
/// an admin).
fn reviews(state: &AppState, caller: &Caller, p: &Proposal) -> bool {
    let points: Vec<[f64; 2]> = p.point.into_iter().collect();
    caller.decide(state, Action::Review, &points).is_ok()
}

/// `GET /api/proposals?status=pending|approved|rejected|all&kind=`: the
/// queue for moderators (in their areas), one's own for contributors.
#[utoipa::path(get, path = "/api/proposals", operation_id = "listProposals", tag = "community", security(("bearer" = []), ("session" = [], "csrf" = [])),
    params(("status" = Option<String>, Query, description = "pending (moderators' default), approved, rejected or all"),
        ("kind" = Option<String>, Query, description = "create, edit, report or introduction")),
    responses((status = 200, description = "The proposals the caller may see, newest first", body = schemas::Proposals), Errors))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    if caller.who.is_public() {
        return Err(ApiError::Unauthorized);
    }
    let moderator = caller.who.moderates();
    let default = if moderator { "pending" } else { "all" };
    let status = params.get("status").unwrap_or(default);
    if !["pending", "approved", "rejected", "all"].contains(&status) {
        return Err(ApiError::bad(
            "status",
            "expected pending, approved, rejected or all",
        ));
    }
    let kind = params.get("kind");
    let wanted = (status != "all").then_some(status);
    let mut rows = state.registry.store().accounts().proposals(wanted).await?;
    if status == "pending" {
        let approving = state
            .registry
            .store()
            .accounts()
            .proposals(Some("approving"))
            .await?;
        rows.extend(approving);
    }
    let mut out = Vec::new();
    for p in rows.iter().filter(|p| kind.is_none_or(|k| p.kind == k)) {
        let own = caller.who.user_id.is_some() && p.proposer_id == caller.who.user_id;
        if moderator && reviews(&state, &caller, p) {
            out.push(kinds::full_view(&state, p, true).await?);
        } else if own {
            out.push(kinds::full_view(&state, p, false).await?);
        }
    }
    Ok(Json(json!({"count": out.len(), "proposals": out})))
}

/// `GET /api/proposals/{id}`: in full to its moderators and proposer; its
/// status and any reason to anyone holding the id.
#[utoipa::path(get, path = "/api/proposals/{id}", operation_id = "getProposal", tag = "community", params(("id" = String, Path, format = Uuid)), security((), ("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "The proposal, with its diff against the asset", body = schemas::Queued), Errors))]
async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let p = load(&state, &id).await?;
    let own = caller.who.user_id.is_some() && p.proposer_id == caller.who.user_id;
    let view = if caller.who.moderates() && reviews(&state, &caller, &p) {
        kinds::full_view(&state, &p, true).await?
    } else if own {
        kinds::full_view(&state, &p, false).await?
    } else {
        kinds::status_view(&p)
    };
    Ok(Json(json!({"proposal": view})))
}

/// An optional JSON body: empty means `{}`.
fn optional_json(bytes: &Bytes) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// `POST /api/proposals/{id}/approve`, optionally with the moderator's
/// edits: `{"feature": {...}}` for a new asset, `{"patch": {...},
/// "base_version": n}` for an edit, and a `"reason"` the proposer sees.
#[utoipa::path(post, path = "/api/proposals/{id}/approve", tag = "community", params(("id" = String, Path, format = Uuid)), security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body(content = Option<schemas::Approval>, description = "Optional: the moderator's edits"),
    responses((status = 200, description = "Approved: the proposal and what it wrote", body = schemas::Approved), Errors))]
async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.precheck(Action::Review)?;
    let p = load(&state, &id).await?;
    let edits = optional_json(&body)?;
    let plan = super::approval::plan(&state, &p, &edits).await?;
    let mut points: Vec<[f64; 2]> = p.point.into_iter().collect();
    points.extend(plan.point);
    if caller.decide(&state, Action::Review, &points)? != Decision::Allow {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    let note = text(&edits, "reason", 1000, false)?;
    let accounts = state.registry.store().accounts();
    let by = caller.who.name.as_str();
    if !accounts
        .decide_proposal(p.id, "pending", "approving", by, None, now_secs())
        .await?
    {
        return Err(ApiError::AlreadyDecided(format!(
            "proposal {} is already {}",
            p.id, p.status
        )));
    }
    let asset = match super::approval::apply(&state, plan, by).await {
        Ok(asset) => asset,
        Err(e) => {
            accounts
                .decide_proposal(p.id, "approving", "pending", by, None, now_secs())
                .await?;
            return Err(e);
        }
    };
    accounts
        .decide_proposal(
            p.id,
            "approving",
            "approved",
            by,
            note.as_deref(),
            now_secs(),
        )
        .await?;
    if let Some(a) = &asset {
        accounts.set_proposal_result(p.id, a.id, a.version).await?;
    }
    let p = load(&state, &id).await?;
    Ok(Json(json!({
        "proposal": kinds::full_view(&state, &p, true).await?,
        "asset": asset.map(|a| a.to_public_feature()),
    })))
}

/// `POST /api/proposals/{id}/reject` with `{"reason": "..."}`, which the
/// proposer sees.
#[utoipa::path(post, path = "/api/proposals/{id}/reject", tag = "community", params(("id" = String, Path, format = Uuid)), security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body = schemas::Reason,
    responses((status = 200, description = "Rejected: the proposal with its reason", body = schemas::Queued), Errors))]
async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    caller.precheck(Action::Review)?;
    let p = load(&state, &id).await?;
    let points: Vec<[f64; 2]> = p.point.into_iter().collect();
    caller.decide(&state, Action::Review, &points)?;
    let reason = text(&body, "reason", 1000, true)?;
    let accounts = state.registry.store().accounts();
    let by = caller.who.name.as_str();
    if !accounts
        .decide_proposal(
            p.id,
            "pending",
            "rejected",
            by,
            reason.as_deref(),
            now_secs(),
        )
        .await?
    {
        return Err(ApiError::AlreadyDecided(format!(
            "proposal {} is already {}",
            p.id, p.status
        )));
    }
    let p = load(&state, &id).await?;
    Ok(Json(
        json!({"proposal": kinds::full_view(&state, &p, true).await?}),
    ))
}

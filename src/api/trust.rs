//! Trust: a moderator marks an asset verified (`POST
//! /api/assets/{id}/verify`), and moderators list what most needs checking,
//! oldest first (`GET /api/verification?area=CODE`).

use super::assets::{feature_response, parse_id};
use super::caller::Caller;
use super::error::ApiError;
use super::extract::Params;
use super::openapi::schemas::{self, Errors};
use super::AppState;
use crate::auth::{Action, Decision};
use crate::domain::Asset;
use crate::service::{AssetQuery, Spatial, MAX_LIMIT};
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/assets/{id}/verify", post(verify))
        .route("/api/verification", get(oldest_first))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(verify, oldest_first))]
pub(super) struct Doc;

/// Who verified, as the public sees it: the role, not the person (the
/// change log keeps who).
fn verifier(caller: &Caller) -> &'static str {
    caller.who.role.map(|r| r.as_str()).unwrap_or("public")
}

/// Marks an asset verified now, by the caller's role.
#[utoipa::path(post, path = "/api/assets/{id}/verify", tag = "community",
    params(("id" = String, Path, format = Uuid)),
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "Verified: the asset as stored", body = schemas::Feature), Errors))]
async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.precheck(Action::VerifyAsset)?;
    let current = state.registry.get(parse_id(&id)?).await?;
    if caller.decide(&state, Action::VerifyAsset, &[current.placement().point])? != Decision::Allow
    {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    let now = Utc::now().trunc_subsecs(0).to_rfc3339();
    let patch = json!({"properties": {"verified_at": now, "verified_by": verifier(&caller)}});
    let asset = state
        .registry
        .update(current.id, current.version, &patch, &caller.who.name)
        .await?;
    Ok(feature_response(axum::http::StatusCode::OK, &asset))
}

/// Assets in an area (everywhere without `area`), least recently checked
/// first, for moderators.
#[utoipa::path(get, path = "/api/verification", tag = "community",
    params(("area" = Option<String>, Query, description = "An area code")),
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "`count` and `assets`: `id`, `name`, `capital`, `category`, \
        `verified_at`, `verified_by`, `created_at`, `may_be_out_of_date`", body = serde_json::Value), Errors))]
async fn oldest_first(
    State(state): State<AppState>,
    caller: Caller,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    caller.precheck(Action::VerifyAsset)?;
    let mut query = AssetQuery::everywhere();
    let mut areas: Vec<String> = caller.who.areas.clone();
    if let Some(code) = params.get("area") {
        if state.registry.areas().get(code).is_none() {
            return Err(ApiError::bad(
                "area",
                format!("no area has the code '{code}'"),
            ));
        }
        if !areas.is_empty() && !areas.iter().any(|a| a == code) {
            return Err(ApiError::Forbidden(
                "that is outside the areas you moderate",
            ));
        }
        query.spatial = Spatial::Within(code.to_string());
        areas.clear();
    }
    query.limit = MAX_LIMIT;
    let page = state.registry.query(&query).await?;
    let mut assets: Vec<Asset> = page
        .items
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| {
            areas.is_empty() || super::caller::in_areas(&state, &[a.placement().point], &areas)
        })
        .collect();
    assets.sort_by_key(|a| (a.last_checked(), a.id));
    let now = Utc::now();
    let rows: Vec<Value> = assets
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.draft.name,
                "capital": a.draft.capital(),
                "category": a.draft.category,
                "verified_at": a.draft.verified_at.map(|t| t.to_rfc3339()),
                "verified_by": a.draft.verified_by,
                "created_at": a.created_at.to_rfc3339(),
                "may_be_out_of_date": a.may_be_out_of_date(now),
            })
        })
        .collect();
    Ok(Json(json!({"count": rows.len(), "assets": rows})))
}

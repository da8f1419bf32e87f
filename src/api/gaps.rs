//! `/api/gaps`: where the gaps are, as JSON, GeoJSON (for a choropleth) and
//! CSV; and `/api/areas/{code}/profile`: one area's five capitals.

use super::areas::{gap_feature, AreaFeature};
use super::error::{ApiError, Result};
use super::extract::Params;
use super::extract::Path;
use super::openapi::{params, schemas::Errors};
use super::AppState;
use crate::analysis::{
    check_distance, GapParams, GapReport, GapRow, DEFAULT_DISTANCE_M, DEFAULT_MIN_COVERAGE,
    DEFAULT_RANK_BY,
};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/gaps", get(as_json))
        .route("/api/gaps.geojson", get(as_geojson))
        .route("/api/gaps.csv", get(as_csv))
        .route("/api/areas/{code}/profile", get(profile))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(as_json, as_geojson, as_csv, profile))]
pub(super) struct Doc;

fn distance(params: &Params) -> Result<f64> {
    let d = params.parse::<f64>("distance_m")?;
    check_distance(d.unwrap_or(DEFAULT_DISTANCE_M)).map_err(ApiError::BadRequest)
}

/// The question in the query, checked as `assetmap gaps` checks its flags.
pub fn parse(params: &Params, state: &AppState) -> Result<GapParams> {
    let levels = state.registry.areas().levels();
    let level = params
        .get("level")
        .ok_or_else(|| ApiError::bad("level", format!("choose a level: {}", levels.join(", "))))?;
    let gap = GapParams {
        level: level.to_string(),
        capitals: params.capitals()?,
        categories: params.list("category"),
        distance_m: params.parse("distance_m")?.unwrap_or(DEFAULT_DISTANCE_M),
        rank_by: params.parse("rank_by")?.unwrap_or(DEFAULT_RANK_BY),
        min_coverage: params
            .parse("min_coverage")?
            .unwrap_or(DEFAULT_MIN_COVERAGE),
    };
    gap.check(&levels, state.registry.vocabulary())
        .map_err(ApiError::BadRequest)?;
    Ok(gap)
}

/// Runs the analysis on a blocking thread: at national scale it takes
/// seconds, which must not hold up the async workers serving the map.
async fn report(params: &Params, state: &AppState) -> Result<GapReport> {
    let params = parse(params, state)?;
    let registry = state.registry.clone();
    tokio::task::spawn_blocking(move || registry.gaps(&params))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "gap analysis failed");
            ApiError::Internal
        })
}

/// The areas of a level ranked by how well a capital reaches their
/// residents, with the gaps marked.
#[utoipa::path(get, path = "/api/gaps", tag = "areas", params(params::Gaps),
    responses((status = 200, description = "The gap measures of every area of the level", body = crate::analysis::GapReport), Errors))]
async fn as_json(State(state): State<AppState>, params: Params) -> Result<Json<GapReport>> {
    Ok(Json(report(&params, &state).await?))
}

/// The same as areas with the measures as properties, for a choropleth.
#[utoipa::path(get, path = "/api/gaps.geojson", tag = "areas", params(params::Gaps),
    responses((status = 200, description = "The areas with their rows as properties", content_type = "application/geo+json", body = GapCollection), Errors))]
async fn as_geojson(State(state): State<AppState>, params: Params) -> Result<Response> {
    let report = report(&params, &state).await?;
    let areas = state.registry.areas();
    let features: Vec<Value> = report
        .rows
        .iter()
        .filter_map(|row| Some(gap_feature(areas.get(&row.code)?, row)))
        .collect();
    let mut about = serde_json::to_value(&report).expect("reports serialise");
    about.as_object_mut().expect("an object").remove("rows");
    let body = json!({"type": "FeatureCollection", "gaps": about, "features": features});
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response())
}

/// The same as a spreadsheet.
#[utoipa::path(get, path = "/api/gaps.csv", tag = "areas", params(params::Gaps),
    responses((status = 200, description = "The same gap rows as CSV", content_type = "text/csv", body = String), Errors))]
async fn as_csv(State(state): State<AppState>, params: Params) -> Result<Response> {
    let report = report(&params, &state).await?;
    let body = crate::export::gaps_csv(&report);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"assetmap-gaps.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// One area's five capitals against the median of its level.
#[utoipa::path(get, path = "/api/areas/{code}/profile", tag = "areas",
    params(("code" = String, Path), ("distance_m" = Option<f64>, Query)),
    responses((status = 200, description = "The area's five capitals beside the median of its level", body = crate::analysis::Profile), Errors))]
async fn profile(
    State(state): State<AppState>,
    Path(code): Path<String>,
    params: Params,
) -> Result<Response> {
    let d = distance(&params)?;
    let registry = state.registry.clone();
    let wanted = code.clone();
    let profile = tokio::task::spawn_blocking(move || registry.profile(&wanted, d))
        .await
        .map_err(|_| ApiError::Internal)?
        .ok_or_else(|| ApiError::NotFound(format!("no area has the code '{code}'")))?;
    Ok(Json(profile).into_response())
}

// For the document only (`as_geojson` writes it with `json!`):
// schemathesis holds the answers to it.
/// `/api/gaps` as a choropleth: each area with its row as properties.
#[allow(dead_code)]
#[derive(ToSchema)]
struct GapCollection {
    /// Always `FeatureCollection`.
    #[schema(rename = "type")]
    kind: String,
    gaps: GapSummary,
    features: Vec<AreaFeature<GapRow>>,
}

/// The report of `/api/gaps` without its rows.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
struct GapSummary {
    #[serde(flatten)]
    params: GapParams,
    method: String,
    gap_rule: String,
    breaks: Vec<f64>,
}

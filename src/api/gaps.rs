//! `/api/gaps`: where the gaps are, as JSON, GeoJSON (for a choropleth) and
//! CSV; and `/api/areas/{code}/profile`: one area's five capitals.

use super::areas::area_feature;
use super::error::ApiError;
use super::extract::Params;
use super::extract::Path;
use super::openapi::{params, schemas::Errors};
use super::AppState;
use crate::analysis::{GapParams, GapReport, Measure, DEFAULT_DISTANCE_M, DEFAULT_MIN_COVERAGE};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

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

const MAX_DISTANCE_M: f64 = 50_000.0;

fn distance(params: &Params) -> Result<f64, ApiError> {
    Ok(params
        .metres("distance_m", MAX_DISTANCE_M)?
        .unwrap_or(DEFAULT_DISTANCE_M))
}

pub fn parse(params: &Params, state: &AppState) -> Result<GapParams, ApiError> {
    let levels = state.registry.areas().levels();
    let level = params
        .get("level")
        .ok_or_else(|| ApiError::bad("level", format!("choose a level: {}", levels.join(", "))))?;
    if !levels.iter().any(|l| l == level) {
        return Err(ApiError::bad(
            "level",
            format!("no areas at level '{level}'; levels: {}", levels.join(", ")),
        ));
    }
    let capitals = params.capitals()?;
    let categories = params.categories(state.registry.vocabulary())?;
    let rank_by = match params.get("rank_by") {
        None => Measure::Per1000,
        Some(m) => Measure::parse(m).map_err(|e| ApiError::bad("rank_by", e))?,
    };
    let min_coverage = params
        .parse::<f64>("min_coverage")?
        .unwrap_or(DEFAULT_MIN_COVERAGE);
    if !(0.0..=1.0).contains(&min_coverage) {
        return Err(ApiError::bad("min_coverage", "must be between 0 and 1"));
    }
    Ok(GapParams {
        level: level.to_string(),
        capitals,
        categories,
        distance_m: distance(params)?,
        rank_by,
        min_coverage,
    })
}

/// Runs the analysis on a blocking thread: at national scale it takes
/// seconds, which must not hold up the async workers serving the map.
async fn report(params: &Params, state: &AppState) -> Result<GapReport, ApiError> {
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
    responses((status = 200, body = crate::analysis::GapReport), Errors))]
async fn as_json(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<GapReport>, ApiError> {
    Ok(Json(report(&params, &state).await?))
}

/// The same as areas with the measures as properties, for a choropleth.
#[utoipa::path(get, path = "/api/gaps.geojson", tag = "areas", params(params::Gaps),
    responses((status = 200, content_type = "application/geo+json", body = serde_json::Value), Errors))]
async fn as_geojson(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let report = report(&params, &state).await?;
    let areas = state.registry.areas();
    let features: Vec<Value> = report
        .rows
        .iter()
        .filter_map(|row| {
            let mut f = area_feature(areas.get(&row.code)?);
            f["properties"] = serde_json::to_value(row).expect("rows serialise");
            Some(f)
        })
        .collect();
    let mut about = serde_json::to_value(&report).expect("reports serialise");
    about.as_object_mut().expect("an object").remove("rows");
    let body = json!({"type": "FeatureCollection", "gaps": about, "features": features});
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response())
}

/// The same as a spreadsheet.
#[utoipa::path(get, path = "/api/gaps.csv", tag = "areas", params(params::Gaps),
    responses((status = 200, content_type = "text/csv", body = String), Errors))]
async fn as_csv(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
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
    responses((status = 200, body = crate::analysis::Profile), Errors))]
async fn profile(
    State(state): State<AppState>,
    Path(code): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let d = distance(&params)?;
    let registry = state.registry.clone();
    let wanted = code.clone();
    let profile = tokio::task::spawn_blocking(move || registry.profile(&wanted, d))
        .await
        .map_err(|_| ApiError::Internal)?
        .ok_or_else(|| ApiError::NotFound(format!("no area has the code '{code}'")))?;
    Ok(Json(profile).into_response())
}

//! `/api/areas`: boundaries with their population, for the map's areas
//! layer and for `within=` queries.

use super::error::ApiError;
use super::extract::Params;
use super::AppState;
use crate::domain::{geometry_json, Area};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/areas", get(list))
}

/// Boundaries with their population, as a FeatureCollection with the
/// `levels` there are.
#[utoipa::path(get, path = "/api/areas", tag = "areas",
    params(("level" = Option<String>, Query, description = "Only this level, e.g. ward")),
    responses((status = 200, body = serde_json::Value), super::openapi::schemas::Errors))]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<Value>, ApiError> {
    let areas = state.registry.areas();
    let levels = areas.levels();
    let level = params.get("level");
    if let Some(l) = level {
        if !levels.iter().any(|x| x == l) {
            return Err(ApiError::bad(
                "level",
                format!("no areas at level '{l}'; levels: {}", levels.join(", ")),
            ));
        }
    }
    let features: Vec<Value> = areas
        .all()
        .iter()
        .filter(|a| level.is_none_or(|l| a.level == l))
        .map(area_feature)
        .collect();
    Ok(Json(json!({
        "type": "FeatureCollection",
        "levels": levels,
        "numberReturned": features.len(),
        "features": features,
    })))
}

pub fn area_feature(a: &Area) -> Value {
    json!({
        "type": "Feature",
        "id": a.code,
        "geometry": geometry_json(&a.geometry),
        "properties": {"code": a.code, "name": a.name, "level": a.level, "population": a.population},
    })
}

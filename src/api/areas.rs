//! `/api/areas`: boundaries with their population, for the map's areas
//! layer and for `within=` queries.

use super::error::{ApiError, Result};
use super::extract::Params;
use super::AppState;
use crate::analysis::GapRow;
use crate::domain::{geometry_json, Area};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;

#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/areas", get(list))
}

#[derive(Serialize, utoipa::ToSchema)]
struct AreaCollection {
    #[serde(rename = "type")]
    kind: &'static str,
    levels: Vec<String>,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    features: Vec<AreaFeature<AreaProperties>>,
}

/// An area as a GeoJSON Feature, with its own properties or, on the gaps
/// map, its row of the analysis.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AreaFeature<P> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    geometry: Value,
    properties: P,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AreaProperties {
    code: String,
    name: String,
    level: String,
    population: Option<f64>,
}

impl<P: Serialize> AreaFeature<P> {
    fn new(a: &Area, properties: P) -> Self {
        AreaFeature {
            kind: "Feature",
            id: a.code.clone(),
            geometry: geometry_json(&a.geometry),
            properties,
        }
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("features serialise")
    }
}

/// Boundaries with their population, as a FeatureCollection with the
/// `levels` there are.
#[utoipa::path(get, path = "/api/areas", operation_id = "listAreas", tag = "areas",
    params(("level" = Option<String>, Query, description = "Only this level, e.g. ward")),
    responses((status = 200, description = "The areas of the level, as GeoJSON", body = AreaCollection), super::openapi::schemas::Errors))]
async fn list(State(state): State<AppState>, params: Params) -> Result<Json<AreaCollection>> {
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
    let features: Vec<_> = areas
        .all()
        .iter()
        .filter(|a| level.is_none_or(|l| a.level == l))
        .map(typed_area_feature)
        .collect();
    Ok(Json(AreaCollection {
        kind: "FeatureCollection",
        levels,
        number_returned: features.len(),
        features,
    }))
}

fn typed_area_feature(a: &Area) -> AreaFeature<AreaProperties> {
    AreaFeature::new(
        a,
        AreaProperties {
            code: a.code.clone(),
            name: a.name.clone(),
            level: a.level.clone(),
            population: a.population,
        },
    )
}

pub fn area_feature(a: &Area) -> Value {
    typed_area_feature(a).to_value()
}

/// An area drawn with its row of the gap analysis as its properties.
pub fn gap_feature(a: &Area, row: &GapRow) -> Value {
    AreaFeature::new(a, row).to_value()
}

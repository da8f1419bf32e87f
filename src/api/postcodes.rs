//! `/api/postcodes/{postcode}`: where a postcode is, for "near here".

use super::error::ApiError;
use super::extract::Path;
use super::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(utoipa::OpenApi)]
#[openapi(paths(find))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/postcodes/{postcode}", get(find))
}

/// Where a postcode is: `postcode`, `lon`, `lat`, `lsoa_code`.
#[utoipa::path(get, path = "/api/postcodes/{postcode}", tag = "areas",
    params(("postcode" = String, Path, example = "M32 0JG")),
    responses((status = 200, body = serde_json::Value), super::openapi::schemas::Errors))]
async fn find(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let p = state.registry.postcode(&raw).ok_or_else(|| {
        ApiError::NotFound(format!(
            "postcode '{}' is not in the postcode lookup",
            raw.trim()
        ))
    })?;
    Ok(Json(
        json!({"postcode": p.postcode, "lon": p.lon, "lat": p.lat, "lsoa_code": p.lsoa_code}),
    ))
}

//! `/api/postcodes/{postcode}`: where a postcode is, for "near here".

use super::error::{ApiError, Result};
use super::extract::Path;
use super::AppState;
use crate::domain::Postcode;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

#[derive(utoipa::OpenApi)]
#[openapi(paths(find))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/postcodes/{postcode}", get(find))
}

/// Where a postcode is.
#[utoipa::path(get, path = "/api/postcodes/{postcode}", tag = "areas",
    params(("postcode" = String, Path, example = "M32 0JG")),
    responses((status = 200, description = "Where the postcode is", body = Postcode), super::openapi::schemas::Errors))]
async fn find(State(state): State<AppState>, Path(raw): Path<String>) -> Result<Json<Postcode>> {
    let p = state.registry.postcode(&raw).ok_or_else(|| {
        ApiError::NotFound(format!(
            "postcode '{}' is not in the postcode lookup",
            raw.trim()
        ))
    })?;
    Ok(Json(p))
}

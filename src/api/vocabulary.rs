use super::AppState;
use crate::domain::Capital;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(utoipa::OpenApi)]
#[openapi(paths(categories))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/categories", get(categories))
}

/// The capitals and their categories, with labels, for forms and filters.
#[utoipa::path(get, path = "/api/categories", tag = "assets",
    responses((status = 200, description = "`{\"capitals\": [{\"capital\", \"categories\": [...]}]}`",
        body = serde_json::Value), super::openapi::schemas::Errors))]
async fn categories(State(state): State<AppState>) -> Json<Value> {
    let vocabulary = state.registry.vocabulary();
    let capitals: Vec<Value> = Capital::ALL
        .iter()
        .map(|c| json!({"capital": c, "categories": vocabulary.categories(*c)}))
        .collect();
    Json(json!({ "capitals": capitals }))
}

use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(utoipa::OpenApi)]
#[openapi(paths(health))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

/// 200 while this server answers: with the store down it is `degraded`
/// (reads still answer from memory; writes answer 503 until it is back).
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "`status` (`ok`, or `degraded` with the store down), \
        `store`, `store_ok`, `assets_indexed`, `last_seq`", body = serde_json::Value), super::openapi::schemas::Errors))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let h = state.registry.health().await;
    (
        StatusCode::OK,
        Json(json!({
            "status": if h.store_ok { "ok" } else { "degraded" },
            "store": h.store,
            "store_ok": h.store_ok,
            "assets_indexed": h.assets_indexed,
            "last_seq": h.last_seq,
        })),
    )
}

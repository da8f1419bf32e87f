use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

/// 200 while the store answers, 503 when it does not, so a load balancer
/// can take this server out of rotation.
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let h = state.registry.health().await;
    let status = if h.store_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "store": h.store,
            "store_ok": h.store_ok,
            "assets_indexed": h.assets_indexed,
            "last_seq": h.last_seq,
        })),
    )
}

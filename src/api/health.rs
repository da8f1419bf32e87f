use super::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

#[derive(utoipa::OpenApi)]
#[openapi(paths(health))]
pub(super) struct Doc;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(health))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    /// `ok`, or `degraded` while the store does not answer.
    status: &'static str,
    store: &'static str,
    store_ok: bool,
    assets_indexed: usize,
    last_seq: i64,
}

/// 200 while this server answers: with the store down it is `degraded`
/// (reads still answer from memory; writes answer 503 until it is back).
#[utoipa::path(get, path = "/api/health", tag = "server",
    responses((status = 200, description = "Whether the server and its store answer, and how far its index has read the change log", body = Health), super::openapi::schemas::Errors))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    let h = state.registry.health().await;
    Json(Health {
        status: if h.store_ok { "ok" } else { "degraded" },
        store: h.store,
        store_ok: h.store_ok,
        assets_indexed: h.assets_indexed,
        last_seq: h.last_seq,
    })
}

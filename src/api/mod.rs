//! The HTTP API, one module per resource, merged here.

mod areas;
mod assets;
mod auth;
mod error;
mod extract;
mod gaps;
mod health;
mod postcodes;
mod tiles;
mod transfer;
mod vocabulary;

pub use error::ApiError;

use crate::service::Registry;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub admin_token: Option<Arc<str>>,
    pub page: Arc<PageConfig>,
}

/// What the map page needs to know of this server.
#[derive(Debug, Default)]
pub struct PageConfig {
    pub basemap_style: Option<String>,
    /// Attribution for every data set shown.
    pub attribution: Vec<String>,
}

pub fn router(state: AppState, web_dir: Option<PathBuf>) -> Router {
    let mut app = Router::new()
        .merge(assets::router())
        .merge(health::router())
        .merge(vocabulary::router())
        .merge(areas::router())
        .merge(postcodes::router())
        .merge(transfer::router())
        .merge(gaps::router())
        .merge(tiles::router())
        .route("/api/config", axum::routing::get(page_config))
        // Unknown API paths answer in JSON, whatever the page fallback does.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::NotFound("no such endpoint".into()) }),
        )
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    if let Some(dir) = web_dir {
        let index = dir.join("index.html");
        // Only MapLibre's built files are served from npm's folder, not
        // the rest of node_modules.
        let maplibre = dir.join("node_modules/maplibre-gl/dist");
        let files = ServeDir::new(&dir).not_found_service(ServeFile::new(index));
        app = app
            .nest_service("/vendor/maplibre-gl", ServeDir::new(maplibre))
            .route(
                "/node_modules/{*rest}",
                axum::routing::get(|| async { ApiError::NotFound("no such file".into()) }),
            )
            .fallback_service(files);
    }
    app.layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What the page needs at start: basemap, attribution, area levels and
/// where the assets are.
async fn page_config(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<serde_json::Value> {
    let bounds = state.registry.index().bounds();
    let center = bounds.map(|[lo, hi]| [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]);
    axum::Json(serde_json::json!({
        "basemap_style": state.page.basemap_style,
        "attribution": state.page.attribution,
        "levels": state.registry.areas().levels(),
        "bounds": bounds,
        "center": center,
    }))
}

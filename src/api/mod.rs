//! The HTTP API, one module per resource, merged here.

mod areas;
mod assets;
mod auth;
mod error;
mod extract;
mod health;
mod postcodes;
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
}

pub fn router(state: AppState, web_dir: Option<PathBuf>) -> Router {
    let mut app = Router::new()
        .merge(assets::router())
        .merge(health::router())
        .merge(vocabulary::router())
        .merge(areas::router())
        .merge(postcodes::router())
        .merge(transfer::router())
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) });
    if let Some(dir) = web_dir {
        let index = dir.join("index.html");
        let vendor = dir.join("node_modules");
        let files = ServeDir::new(&dir).not_found_service(ServeFile::new(index));
        app = app
            .nest_service("/vendor", ServeDir::new(vendor))
            .fallback_service(files);
    }
    app.layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

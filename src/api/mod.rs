//! The HTTP API, one module per resource, merged here.

mod approval;
mod areas;
mod assets;
mod auth;
mod basemap;
mod caller;
mod error;
mod extract;
mod gaps;
mod health;
mod history;
mod hsds;
pub mod limits;
mod ogc;
pub mod openapi;
mod postcodes;
mod proposal_kinds;
mod proposal_queue;
mod proposals;
mod security;
mod session;
mod tiles;
mod transfer;
mod trust;
mod users;
mod vocabulary;
mod web;
mod withdraw;

pub use error::{ApiError, Result};

use crate::service::Registry;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub admin_token: Option<Arc<str>>,
    pub page: Arc<PageConfig>,
    pub accounts: Arc<crate::auth::Accounts>,
}

/// What the map page needs to know of this server.
#[derive(Debug, Default)]
pub struct PageConfig {
    pub basemap_style: Option<String>,
    /// Attribution for every data set shown.
    pub attribution: Vec<String>,
    /// The tiles and glyphs we serve ourselves, if any.
    pub basemap: crate::basemap::Served,
    /// The place the map is of (the sample manifest's name), for the header.
    pub place: Option<String>,
}

/// Every route of the API and the map's data, without fallbacks or
/// layers: what the OpenAPI document must describe (tests/openapi.rs).
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(assets::router())
        .merge(health::router())
        .merge(vocabulary::router())
        .merge(areas::router())
        .merge(postcodes::router())
        .merge(transfer::router())
        .merge(gaps::router())
        .merge(session::router())
        .merge(proposals::router())
        .merge(users::router())
        .merge(trust::router())
        .merge(history::router())
        .merge(basemap::router())
        .merge(withdraw::router())
        .merge(ogc::router())
        .merge(hsds::router())
        .merge(tiles::router())
        .merge(openapi::router())
        .route("/api/config", axum::routing::get(page_config))
}

/// Each module's part of the OpenAPI document.
fn documented() -> Vec<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi;
    vec![
        assets::Doc::openapi(),
        health::Doc::openapi(),
        vocabulary::Doc::openapi(),
        areas::Doc::openapi(),
        postcodes::Doc::openapi(),
        transfer::Doc::openapi(),
        gaps::Doc::openapi(),
        session::Doc::openapi(),
        proposals::Doc::openapi(),
        users::Doc::openapi(),
        trust::Doc::openapi(),
        basemap::Doc::openapi(),
        withdraw::Doc::openapi(),
        ogc::Doc::openapi(),
        tiles::Doc::openapi(),
        history::Doc::openapi(),
        hsds::Doc::openapi(),
        ConfigDoc::openapi(),
    ]
}

pub fn router(state: AppState, web_dir: Option<PathBuf>) -> Router {
    let mut app = routes()
        // Unknown API paths answer in JSON, whatever the page fallback does.
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { ApiError::NotFound("no such endpoint".into()) }),
        )
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed });
    if let Some(dir) = web_dir {
        // An allow-list of the page's files, never node_modules: see web.rs.
        let dir: Arc<std::path::Path> = Arc::from(dir);
        app = app.fallback(move |req: axum::extract::Request| web::serve(dir.clone(), req));
    }
    let app = security::apply(app, &state.page);
    app.layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// What the page needs at start: basemap, attribution, area levels and
/// where the assets are.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct PageStart {
    basemap_style: Option<String>,
    attribution: Vec<String>,
    place: Option<String>,
    levels: Vec<String>,
    bounds: Option<[[f64; 2]; 2]>,
    center: Option<[f64; 2]>,
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(page_config))]
struct ConfigDoc;

#[utoipa::path(get, path = "/api/config", tag = "server",
    responses((status = 200, description = "What the page needs to start: the place, its view and its credits", body = PageStart), openapi::schemas::Errors))]
async fn page_config(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<PageStart> {
    let bounds = state.registry.index().bounds();
    let center = bounds.map(|[lo, hi]| [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]);
    axum::Json(PageStart {
        basemap_style: state.page.basemap_style.clone(),
        attribution: state.page.attribution.clone(),
        place: state.page.place.clone(),
        levels: state.registry.areas().levels(),
        bounds,
        center,
    })
}

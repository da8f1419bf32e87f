//! OGC API - Features, Part 1 (Core, GeoJSON, HTML) under `/ogc`, so that
//! QGIS, GDAL and other standard clients can read the map live. Items are
//! answered through the same query path as `/api/assets` and shown through
//! the same public view, so people appear here exactly as they do there.

mod collections;
mod datetime;
mod html;
mod items;
mod reference;
mod request;

use super::error::ApiError;
use super::extract::Params;
use super::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use request::{Format, Ogc};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ogc", get(landing))
        .route("/ogc/", get(landing_slash))
        .route("/ogc/conformance", get(conformance))
        .route("/ogc/style.css", get(style))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{id}", get(collections::one))
        .route("/ogc/collections/{id}/items", get(items::list))
        .route("/ogc/collections/{id}/items/{feature}", get(items::one))
        .layer(axum::Extension(std::sync::Arc::new(
            reference::GapCache::default(),
        )))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    landing,
    landing_slash,
    conformance,
    style,
    collections::list,
    collections::one,
    items::list,
    items::one
))]
pub(super) struct Doc;

/// The conformance classes this server implements, and no others.
const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
];

/// The landing page: links to the conformance classes, the collections
/// and the API's OpenAPI document.
#[utoipa::path(get, path = "/ogc", tag = "ogc", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, content((serde_json::Value = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
async fn landing(
    State(_): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let body = json!({
        "title": "assetmap",
        "description": "Community assets and strengths, by the five capitals, \
                        with areas and where the gaps are.",
        "links": [
            ogc.link("/ogc", "self", Format::Json, "This document"),
            ogc.link("/ogc", "alternate", Format::Html, "This document as HTML"),
            ogc.link("/ogc/conformance", "conformance", Format::Json, "Conformance classes"),
            ogc.link("/ogc/collections", "data", Format::Json, "The collections"),
            // OpenAPI 3.1: Part 1's OAS30 class asks for 3.0, so it is not claimed.
            {
                "href": format!("{}/api/openapi.json", ogc.base),
                "rel": "service-desc",
                "type": super::openapi::MEDIA_TYPE,
                "title": "The OpenAPI 3.1 document of the whole API",
            },
        ],
    });
    Ok(ogc.respond(body, "assetmap", html::landing))
}

/// The same landing page.
#[utoipa::path(get, path = "/ogc/", tag = "ogc", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, content((serde_json::Value = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
async fn landing_slash(
    state: State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    landing(state, params, headers).await
}

#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, content((serde_json::Value = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
async fn conformance(params: Params, headers: HeaderMap) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let body = json!({
        "conformsTo": CONFORMANCE,
        "links": [
            ogc.link("/ogc/conformance", "self", Format::Json, "This document"),
            ogc.link("/ogc/conformance", "alternate", Format::Html, "This document as HTML"),
        ],
    });
    Ok(ogc.respond(body, "Conformance", html::conformance))
}

/// The stylesheet of the HTML views.
#[utoipa::path(get, path = "/ogc/style.css", tag = "ogc",
    responses((status = 200, content_type = "text/css", body = String)))]
async fn style() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        html::STYLE,
    )
}

/// The value of a JSON string field, or "".
fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

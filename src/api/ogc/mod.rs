//! OGC API - Features, Part 1 (Core, GeoJSON, HTML) under `/ogc`, so that
//! QGIS, GDAL and other standard clients can read the map live. Items are
//! answered through the same query path as `/api/assets` and shown through
//! the same public view, so people appear here exactly as they do there.

mod api;
mod collections;
mod datetime;
mod html;
mod items;
mod reference;
mod request;
mod schemas;

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
        .route("/ogc/api", get(api::definition))
        .route("/ogc/style.css", get(style))
        .route("/ogc/collections", get(collections::list))
        .route("/ogc/collections/{collectionId}", get(collections::one))
        .route("/ogc/collections/{collectionId}/items", get(items::list))
        .route(
            "/ogc/collections/{collectionId}/items/{featureId}",
            get(items::one),
        )
        .layer(axum::Extension(std::sync::Arc::new(
            reference::GapCache::default(),
        )))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    landing,
    landing_slash,
    conformance,
    api::definition,
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
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

/// The landing page: links to the conformance classes, the collections
/// and the API's OpenAPI document.
#[utoipa::path(get, path = "/ogc", tag = "ogc", operation_id = "getLandingPage", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The landing page", content((schemas::LandingPage = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
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
            // Part 1's OAS30 class: the 3.0 definition of these routes, first,
            // since GDAL takes the first service-desc of that type.
            {
                "href": ogc.href("/ogc/api", Format::Json),
                "rel": "service-desc",
                "type": api::MEDIA_TYPE,
                "title": "The OpenAPI 3.0 definition of this OGC API",
            },
            ogc.link("/ogc/api", "service-doc", Format::Html, "The definition as HTML"),
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
#[utoipa::path(get, path = "/ogc/", tag = "ogc", operation_id = "getLandingPageSlash", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The landing page", content((schemas::LandingPage = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
async fn landing_slash(
    state: State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    landing(state, params, headers).await
}

#[utoipa::path(get, path = "/ogc/conformance", tag = "ogc", operation_id = "getConformanceDeclaration", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The conformance classes", content((schemas::ConfClasses = "application/json"), (String = "text/html"))), super::openapi::schemas::Errors))]
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
#[utoipa::path(get, path = "/ogc/style.css", tag = "ogc", operation_id = "getStyle",
    responses((status = 200, description = "The stylesheet", content_type = "text/css", body = String)))]
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

//! The OpenAPI 3.1 document of the whole HTTP API, at `/api/openapi.json`.
//! Each resource module annotates its handlers with `#[utoipa::path]` and
//! lists them in its own `Doc` beside its router; this merges them. A test
//! (tests/openapi.rs) holds the router and the document to the same routes
//! and methods, and schemathesis holds the answers to the schemas.

pub mod bodies;
pub mod markdown;
pub mod oas30;
pub mod params;
pub mod schemas;

use super::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::OnceLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::OpenApi;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi_json))
}

/// The media type the OpenAPI specification registers for its JSON form.
pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "assetmap",
        description = "Community asset and strengths mapping: what a place has, where, and \
            where the gaps are. Reads are public; people (human capital) are shown only at \
            their area. Writes take a bearer token (an API token or the admin token), or a \
            session cookie from `POST /api/session` with its `X-CSRF-Token` header. Every \
            error is `{\"error\": {\"code\", \"message\", \"field\"}}`, naming the \
            parameter or field at fault."
    ),
    paths(openapi_json),
    components(schemas(schemas::ErrorBody)),
    modifiers(&Security),
    tags(
        (name = "assets", description = "Assets: find, read, create, change, archive"),
        (name = "community", description = "Suggestions, reports, introductions and the moderators' queue"),
        (name = "accounts", description = "Signing in, invites, users and roles"),
        (name = "areas", description = "Areas, postcodes and gap analysis"),
        (name = "transfer", description = "Imports and exports"),
        (name = "maps", description = "Vector tiles, the basemap and glyphs"),
        (name = "hsds", description = "Open Referral HSDS 3.0: services, organisations, places"),
        (name = "ogc", description = "OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0)"),
        (name = "server", description = "Health, configuration and this document"),
    )
)]
struct ApiDoc;

/// The document: this module's part with every resource module's merged in.
pub fn document() -> Document {
    let mut doc = ApiDoc::openapi();
    for part in super::documented() {
        doc.merge(part);
    }
    doc
}

/// The document as served, made once.
pub fn json() -> &'static [u8] {
    static JSON: OnceLock<Vec<u8>> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_vec(&document()).expect("the document serialises"))
}

/// The document as a JSON tree.
pub fn as_value() -> serde_json::Value {
    serde_json::from_slice(json()).expect("the document is JSON")
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "server",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document of this API",
            content_type = "application/vnd.oai.openapi+json", body = serde_json::Value),
    )
)]
async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, MEDIA_TYPE)], json())
}

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`assetmap users token`) or the server's admin token",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::caller::SESSION_COOKIE,
                "The session cookie set by POST /api/session",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The csrf_token from GET /api/session; required with the cookie on every change",
            ))),
        );
    }
}

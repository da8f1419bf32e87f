//! `/tiles/assets/{z}/{x}/{y}.mvt`: vector tiles of the public assets from
//! memory, and `/tiles/assets.json`, their TileJSON.

use super::error::ApiError;
use super::extract::Params;
use super::AppState;
use crate::index::Filter;
use crate::tiles::{TileCache, TileId, MAX_ZOOM};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tiles/assets/{z}/{x}/{file}", get(tile))
        .route("/tiles/assets.json", get(tilejson))
        .layer(Extension(Arc::new(TileCache::default())))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(tile, tilejson))]
pub(super) struct Doc;

/// Tiles change whenever the data does: a client revalidates each time,
/// and an unchanged tile costs a 304.
const CACHE_CONTROL: &str = "public, no-cache";

/// A Mapbox Vector Tile of the assets, clustered at low zooms.
#[utoipa::path(get, path = "/tiles/assets/{z}/{x}/{file}", operation_id = "assetTile", tag = "maps",
    params(("z" = u8, Path, maximum = 22), ("x" = u32, Path), ("file" = String, Path, description = "`{y}.mvt`"),
        ("capital" = Option<String>, Query), ("category" = Option<String>, Query)),
    responses((status = 200, description = "A Mapbox Vector Tile of the assets (layer assets)", content_type = "application/vnd.mapbox-vector-tile", body = Vec<u8>),
        (status = 304, description = "Unchanged (If-None-Match)"), super::openapi::schemas::Errors))]
async fn tile(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<TileCache>>,
    Path((z, x, file)): Path<(String, String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = tile_id(&z, &x, &file)?;
    let (filter, filter_key) = filter(&params, &state)?;
    let key = format!("{}/{}/{}?{filter_key}", id.z, id.x, id.y);
    let registry = state.registry.clone();
    let tile = tokio::task::spawn_blocking(move || {
        let index = registry.index();
        cache.get_or_render(key, index.generation(), || {
            crate::tiles::render(&index, id, &filter)
        })
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "drawing a tile failed");
        ApiError::Internal
    })?;
    let etag = HeaderValue::from_str(&tile.etag).expect("hex is a header value");
    let cache_control = HeaderValue::from_static(CACHE_CONTROL);
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == tile.etag.as_bytes())
    {
        let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, cache_control)];
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
        ),
        (header::ETAG, etag),
        (header::CACHE_CONTROL, cache_control),
    ];
    Ok((headers, tile.bytes.clone()).into_response())
}

fn tile_id(z: &str, x: &str, file: &str) -> Result<TileId, ApiError> {
    let y = file
        .strip_suffix(".mvt")
        .ok_or_else(|| ApiError::NotFound("tiles end in .mvt".into()))?;
    let number = |field: &str, s: &str| {
        s.parse::<u32>()
            .map_err(|_| ApiError::bad(field, format!("'{s}' is not a tile number")))
    };
    let z = number("z", z)?;
    let z = u8::try_from(z)
        .ok()
        .filter(|z| *z <= MAX_ZOOM)
        .ok_or_else(|| ApiError::bad("z", format!("zoom must be 0 to {MAX_ZOOM}")))?;
    TileId::new(z, number("x", x)?, number("y", y)?).map_err(|e| ApiError::bad("x", e))
}

/// The `capital`, `category` and `q` filters, and a canonical text of them
/// for the cache key.
fn filter(params: &Params, state: &AppState) -> Result<(Filter, String), ApiError> {
    let mut capitals = params.capitals()?;
    capitals.sort();
    capitals.dedup();
    let mut categories = params.categories(state.registry.vocabulary())?;
    categories.sort();
    categories.dedup();
    let mut filter = Filter::default().capitals(&capitals);
    if !categories.is_empty() {
        let index = state.registry.index();
        let ids = categories
            .iter()
            .filter_map(|c| index.category_id(c))
            .collect();
        filter = filter.categories(ids);
    }
    let text = params.get("q").map(|q| q.trim().to_lowercase());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::bad("q", "longer than 200 characters"));
    }
    let text = text.filter(|t| !t.is_empty());
    let capitals: Vec<&str> = capitals.iter().map(|c| c.as_str()).collect();
    let mut key = format!(
        "capital={}&category={}",
        capitals.join(","),
        categories.join(",")
    );
    if let Some(t) = text {
        key.push_str("&q=");
        key.push_str(&percent_encode(&t));
        filter = filter.view(move |v| v.matches(&t));
    }
    Ok((filter, key))
}

/// TileJSON 3.0 for the asset layer, with the same filters carried onto
/// the tile URLs.
#[utoipa::path(get, path = "/tiles/assets.json", tag = "maps",
    params(("capital" = Option<String>, Query), ("category" = Option<String>, Query)),
    responses((status = 200, description = "TileJSON 3.0", body = super::openapi::bodies::TileJson), super::openapi::schemas::Errors))]
async fn tilejson(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (_, filter_key) = filter(&params, &state)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let bounds = state.registry.index().bounds();
    let bounds = bounds.map_or(vec![-180.0, -85.0, 180.0, 85.0], |[lo, hi]| {
        vec![lo[0], lo[1], hi[0], hi[1]]
    });
    Ok(Json(json!({
        "tilejson": "3.0.0",
        "name": "assets",
        "tiles": [format!("http://{host}/tiles/assets/{{z}}/{{x}}/{{y}}.mvt?{filter_key}")],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "vector_layers": [{
            "id": crate::tiles::LAYER,
            "description": "Published assets; below zoom 14, clusters of one capital carry a count",
            "minzoom": 0,
            "maxzoom": MAX_ZOOM,
            "fields": {
                "id": "String",
                "name": "String",
                "capital": "String",
                "category": "String",
                "count": "Number",
            },
        }],
    })))
}

/// Text as a query-string value: the cache key doubles as the TileJSON's
/// tile URL.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

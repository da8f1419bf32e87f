//! The basemap we serve ourselves: tiles from the configured file, the
//! light style pointing at them, and the glyphs for its labels.

use super::error::ApiError;
use super::AppState;
use crate::basemap::{BasemapError, GlyphError, Tile, TileSource};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::sync::Arc;

/// Tiles and glyphs change only when the file or fonts do; a day's caching
/// spares the server, and the ETag lets browsers revalidate after that.
const CACHE_CONTROL: &str = "public, max-age=86400";
const PROTOBUF: &str = "application/x-protobuf";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/basemap/{z}/{x}/{y}", get(tile))
        .route("/basemap/style.json", get(style))
        .route("/fonts/{fontstack}/{range}", get(glyphs))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(tile, style, glyphs))]
pub(super) struct Doc;

fn source(state: &AppState) -> Result<&Arc<dyn TileSource>, ApiError> {
    state.page.basemap.tiles.as_ref().ok_or_else(|| {
        ApiError::NotFound("this server serves no basemap file (see --basemap)".into())
    })
}

/// `/basemap/{z}/{x}/{y}.pbf`: the tile as stored (gzip when stored so),
/// 204 where the file has no tile inside its zoom range (nothing to draw),
/// 404 outside it.
#[utoipa::path(get, path = "/basemap/{z}/{x}/{y}", operation_id = "basemapTile", tag = "maps",
    params(("z" = String, Path), ("x" = String, Path), ("y" = String, Path, description = "`{y}.pbf`")),
    responses((status = 200, description = "A vector tile of the basemap", content_type = "application/x-protobuf", body = Vec<u8>),
        (status = 204, description = "No tile here (nothing to draw)"),
        (status = 304, description = "Unchanged (If-None-Match)"), super::openapi::schemas::Errors))]
async fn tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let source = source(&state)?;
    let info = source.info();
    let no_tile = || ApiError::NotFound(format!("no tile {z}/{x}/{y}"));
    let y_num = y.strip_suffix(".pbf").ok_or_else(no_tile)?;
    let (Ok(zn), Ok(xn), Ok(yn)) = (z.parse::<u8>(), x.parse::<u32>(), y_num.parse::<u32>()) else {
        return Err(no_tile());
    };
    if zn < info.minzoom || zn > info.maxzoom {
        return Err(ApiError::NotFound(format!(
            "zoom {zn} is outside the basemap's range {}-{}",
            info.minzoom, info.maxzoom
        )));
    }
    if u64::from(xn) >= 1u64 << zn || u64::from(yn) >= 1u64 << zn {
        return Err(no_tile());
    }
    match source.tile(zn, xn, yn).await.map_err(read_failed)? {
        None => Ok(StatusCode::NO_CONTENT.into_response()),
        Some(t) => Ok(tile_response(t, &headers)),
    }
}

fn read_failed(e: BasemapError) -> ApiError {
    tracing::error!(error = %e, "basemap tile read failed");
    ApiError::Unavailable
}

fn tile_response(tile: Tile, request: &HeaderMap) -> Response {
    let etag = etag(&tile.data);
    if request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let accepts_gzip = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROTOBUF));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex"));
    let body = if tile.gzipped && accepts_gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        tile.data
    } else if tile.gzipped {
        // A client that cannot take gzip gets the tile unzipped.
        let mut out = Vec::new();
        if flate2::read::GzDecoder::new(&tile.data[..])
            .read_to_end(&mut out)
            .is_err()
        {
            return ApiError::Unavailable.into_response();
        }
        out.into()
    } else {
        tile.data
    };
    (headers, body).into_response()
}

fn etag(data: &[u8]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), data.len())
}

/// `/basemap/style.json`: the light style over the served file, its URLs
/// absolute on the host the browser asked for.
#[utoipa::path(get, path = "/basemap/style.json", tag = "maps",
    responses((status = 200, description = "A MapLibre style", body = serde_json::Value), super::openapi::schemas::Errors))]
async fn style(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let source = source(&state)?;
    let style = crate::basemap::light_style(&origin(&headers)?, source.info());
    Ok((
        [(header::CACHE_CONTROL, "no-cache"), (header::VARY, "host")],
        Json(style),
    ))
}

/// `http://host:port` as the browser addressed us; `https` behind a proxy
/// that says so.
fn origin(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .ok_or_else(|| ApiError::bad("Host", "send a Host header naming this server"))?;
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"));
    Ok(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// `/fonts/{fontstack}/{range}.pbf`: SDF glyphs from the installed fonts.
#[utoipa::path(get, path = "/fonts/{fontstack}/{range}", tag = "maps",
    params(("fontstack" = String, Path), ("range" = String, Path, description = "`0-255.pbf`")),
    responses((status = 200, description = "SDF glyphs for the labels", content_type = "application/x-protobuf", body = Vec<u8>), super::openapi::schemas::Errors))]
async fn glyphs(
    State(state): State<AppState>,
    Path((stack, range)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let range = range
        .strip_suffix(".pbf")
        .ok_or_else(|| ApiError::NotFound(format!("no glyphs at {range}")))?;
    let bytes = state
        .page
        .basemap
        .glyphs
        .range(&stack, range)
        .await
        .map_err(|e| match e {
            GlyphError::Render(_) => {
                tracing::error!(error = %e, "rendering glyphs failed");
                ApiError::Unavailable
            }
            other => ApiError::NotFound(other.to_string()),
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, PROTOBUF),
            (header::CACHE_CONTROL, CACHE_CONTROL),
        ],
        bytes,
    ))
}

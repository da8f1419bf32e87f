//! `/api/assets`: create, read, change and archive assets, and find them by
//! place, by capital and category, and by text.

use super::caller::Caller;
use super::error::ApiError;
use super::extract::Path;
use super::extract::{JsonBody, Params};
use super::openapi::{params, schemas};
use super::AppState;
use crate::auth::{Action, Decision};
use crate::domain::{
    check_text, parse_geometry, Asset, BBox, FieldError, Lat, Lon, LonLat, Placement,
};
use crate::service::{AssetQuery, Spatial, MAX_K, MAX_LIMIT, MAX_RADIUS_M};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/assets", get(list).post(create))
        .route("/api/assets/nearest", get(nearest))
        .route("/api/assets/counts", get(counts))
        .route("/api/assets/{id}", get(read).patch(update).delete(archive))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, nearest, counts, read, create, update, archive))]
pub(super) struct Doc;

const DEFAULT_LIMIT: usize = 100;
const DEFAULT_K: usize = 10;

/// Assets by place, capital, category and words, as a FeatureCollection.
#[utoipa::path(get, path = "/api/assets", operation_id = "listAssets", tag = "assets",
    params(params::Place, params::Filters),
    responses((status = 200, description = "The assets that match, as a GeoJSON FeatureCollection", body = schemas::FeatureCollection), schemas::Errors))]
async fn list(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let query = parse_filters(&params, &state)?;
    Ok(json_bytes(state.registry.query_json(&query)))
}

/// How many assets a query matches, and of them how many of each capital
/// whatever `capital` asks (a legend shows what turning a capital back on
/// would add): the map's counts without its features, which come as tiles.
#[utoipa::path(get, path = "/api/assets/counts", tag = "assets",
    params(params::Place, params::Filters),
    responses((status = 200, description = "How many assets match, in all and per capital", body = Counts), schemas::Errors))]
async fn counts(State(state): State<AppState>, params: Params) -> super::Result<Json<Counts>> {
    let mut query = parse_filters(&params, &state)?;
    let asked = std::mem::take(&mut query.capitals);
    let by_capital = state.registry.count_by_capital(&query);
    let number_matched = by_capital
        .iter()
        .filter(|(c, _)| asked.is_empty() || asked.contains(c))
        .map(|(_, n)| n)
        .sum();
    let by_capital = by_capital
        .into_iter()
        .map(|(c, n)| (c.as_str().to_string(), n))
        .collect();
    Ok(Json(Counts {
        number_matched,
        by_capital,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Counts {
    number_matched: usize,
    /// Every capital, each with how many it would match on its own.
    by_capital: std::collections::BTreeMap<String, usize>,
}

/// The `k` assets nearest a point, nearest first, with `distance_m`.
#[utoipa::path(get, path = "/api/assets/nearest", tag = "assets",
    params(("lon" = f64, Query, minimum = -180, maximum = 180),
        ("lat" = f64, Query, minimum = -90, maximum = 90),
        ("k" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "How many; 10 by default"),
        ("max_distance_m" = Option<f64>, Query, description = "No further than this, in metres"),
        params::Filters),
    responses((status = 200, description = "The nearest assets, nearest first, each with its distance", body = schemas::FeatureCollection), schemas::Errors))]
async fn nearest(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    let center =
        center(&params)?.ok_or_else(|| ApiError::bad("lon", "lon and lat are required"))?;
    let k = params.parse::<usize>("k")?.unwrap_or(DEFAULT_K);
    if k == 0 || k > MAX_K {
        return Err(ApiError::bad("k", format!("must be between 1 and {MAX_K}")));
    }
    let max_distance_m = params.metres("max_distance_m", MAX_RADIUS_M)?;
    let mut query = parse_query(
        &params,
        Spatial::Nearest {
            center,
            k,
            max_distance_m,
        },
        &state,
    )?;
    query.limit = k;
    Ok(json_bytes(state.registry.query_json(&query)))
}

/// The public record (from memory), or the whole one for a moderator
/// (from the store). A proposed asset is not public yet: to anyone else it
/// does not exist. A missing or wrong token reads as the public does.
#[utoipa::path(get, path = "/api/assets/{id}", operation_id = "getAsset", tag = "assets",
    params(("id" = String, Path, format = Uuid)),
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The asset (a person only at their area, unless a moderator asks)", body = schemas::Feature,
        headers(("ETag" = String, description = "The version, for If-Match"))), schemas::Errors))]
async fn read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let mut response = if caller.is_ok_and(|c| c.who.moderates()) {
        let asset = state.registry.get(id).await?;
        let mut r = feature_response(StatusCode::OK, &asset);
        *r.body_mut() = Json(asset.to_moderator_feature())
            .into_response()
            .into_body();
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        r
    } else {
        let found = state.registry.public_feature(id).await?;
        let mut r = json_bytes(found.body);
        if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", found.version)) {
            r.headers_mut().insert(header::ETAG, etag);
        }
        r
    };
    // The answer depends on who asks: no cache may give one to the other.
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Cookie"),
    );
    Ok(response)
}

/// Creates an asset (201); from a caller whose creates are queued, a
/// proposal for a moderator (202).
#[utoipa::path(post, path = "/api/assets", tag = "assets",
    request_body = schemas::AssetInput,
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 201, description = "Created: the asset as stored", body = schemas::Feature,
            headers(("Location" = String), ("ETag" = String))),
        (status = 202, description = "Queued for a moderator", body = schemas::Queued),
        schemas::Errors))]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.precheck(Action::CreateAsset)?;
    let draft = state.registry.parse_draft(&body)?;
    let point = Placement::of(&draft.geometry).point;
    if caller.decide(&state, Action::CreateAsset, &[point])? == Decision::Queue {
        return super::proposal_queue::queue_create(&state, &caller, body).await;
    }
    let asset = state.registry.create(draft, &caller.who.name).await?;
    let mut response = feature_response(StatusCode::CREATED, &asset);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/assets/{}", asset.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Changes an asset: `properties` are merged into its own. `If-Match`
/// with its version is required, so no one's edit is lost.
#[utoipa::path(patch, path = "/api/assets/{id}", tag = "assets",
    params(("id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header, description = "The version being changed: `3` or `\"3\"`")),
    request_body = schemas::AssetInput,
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "Changed: the asset as stored, with its new version", body = schemas::Feature),
        (status = 202, description = "Queued for a moderator", body = schemas::Queued),
        schemas::Errors))]
async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.precheck(Action::EditAsset)?;
    let id = parse_id(&id)?;
    let expected = if_match(&headers)?;
    // The matrix is asked about where the asset is and where it would go.
    let current = state.registry.get(id).await?;
    let mut points = vec![current.placement().point];
    if let Some(Ok(g)) = body
        .get("geometry")
        .filter(|g| !g.is_null())
        .map(parse_geometry)
    {
        points.push(Placement::of(&g).point);
    }
    if caller.decide(&state, Action::EditAsset, &points)? == Decision::Queue {
        return super::proposal_queue::queue_edit(&state, &caller, id, body).await;
    }
    let expected = expected.ok_or(ApiError::PreconditionRequired)?;
    let asset = state
        .registry
        .update(id, expected, &body, &caller.who.name)
        .await?;
    Ok(feature_response(StatusCode::OK, &asset))
}

/// Archives an asset: it leaves the map and the exports, and stays in the
/// change log.
#[utoipa::path(delete, path = "/api/assets/{id}", tag = "assets",
    params(("id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header, description = "The version being archived")),
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 204, description = "Archived"), schemas::Errors))]
async fn archive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    caller.precheck(Action::ArchiveAsset)?;
    let id = parse_id(&id)?;
    let expected = if_match(&headers)?;
    let current = state.registry.get(id).await?;
    if caller.decide(&state, Action::ArchiveAsset, &[current.placement().point])? != Decision::Allow
    {
        return Err(ApiError::Forbidden("your role may not do that"));
    }
    state
        .registry
        .archive(id, expected, &caller.who.name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::bad("id", format!("'{id}' is not an asset id (a UUID)")))
}

/// The version in `If-Match`: `3`, `"3"` or `W/"3"`.
pub(super) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let bare = text.trim_start_matches("W/").trim_matches('"');
    bare.parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::bad("If-Match", format!("'{text}' is not a version number")))
}

pub(super) fn feature_response(status: StatusCode, asset: &Asset) -> Response {
    let f = asset.to_public_feature();
    let mut response = (status, Json(f)).into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", asset.version)) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// A JSON body already written by the read model.
fn json_bytes(body: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn center(params: &Params) -> Result<Option<LonLat>, ApiError> {
    let lon = params.parse::<Lon>("lon")?;
    let lat = params.parse::<Lat>("lat")?;
    match (lon, lat) {
        (Some(lon), Some(lat)) => Ok(Some(LonLat { lon, lat })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(ApiError::bad("lat", "lat is required with lon")),
        (None, Some(_)) => Err(ApiError::bad("lon", "lon is required with lat")),
    }
}

/// A list query: where (bbox, lon/lat/radius_m or within) and the filters.
pub fn parse_filters(params: &Params, state: &AppState) -> Result<AssetQuery, ApiError> {
    let spatial = spatial_for_list(params, state)?;
    parse_query(params, spatial, state)
}

fn spatial_for_list(params: &Params, state: &AppState) -> Result<Spatial, ApiError> {
    // An empty place is a mistake (a form field left blank), not "everywhere".
    for name in ["bbox", "lon", "lat", "radius_m", "within"] {
        if params.0.get(name).is_some_and(|v| v.trim().is_empty()) {
            return Err(ApiError::bad(name, format!("{name} is empty")));
        }
    }
    if let Some(code) = params.get("within") {
        if params.get("bbox").is_some()
            || params.get("lon").is_some()
            || params.get("lat").is_some()
        {
            return Err(ApiError::bad(
                "within",
                "give either within or bbox or lon/lat, not more than one",
            ));
        }
        if state.registry.areas().get(code).is_none() {
            return Err(ApiError::bad(
                "within",
                format!("no area has the code '{code}'"),
            ));
        }
        return Ok(Spatial::Within(code.to_string()));
    }
    let bbox = params.parse::<BBox>("bbox")?;
    let center = center(params)?;
    let radius_m = params.metres("radius_m", MAX_RADIUS_M)?;
    match (bbox, center, radius_m) {
        (Some(_), Some(_), _) => Err(ApiError::bad(
            "bbox",
            "give either bbox or lon/lat, not both",
        )),
        (Some(b), None, None) => Ok(Spatial::BBox(b)),
        (Some(_), None, Some(_)) => {
            Err(ApiError::bad("radius_m", "radius_m goes with lon and lat"))
        }
        (None, Some(center), Some(radius_m)) => Ok(Spatial::Radius { center, radius_m }),
        (None, Some(_), None) => Err(ApiError::bad(
            "radius_m",
            "radius_m is required with lon and lat",
        )),
        (None, None, Some(_)) => Err(ApiError::bad(
            "lon",
            "lon and lat are required with radius_m",
        )),
        (None, None, None) => Ok(Spatial::Everywhere),
    }
}

/// The filters and paging every asset query shares.
fn parse_query(
    params: &Params,
    spatial: Spatial,
    state: &AppState,
) -> Result<AssetQuery, ApiError> {
    let capitals = params.capitals()?;
    let categories = params.categories(state.registry.vocabulary())?;
    let limit = params.parse::<usize>("limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let text = params.get("q").map(|q| q.trim().to_string());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::BadRequest(FieldError::new(
            "q",
            "longer than 200 characters",
        )));
    }
    if let Some(t) = &text {
        check_text("q", t, false).map_err(ApiError::BadRequest)?;
    }
    Ok(AssetQuery {
        spatial,
        capitals,
        categories,
        text,
        updated: None,
        limit,
        offset: params.parse::<usize>("offset")?.unwrap_or(0),
    })
}

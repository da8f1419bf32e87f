//! `/ogc/collections/{id}/items` and `/items/{featureId}`. Assets go
//! through `/api/assets`'s own parsing and the Registry's query, and out
//! through the public view: the privacy rules hold here unchanged.

use super::super::assets::parse_filters;
use super::super::error::ApiError;
use super::super::extract::{Params, Path};
use super::super::AppState;
use super::collections::{self, Kind};
use super::request::{query_string, Format, Ogc};
use super::{datetime, html, reference};
use crate::domain::Capital;
use crate::service::{AssetQuery, ServiceError};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use reference::GapCache;
use serde_json::{json, Value};
use std::sync::Arc;

/// One page of features and how many matched in all.
pub struct Found {
    pub features: Vec<Value>,
    pub matched: usize,
}

/// A page of a collection's features with `next`/`prev` links.
#[utoipa::path(get, path = "/ogc/collections/{collectionId}/items", tag = "ogc", operation_id = "getFeatures",
    params(("collectionId" = String, Path, description = "A collection's id (`/ogc/collections`)"), ("f" = Option<String>, Query, description = "`json` or `html`; else by Accept"),
        ("datetime" = Option<String>, Query, description = "Last update: an instant or an interval (`..` open)"),
        ("bbox" = Option<String>, Query, description = "`west,south,east,north`"),
        super::super::openapi::params::Filters),
    responses((status = 200, description = "A page of features", content((super::schemas::OgcFeatureCollection = "application/geo+json"), (String = "text/html"))), super::super::openapi::schemas::Errors))]
pub async fn list(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<GapCache>>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let c = collections::find(&state, &id)?;
    // Parsed for every collection, so a bad value is refused everywhere.
    let mut query = parse_filters(&params, &state)?;
    let when = params.get("datetime").map(datetime::parse).transpose()?;
    let (limit, offset) = (query.limit, query.offset);
    let found = match &c.kind {
        Kind::Assets(capital) => {
            if restrict(&mut query, *capital) {
                assets(&state, &query, when).await?
            } else {
                Found {
                    features: Vec::new(),
                    matched: 0,
                }
            }
        }
        Kind::Areas(level) => reference::page(&reference::areas(&state, level), &query)?,
        Kind::Gaps(level, capital) => {
            let all = reference::gaps(&state, &cache, level, *capital).await?;
            reference::page(&all, &query)?
        }
    };
    let body = collection_body(&ogc, &c.id, &params, found, limit, offset);
    Ok(ogc.respond_as(body, "application/geo+json", &c.title, html::items))
}

/// Narrows a query to the collection's capital; false if the query's own
/// `capital` filter leaves nothing of it.
fn restrict(query: &mut AssetQuery, capital: Option<Capital>) -> bool {
    let Some(c) = capital else { return true };
    if !query.capitals.is_empty() && !query.capitals.contains(&c) {
        return false;
    }
    query.capitals = vec![c];
    true
}

/// A page of assets, from the read model: it answers while the store is
/// down, and `datetime` is matched against each view's last update.
async fn assets(
    state: &AppState,
    query: &AssetQuery,
    when: Option<crate::service::Interval>,
) -> Result<Found, ApiError> {
    let mut query = query.clone();
    query.updated = when;
    let (matched, features) = state.registry.public_page(&query);
    Ok(Found { features, matched })
}

fn collection_body(
    ogc: &Ogc,
    id: &str,
    params: &Params,
    found: Found,
    limit: usize,
    offset: usize,
) -> Value {
    let path = format!("/ogc/collections/{id}/items");
    let returned = found.features.len();
    // The caller's filters, in a stable order, with the paging replaced.
    let mut kept: Vec<(&str, String)> = params
        .0
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "f" | "offset" | "limit") && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    kept.sort();
    let at = |offset: usize| {
        let mut pairs = kept.clone();
        pairs.push(("limit", limit.to_string()));
        pairs.push(("offset", offset.to_string()));
        format!("{path}?{}", query_string(&pairs))
    };
    let mut links = vec![
        ogc.link(&at(offset), "self", Format::Json, "This page"),
        ogc.link(&at(offset), "alternate", Format::Html, "This page as HTML"),
        ogc.link(
            &format!("/ogc/collections/{id}"),
            "collection",
            Format::Json,
            "The collection",
        ),
    ];
    if offset + returned < found.matched {
        links.push(ogc.link(&at(offset + limit), "next", ogc.format, "Next page"));
    }
    if offset > 0 {
        links.push(ogc.link(
            &at(offset.saturating_sub(limit)),
            "prev",
            ogc.format,
            "Previous page",
        ));
    }
    json!({
        "type": "FeatureCollection",
        "features": found.features,
        "numberMatched": found.matched,
        "numberReturned": returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
    })
}

#[utoipa::path(get, path = "/ogc/collections/{collectionId}/items/{featureId}", tag = "ogc", operation_id = "getFeature",
    params(("collectionId" = String, Path, description = "A collection's id (`/ogc/collections`)"), ("featureId" = String, Path, description = "A feature's id in the collection"), ("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The feature", content((super::schemas::OgcFeature = "application/geo+json"), (String = "text/html"))), super::super::openapi::schemas::Errors))]
pub async fn one(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<GapCache>>,
    Path((id, feature)): Path<(String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let c = collections::find(&state, &id)?;
    let missing = || ApiError::NotFound(format!("no feature '{feature}' in '{id}'"));
    let mut body = match &c.kind {
        Kind::Assets(capital) => asset(&state, &feature, *capital)
            .await?
            .ok_or_else(missing)?,
        Kind::Areas(level) => reference::areas(&state, level)
            .into_iter()
            .find(|f| f["id"] == feature.as_str())
            .ok_or_else(missing)?,
        Kind::Gaps(level, capital) => reference::gaps(&state, &cache, level, *capital)
            .await?
            .iter()
            .find(|f| f["id"] == feature.as_str())
            .cloned()
            .ok_or_else(missing)?,
    };
    let path = format!(
        "/ogc/collections/{id}/items/{}",
        super::request::encode(&feature)
    );
    body["links"] = json!([
        ogc.link(&path, "self", Format::Json, "This feature"),
        ogc.link(&path, "alternate", Format::Html, "This feature as HTML"),
        ogc.link(
            &format!("/ogc/collections/{id}"),
            "collection",
            Format::Json,
            "The collection"
        ),
    ]);
    let title = body["properties"]["name"]
        .as_str()
        .unwrap_or(&feature)
        .to_string();
    Ok(ogc.respond_as(body, "application/geo+json", &title, html::item))
}

/// The public view of a published asset of the collection, as
/// `/api/assets/{id}` shows it to the public (from memory); none if there
/// is no such.
async fn asset(
    state: &AppState,
    feature: &str,
    capital: Option<Capital>,
) -> Result<Option<Value>, ApiError> {
    let Ok(id) = uuid::Uuid::parse_str(feature) else {
        return Ok(None);
    };
    let found = match state.registry.public_feature(id).await {
        Ok(f) => f,
        Err(ServiceError::NotFound(_) | ServiceError::Gone(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let body: Value = serde_json::from_slice(&found.body).map_err(|e| {
        tracing::error!(error = %e, "a public feature is not JSON");
        ApiError::Internal
    })?;
    let in_collection = capital.is_none_or(|c| body["properties"]["capital"] == c.as_str());
    Ok(in_collection.then_some(body))
}

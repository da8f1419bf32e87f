//! The collections: every asset, the assets of each capital, the areas of
//! each level (with population), and the gap analysis of each level and
//! capital (with its default parameters).

use super::super::error::ApiError;
use super::super::extract::{Params, Path};
use super::super::AppState;
use super::html;
use super::request::{Format, Ogc};
use crate::domain::Capital;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use geo::BoundingRect;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub enum Kind {
    /// Every asset, or those of one capital.
    Assets(Option<Capital>),
    Areas(String),
    Gaps(String, Capital),
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub description: String,
    pub kind: Kind,
}

/// Every collection this server offers, in a stable order.
pub fn all(state: &AppState) -> Vec<Collection> {
    let mut out = vec![Collection {
        id: "assets".into(),
        title: "Assets".into(),
        description: "Every published asset; people only at their generalised place.".into(),
        kind: Kind::Assets(None),
    }];
    for c in Capital::ALL {
        out.push(Collection {
            id: format!("assets-{}", c.as_str()),
            title: format!("Assets: {} capital", c.as_str()),
            description: format!("The published assets of {} capital.", c.as_str()),
            kind: Kind::Assets(Some(c)),
        });
    }
    let levels = state.registry.areas().levels();
    for level in &levels {
        out.push(Collection {
            id: format!("areas-{level}"),
            title: format!("Areas: {level}"),
            description: format!("The {level} boundaries, with their population."),
            kind: Kind::Areas(level.clone()),
        });
    }
    for level in &levels {
        for c in Capital::ALL {
            out.push(Collection {
                id: format!("gaps-{level}-{}", c.as_str()),
                title: format!("Gaps: {} capital by {level}", c.as_str()),
                description: format!(
                    "Provision of {} capital in each {level}: count, per 1,000 residents, \
                     coverage and rank, with the default parameters of /api/gaps.",
                    c.as_str()
                ),
                kind: Kind::Gaps(level.clone(), c),
            });
        }
    }
    out
}

pub fn find(state: &AppState, id: &str) -> Result<Collection, ApiError> {
    all(state)
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("no collection '{id}'")))
}

/// The collection's bounds in longitude and latitude, where known.
fn extent(state: &AppState, kind: &Kind) -> Option<[f64; 4]> {
    match kind {
        Kind::Assets(_) => state
            .registry
            .index()
            .bounds()
            .map(|[lo, hi]| [lo[0], lo[1], hi[0], hi[1]]),
        Kind::Areas(level) | Kind::Gaps(level, _) => {
            let areas = state.registry.areas();
            areas
                .all()
                .iter()
                .filter(|a| &a.level == level)
                .filter_map(|a| a.geometry.bounding_rect())
                .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
                .reduce(|a, b| {
                    [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ]
                })
        }
    }
}

fn describe(ogc: &Ogc, state: &AppState, c: &Collection) -> Value {
    let path = format!("/ogc/collections/{}", c.id);
    let items = format!("{path}/items");
    let mut body = json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": [
            ogc.link(&path, "self", Format::Json, "This collection"),
            ogc.link(&path, "alternate", Format::Html, "This collection as HTML"),
            ogc.link(&items, "items", Format::Json, "The items as GeoJSON"),
            ogc.link(&items, "items", Format::Html, "The items as HTML"),
        ],
    });
    if let Some(bbox) = extent(state, &c.kind) {
        body["extent"] = json!({"spatial": {
            "bbox": [bbox],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }});
    }
    body
}

/// Every collection: `assets`, one per capital, areas per level and gaps
/// per level and capital.
#[utoipa::path(get, path = "/ogc/collections", tag = "ogc", operation_id = "getCollections", params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The collections", content((super::schemas::Collections = "application/json"), (String = "text/html"))), super::super::openapi::schemas::Errors))]
pub async fn list(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let collections: Vec<Value> = all(&state)
        .iter()
        .map(|c| describe(&ogc, &state, c))
        .collect();
    let body = json!({
        "links": [
            ogc.link("/ogc/collections", "self", Format::Json, "The collections"),
            ogc.link("/ogc/collections", "alternate", Format::Html, "The collections as HTML"),
        ],
        "collections": collections,
    });
    Ok(ogc.respond(body, "Collections", html::collections))
}

#[utoipa::path(get, path = "/ogc/collections/{collectionId}", tag = "ogc", operation_id = "describeCollection",
    params(("collectionId" = String, Path, description = "A collection's id (`/ogc/collections`)"), ("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The collection", content((super::schemas::CollectionInfo = "application/json"), (String = "text/html"))), super::super::openapi::schemas::Errors))]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let c = find(&state, &id)?;
    let body = describe(&ogc, &state, &c);
    Ok(ogc.respond(body, &c.title, html::collection))
}

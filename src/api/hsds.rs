//! The HSDS 3.0 API (Open Referral) under `/hsds`: the services and places
//! among the assets as a directory's services, organisations and services
//! at locations, paginated as the HSDS API reference says. Built from the
//! read model's public views, so nothing private and no person appears.

use super::error::ApiError;
use super::extract::{Params, Path};
use super::AppState;
use crate::domain::haversine_m;
use crate::hsds::{self, nest, Directory};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hsds", get(about))
        .route("/hsds/", get(about_slash))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/service_at_locations/{id}", get(service_at_location))
}

const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 1000;

type Obj = Map<String, Value>;

/// The directory as the read model is now, built again only after a write
/// (the index's generation changes with each).
fn directory(state: &AppState) -> Arc<Directory> {
    type Cached = Option<(usize, u64, Arc<Directory>)>;
    static CACHE: Mutex<Cached> = Mutex::new(None);
    let registry = Arc::as_ptr(&state.registry) as usize;
    let index = state.registry.index();
    let generation = index.generation();
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((r, g, dir)) = cache.as_ref() {
        if *r == registry && *g == generation {
            return dir.clone();
        }
    }
    let views = index.views();
    let dir = Arc::new(hsds::directory_of(views, state.registry.vocabulary()));
    *cache = Some((registry, generation, dir.clone()));
    dir
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    about,
    about_slash,
    services,
    service,
    organizations,
    organization,
    service_at_locations,
    service_at_location
))]
pub(super) struct Doc;

/// The same as `/hsds`.
#[utoipa::path(get, path = "/hsds/", tag = "hsds", responses((status = 200, description = "The HSDS version", body = super::openapi::bodies::HsdsAbout), super::openapi::schemas::Errors))]
async fn about_slash() -> Json<Value> {
    about().await
}

/// The HSDS API's version and what this server offers.
#[utoipa::path(get, path = "/hsds", tag = "hsds", responses((status = 200, description = "The HSDS version", body = super::openapi::bodies::HsdsAbout), super::openapi::schemas::Errors))]
async fn about() -> Json<Value> {
    Json(json!({
        "version": hsds::VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
    }))
}

/// `page` and `per_page`, checked, and the page of `items` they ask for
/// in the API reference's shape.
fn paginate(params: &Params, items: Vec<Obj>) -> Result<Json<Value>, ApiError> {
    let whole = |name: &str| -> Result<Option<usize>, ApiError> {
        params
            .get(name)
            .map(|v| {
                v.trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ApiError::bad(name, "must be a whole number, 1 or more"))
            })
            .transpose()
    };
    let page = whole("page")?.unwrap_or(1);
    let per_page = whole("per_page")?.unwrap_or(DEFAULT_PER_PAGE);
    if per_page > MAX_PER_PAGE {
        return Err(ApiError::bad(
            "per_page",
            format!("must be at most {MAX_PER_PAGE}"),
        ));
    }
    let total = items.len();
    let total_pages = total.div_ceil(per_page);
    if page > total_pages.max(1) {
        return Err(ApiError::bad(
            "page",
            format!("there are {total_pages} pages of {per_page}"),
        ));
    }
    let contents: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(Value::Object)
        .collect();
    Ok(Json(json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": contents.len(),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })))
}

/// The filters the list routes share, checked before any work is done.
struct Filters {
    search: Option<String>,
    organization: Option<String>,
    term: Option<String>,
    modified_after: Option<DateTime<Utc>>,
    full: bool,
}

impl Filters {
    fn read(params: &Params) -> Result<Filters, ApiError> {
        if let Some(f) = params.get("format") {
            if f != "json" {
                return Err(ApiError::bad("format", "only json is served"));
            }
        }
        let modified_after = params
            .get("modified_after")
            .map(|v| {
                DateTime::parse_from_rfc3339(v.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .or_else(|_| {
                        NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                            .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
                    })
                    .map_err(|_| {
                        ApiError::bad("modified_after", "expected a date or an RFC 3339 datetime")
                    })
            })
            .transpose()?;
        let full = match params.get("full") {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return Err(ApiError::bad("full", "expected true or false")),
        };
        Ok(Filters {
            search: params.get("search").map(|s| s.trim().to_lowercase()),
            organization: params.get("organization_id").map(str::to_string),
            term: params.get("taxonomy_term_id").map(str::to_string),
            modified_after,
            full,
        })
    }

    fn accepts(&self, dir: &Directory, service: &Obj) -> bool {
        let field = |k: &str| service.get(k).and_then(Value::as_str).unwrap_or("");
        if let Some(needle) = &self.search {
            // The category's name too: a food bank is rarely called one.
            let terms: Vec<&str> = dir
                .linked("attribute", "link_id", hsds::id_of(service))
                .filter_map(|a| a.get("taxonomy_term_id").and_then(Value::as_str))
                .filter_map(|t| dir.find("taxonomy_term", t))
                .filter_map(|t| t.get("name").and_then(Value::as_str))
                .collect();
            let hay = format!(
                "{}\n{}\n{}",
                field("name"),
                field("description"),
                terms.join("\n")
            )
            .to_lowercase();
            if !hay.contains(needle.as_str()) {
                return false;
            }
        }
        if self
            .organization
            .as_ref()
            .is_some_and(|o| field("organization_id") != o)
        {
            return false;
        }
        if let Some(term) = &self.term {
            let id = hsds::id_of(service);
            if !dir
                .linked("attribute", "link_id", id)
                .any(|a| a.get("taxonomy_term_id").and_then(Value::as_str) == Some(term))
            {
                return false;
            }
        }
        if let Some(after) = self.modified_after {
            let modified = DateTime::parse_from_rfc3339(field("last_modified"));
            if !modified.is_ok_and(|m| m.with_timezone(&Utc) >= after) {
                return false;
            }
        }
        true
    }
}

#[utoipa::path(get, path = "/hsds/services", tag = "hsds", params(super::openapi::params::HsdsList),
    responses((status = 200, description = "A page", body = super::openapi::bodies::HsdsPage<super::openapi::bodies::HsdsService>), super::openapi::schemas::Errors))]
async fn services(State(state): State<AppState>, params: Params) -> Result<Json<Value>, ApiError> {
    let filters = Filters::read(&params)?;
    let dir = directory(&state);
    let items = dir
        .rows("service")
        .iter()
        .filter(|s| filters.accepts(&dir, s))
        .map(|s| match filters.full {
            true => nest::service_full(&dir, s),
            false => nest::service_item(&dir, s),
        })
        .collect();
    paginate(&params, items)
}

fn found<'a>(dir: &'a Directory, table: &str, id: &str) -> Result<&'a Obj, ApiError> {
    dir.find(table, id)
        .ok_or_else(|| ApiError::NotFound(format!("no {} with id {id}", table.replace('_', " "))))
}

#[utoipa::path(get, path = "/hsds/services/{id}", tag = "hsds", params(("id" = String, Path)),
    responses((status = 200, description = "The record", body = super::openapi::bodies::HsdsService), super::openapi::schemas::Errors))]
async fn service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dir = directory(&state);
    let s = found(&dir, "service", &id)?;
    Ok(Json(Value::Object(nest::service_full(&dir, s))))
}

#[utoipa::path(get, path = "/hsds/organizations", tag = "hsds", params(super::openapi::params::HsdsList),
    responses((status = 200, description = "A page", body = super::openapi::bodies::HsdsPage<super::openapi::bodies::HsdsOrganization>), super::openapi::schemas::Errors))]
async fn organizations(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let filters = Filters::read(&params)?;
    let dir = directory(&state);
    let items = dir
        .rows("organization")
        .iter()
        .filter(|o| {
            filters.search.as_ref().is_none_or(|needle| {
                let field = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                format!("{}\n{}", field("name"), field("description"))
                    .to_lowercase()
                    .contains(needle.as_str())
            })
        })
        .map(|o| match filters.full {
            true => nest::organization_full(&dir, o),
            false => o.clone(),
        })
        .collect();
    paginate(&params, items)
}

#[utoipa::path(get, path = "/hsds/organizations/{id}", tag = "hsds", params(("id" = String, Path)),
    responses((status = 200, description = "The record", body = super::openapi::bodies::HsdsOrganization), super::openapi::schemas::Errors))]
async fn organization(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dir = directory(&state);
    let o = found(&dir, "organization", &id)?;
    Ok(Json(Value::Object(nest::organization_full(&dir, o))))
}

#[utoipa::path(get, path = "/hsds/service_at_locations", tag = "hsds", params(super::openapi::params::HsdsList, super::openapi::params::HsdsNear),
    responses((status = 200, description = "A page", body = super::openapi::bodies::HsdsPage<super::openapi::bodies::HsdsServiceAtLocation>), super::openapi::schemas::Errors))]
async fn service_at_locations(
    State(state): State<AppState>,
    params: Params,
) -> Result<Json<Value>, ApiError> {
    let filters = Filters::read(&params)?;
    let near = match (
        params.get("postcode"),
        params.metres("proximity", 100_000.0)?,
    ) {
        (Some(pc), distance) => {
            let place = state
                .registry
                .postcode(pc)
                .ok_or_else(|| ApiError::bad("postcode", "not a postcode this map knows"))?;
            Some(([place.lon, place.lat], distance))
        }
        (None, Some(_)) => return Err(ApiError::bad("postcode", "proximity needs a postcode")),
        (None, None) => None,
    };
    let dir = directory(&state);
    let mut items: Vec<(f64, Obj)> = Vec::new();
    for sal in dir.rows("service_at_location") {
        let field = |k: &str| sal.get(k).and_then(Value::as_str).unwrap_or("");
        let Some(service) = dir.find("service", field("service_id")) else {
            continue;
        };
        if !filters.accepts(&dir, service) {
            continue;
        }
        let mut distance = 0.0;
        if let Some((centre, within)) = near {
            let Some(l) = dir.find("location", field("location_id")) else {
                continue;
            };
            let at = [
                l["longitude"].as_f64().unwrap_or(f64::NAN),
                l["latitude"].as_f64().unwrap_or(f64::NAN),
            ];
            distance = haversine_m(centre, at);
            if within.is_some_and(|w| distance > w) {
                continue;
            }
        }
        let item = match filters.full {
            true => nest::sal_full(&dir, sal),
            false => nest::sal_item(&dir, sal),
        };
        items.push((distance, item));
    }
    // Nearest first when a postcode is given; in id order otherwise.
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    paginate(&params, items.into_iter().map(|(_, i)| i).collect())
}

#[utoipa::path(get, path = "/hsds/service_at_locations/{id}", tag = "hsds", params(("id" = String, Path)),
    responses((status = 200, description = "The record", body = super::openapi::bodies::HsdsServiceAtLocation), super::openapi::schemas::Errors))]
async fn service_at_location(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let dir = directory(&state);
    let sal = found(&dir, "service_at_location", &id)?;
    Ok(Json(Value::Object(nest::sal_full(&dir, sal))))
}

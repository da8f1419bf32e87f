//! Export (`/api/export.geojson`, `/api/export.csv`) and import
//! (`POST /api/import`) over HTTP.

use super::assets::parse_filters;
use super::auth::Writer;
use super::error::{ApiError, Result};
use super::extract::{ImportBody, Params, MAX_IMPORT_BYTES};
use super::openapi::{params, schemas::Errors};
use super::AppState;
use crate::export::{self, Format};
use crate::import::{self, Mapping, MappingSpec, Options};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/export.geojson", get(export_geojson))
        .route("/api/export.csv", get(export_csv))
        .route(
            "/api/import",
            post(upload).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(export_geojson, export_csv, upload))]
pub(super) struct Doc;

/// Every asset that matches (no paging), as a GeoJSON file.
#[utoipa::path(get, path = "/api/export.geojson", tag = "transfer",
    params(params::Place, params::Filters),
    responses((status = 200, description = "Every public asset as GeoJSON", content_type = "application/geo+json",
        body = super::openapi::schemas::ExportCollection), Errors))]
async fn export_geojson(state: State<AppState>, params: Params) -> Result<Response, ApiError> {
    download(state, params, Format::GeoJson).await
}

/// The same as CSV, one row an asset.
#[utoipa::path(get, path = "/api/export.csv", tag = "transfer",
    params(params::Place, params::Filters),
    responses((status = 200, description = "Every public asset as CSV", content_type = "text/csv", body = String), Errors))]
async fn export_csv(state: State<AppState>, params: Params) -> Result<Response, ApiError> {
    download(state, params, Format::Csv).await
}

async fn download(
    State(state): State<AppState>,
    params: Params,
    format: Format,
) -> Result<Response> {
    let mut query = parse_filters(&params, &state)?;
    query.offset = 0;
    let stream = export::stream(state.registry.clone(), query, format).await?;
    let name = match format {
        Format::GeoJson => "assetmap.geojson",
        Format::Csv => "assetmap.csv",
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// A GeoJSON FeatureCollection in the body; `dataset` names it, and
/// `capital`, `category`, `id_field` and `map=field:source,...` map it.
#[utoipa::path(post, path = "/api/import", tag = "transfer",
    params(("dataset" = String, Query, description = "Names the data set, e.g. libraries"),
        ("capital" = Option<String>, Query, description = "The capital of every feature"),
        ("category" = Option<String>, Query, description = "The category of every feature"),
        ("id_field" = Option<String>, Query, description = "The property that identifies a feature across imports"),
        ("map" = Option<String>, Query, description = "`field:source,...`: where each field comes from"),
        ("dry_run" = Option<bool>, Query), ("skip_invalid" = Option<bool>, Query)),
    request_body(content = serde_json::Value, description = "A GeoJSON FeatureCollection (at most 64 MiB)"),
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    responses((status = 200, description = "What the import read, created, updated, left unchanged and rejected", body = crate::import::Report), Errors))]
async fn upload(
    State(state): State<AppState>,
    params: Params,
    writer: Writer,
    ImportBody(body): ImportBody,
) -> Result<Json<import::Report>> {
    let dataset = params
        .get("dataset")
        .map(str::to_string)
        .ok_or_else(|| ApiError::bad("dataset", "name the data set, e.g. dataset=libraries"))?;
    crate::domain::check_dataset(&dataset).map_err(ApiError::BadRequest)?;
    let mut spec = MappingSpec {
        capital: params.get("capital").map(str::to_string),
        category: params.get("category").map(str::to_string),
        id_field: params.get("id_field").map(str::to_string),
        ..MappingSpec::default()
    };
    for pair in params.list("map") {
        let (field, source) = pair
            .split_once(':')
            .ok_or_else(|| ApiError::bad("map", format!("'{pair}': expected field:source")))?;
        spec.map.insert(field.to_string(), source.to_string());
    }
    let mapping = Mapping::new(spec).map_err(|e| ApiError::bad("map", e))?;
    let flag = |name: &str| params.parse::<bool>(name).map(|v| v.unwrap_or(false));
    let options = Options {
        dataset,
        dry_run: flag("dry_run")?,
        skip_invalid: flag("skip_invalid")?,
        actor: writer.actor,
    };
    let records = import::geojson::from_slice(&body).map_err(|e| {
        if e.is_data() {
            ApiError::Unprocessable(crate::domain::FieldError::new("body", e.to_string()))
        } else {
            ApiError::MalformedJson(e.to_string())
        }
    })?;
    // The records hold all that is needed from here on.
    drop(body);
    let registry = &state.registry;
    let (report, changes) = import::plan(
        registry.store().as_ref(),
        registry.vocabulary(),
        &mapping,
        records,
        &options,
    )
    .await
    .map_err(import_error)?;
    let write = options.writes(&report);
    if write && !changes.is_empty() {
        registry.commit(changes).await?;
    }
    let report = import::Report {
        written: write,
        ..report
    };
    if !write && !options.dry_run {
        return Err(ApiError::Rejected(Box::new(report)));
    }
    Ok(Json(report))
}

fn import_error(e: import::ImportError) -> ApiError {
    match e {
        import::ImportError::Store(e) => e.into(),
        other => ApiError::Unprocessable(crate::domain::FieldError::new("body", other.to_string())),
    }
}

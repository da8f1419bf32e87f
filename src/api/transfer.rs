//! Export (`/api/export.geojson`, `/api/export.csv`) and import
//! (`POST /api/import`) over HTTP.

use super::assets::parse_filters;
use super::auth::Writer;
use super::error::ApiError;
use super::extract::{ImportBody, Params, MAX_IMPORT_BYTES};
use super::AppState;
use crate::export::{self, Format};
use crate::import::{self, Mapping, MappingSpec, Options};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/export.geojson",
            get(|s, p| download(s, p, Format::GeoJson)),
        )
        .route("/api/export.csv", get(|s, p| download(s, p, Format::Csv)))
        .route(
            "/api/import",
            post(upload).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
}

async fn download(
    State(state): State<AppState>,
    params: Params,
    format: Format,
) -> Result<Response, ApiError> {
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
async fn upload(
    State(state): State<AppState>,
    params: Params,
    writer: Writer,
    ImportBody(body): ImportBody,
) -> Result<Response, ApiError> {
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
        let message = format!(
            "{} features were rejected, so nothing was imported; fix them or pass skip_invalid=true",
            report.rejected.len()
        );
        let body = json!({
            "error": {"code": "rejected_features", "message": message, "field": "body"},
            "report": report,
        });
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
    }
    Ok(Json(json!(report)).into_response())
}

fn import_error(e: import::ImportError) -> ApiError {
    match e {
        import::ImportError::Store(e) => e.into(),
        other => ApiError::Unprocessable(crate::domain::FieldError::new("body", other.to_string())),
    }
}

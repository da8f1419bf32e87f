//! Extractors whose failures answer in the API's own error shape.

use super::error::ApiError;
use crate::domain::{Capital, FieldError, Vocabulary};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde_json::Value;
use std::collections::HashMap;

/// Default limit on request bodies; a GeoJSON Feature is a few kilobytes,
/// a detailed park boundary a few hundred.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// A JSON body, or the API's error for why it is not one.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(rejection) => Err(json_rejection(rejection, MAX_BODY_BYTES)),
        }
    }
}

/// Imports are whole files; the rest of the API keeps the small limit.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// An import's JSON body, as bytes: the importer reads it one feature at a
/// time rather than as one tree several times its size. Checked like
/// `JsonBody` (a JSON content type), and a body over the limit is answered
/// with the import limit, the one that applies.
pub struct ImportBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ImportBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(ImportBody(bytes)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge(MAX_IMPORT_BYTES))
            }
            Err(r) => Err(ApiError::MalformedJson(r.body_text())),
        }
    }
}

fn json_rejection(r: JsonRejection, limit: usize) -> ApiError {
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(limit),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        _ => ApiError::MalformedJson(r.body_text()),
    }
}

/// Query parameters by name. The last of repeated names wins; parsing each
/// is left to the handler so that errors can name the parameter.
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs: Vec<(String, String)> = serde_urlencoded_pairs(query)
            .map_err(|e| ApiError::BadRequest(FieldError::new("query", e)))?;
        Ok(Params(pairs.into_iter().collect()))
    }
}

fn serde_urlencoded_pairs(query: &str) -> Result<Vec<(String, String)>, String> {
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .map_err(|_| "malformed query string".to_string())?,
    )
    .map(|q| q.0)
    .map_err(|e| e.body_text())
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(|s| s.as_str())
            .filter(|s| !s.trim().is_empty())
    }

    /// Parses a parameter if present, naming it in the error.
    pub fn parse<T>(&self, name: &str) -> Result<Option<T>, ApiError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse::<T>()
                    .map_err(|e| ApiError::bad(name, e.to_string()))
            })
            .transpose()
    }

    /// A comma-separated parameter as trimmed, non-empty items.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `capital=social,public`, each a known capital.
    pub fn capitals(&self) -> Result<Vec<Capital>, ApiError> {
        self.list("capital")
            .iter()
            .map(|c| {
                c.parse::<Capital>()
                    .map_err(|e| ApiError::bad("capital", e))
            })
            .collect()
    }

    /// `category=library,food_bank`, each a category of some capital.
    pub fn categories(&self, vocabulary: &Vocabulary) -> Result<Vec<String>, ApiError> {
        let categories = self.list("category");
        for c in &categories {
            if !Capital::ALL.iter().any(|cap| vocabulary.contains(*cap, c)) {
                return Err(ApiError::bad(
                    "category",
                    format!("'{c}' is not a known category"),
                ));
            }
        }
        Ok(categories)
    }

    /// A distance in metres, more than 0 and at most `max`, if given.
    pub fn metres(&self, name: &str, max: f64) -> Result<Option<f64>, ApiError> {
        let Some(v) = self.parse::<f64>(name)? else {
            return Ok(None);
        };
        if !(v.is_finite() && v > 0.0 && v <= max) {
            return Err(ApiError::bad(
                name,
                format!("must be more than 0 and at most {max} metres"),
            ));
        }
        Ok(Some(v))
    }
}

/// A path parameter, or the API's JSON error for why it cannot be read
/// (a percent-encoded byte that is not UTF-8, for one): axum's own
/// extractor answers such paths in plain text.
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(ApiError::bad("path", rejection.body_text())),
        }
    }
}

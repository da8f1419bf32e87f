//! The one place where errors become HTTP answers:
//! `{"error": {"code", "message", "field"}}` with a status that fits.

use crate::domain::FieldError;
use crate::service::ServiceError;
use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// What a handler returns: its answer, or the error this module turns into
/// one.
pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter or header is wrong.
    #[error("{0}")]
    BadRequest(FieldError),
    /// The body is well-formed JSON but not a valid asset.
    #[error("{0}")]
    Unprocessable(FieldError),
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the body is larger than the limit of {0} bytes")]
    PayloadTooLarge(usize),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("{0}")]
    NotFound(String),
    #[error("that method is not allowed here")]
    MethodNotAllowed,
    #[error("{0}")]
    Gone(String),
    #[error("{message}")]
    Conflict { message: String, current: i64 },
    #[error("send If-Match with the version you are changing, so no one's edit is lost")]
    PreconditionRequired,
    #[error("send Authorization: Bearer <token>")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("the email or password is not right")]
    BadCredentials,
    #[error(
        "send the X-CSRF-Token header from GET /api/session with every change made while signed in"
    )]
    CsrfRequired,
    #[error("too many requests from your address; try again in {0} seconds")]
    TooManyRequests(u64),
    #[error("{0}")]
    AlreadyDecided(String),
    #[error("the store is unavailable; try again shortly")]
    Unavailable,
    #[error("something went wrong on our side")]
    Internal,
    #[error("the request was not received and answered in time; try again")]
    Timeout,
    /// Too many of this kind of request at once; try again shortly.
    #[error("{0}")]
    Busy(&'static str),
    /// An import with rejected features wrote nothing; the report says why.
    #[error(
        "{} features were rejected, so nothing was imported; fix them or pass skip_invalid=true",
        .0.rejected.len()
    )]
    Rejected(Box<crate::import::Report>),
}

impl ApiError {
    pub fn bad(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(FieldError::new(field, message))
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ApiError::Gone(_) => (StatusCode::GONE, "archived"),
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "version_conflict"),
            ApiError::PreconditionRequired => {
                (StatusCode::PRECONDITION_REQUIRED, "if_match_required")
            }
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            ApiError::CsrfRequired => (StatusCode::FORBIDDEN, "csrf_token_required"),
            ApiError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::AlreadyDecided(_) => (StatusCode::CONFLICT, "already_decided"),
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable"),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            ApiError::Timeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            ApiError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            ApiError::Rejected(_) => (StatusCode::UNPROCESSABLE_ENTITY, "rejected_features"),
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest(f) | ApiError::Unprocessable(f) => Some(&f.field),
            ApiError::MalformedJson(_)
            | ApiError::PayloadTooLarge(_)
            | ApiError::UnsupportedMediaType
            | ApiError::Rejected(_) => Some("body"),
            ApiError::PreconditionRequired | ApiError::Conflict { .. } => Some("If-Match"),
            ApiError::Unauthorized => Some("Authorization"),
            ApiError::BadCredentials => Some("password"),
            ApiError::CsrfRequired => Some("X-CSRF-Token"),
            _ => None,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest(f) | ApiError::Unprocessable(f) => f.message.clone(),
            other => other.to_string(),
        }
    }
}

/// `{"error": {...}}`, and the import's report beside it when it has one.
#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a crate::import::Report>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_version: Option<i64>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message: self.message(),
                field: self.field(),
                current_version: match &self {
                    ApiError::Conflict { current, .. } => Some(*current),
                    _ => None,
                },
            },
            report: match &self {
                ApiError::Rejected(report) => Some(report),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if matches!(self, ApiError::Busy(_) | ApiError::Unavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        if matches!(self, ApiError::PayloadTooLarge(_) | ApiError::Timeout) {
            // The rest of the body is never read, so hyper closes the
            // connection after this answer. Saying so keeps the client from
            // pooling it and sending its next request into a closed socket.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if matches!(self, ApiError::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let ApiError::TooManyRequests(seconds) = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> ApiError {
        match e {
            ServiceError::Invalid(f) => ApiError::Unprocessable(f),
            ServiceError::NotFound(id) => ApiError::NotFound(format!("no asset with id {id}")),
            ServiceError::Gone(id) => ApiError::Gone(format!("asset {id} has been archived")),
            e @ ServiceError::Conflict { current, .. } => ApiError::Conflict {
                message: format!("{e}: fetch it again and reapply your change"),
                current,
            },
            ServiceError::Store(e) => e.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        // The detail goes to the log, never to the client.
        tracing::error!(error = %e, "store error");
        match e.is_unreachable() {
            true => ApiError::Unavailable,
            false => ApiError::Internal,
        }
    }
}

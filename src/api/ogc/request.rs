//! What every OGC request shares: the format asked for (`?f=` or the
//! `Accept` header) and the server's own address, from the request's
//! `Host`, so that links are absolute: GDAL pages through `next` links.

use super::super::error::ApiError;
use super::super::extract::Params;
use super::html;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Json,
    Html,
}

impl Format {
    fn param(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

pub struct Ogc {
    /// `http://host:port`, no trailing slash.
    pub base: String,
    pub format: Format,
}

impl Ogc {
    pub fn new(params: &Params, headers: &HeaderMap) -> Result<Ogc, ApiError> {
        Ok(Ogc {
            base: base_url(headers)?,
            format: format(params, headers)?,
        })
    }

    /// An absolute address of `path` (which may carry a query) in `format`.
    pub fn href(&self, path: &str, format: Format) -> String {
        let joiner = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{joiner}f={}", self.base, format.param())
    }

    pub fn link(&self, path: &str, rel: &str, format: Format, title: &str) -> Value {
        let media = match format {
            Format::Json if path.contains("/items") => "application/geo+json",
            Format::Json => "application/json",
            Format::Html => "text/html",
        };
        json!({"href": self.href(path, format), "rel": rel, "type": media, "title": title})
    }

    /// The body as JSON of `media` type, or rendered as a page.
    pub fn respond_as(
        &self,
        body: Value,
        media: &'static str,
        title: &str,
        render: fn(&Value) -> String,
    ) -> Response {
        match self.format {
            Format::Html => Html(html::page(title, &render(&body))).into_response(),
            Format::Json => {
                let mut r = Json(body).into_response();
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
                r
            }
        }
    }

    pub fn respond(&self, body: Value, title: &str, render: fn(&Value) -> String) -> Response {
        self.respond_as(body, "application/json", title, render)
    }
}

/// `?f=json|html` wins; otherwise a browser (which puts `text/html` in its
/// `Accept`) gets the page and every other client JSON.
fn format(params: &Params, headers: &HeaderMap) -> Result<Format, ApiError> {
    match params.get("f") {
        Some("json") | Some("geojson") => return Ok(Format::Json),
        Some("html") => return Ok(Format::Html),
        Some(other) => {
            return Err(ApiError::bad(
                "f",
                format!("'{other}' is not a format here: use json or html"),
            ))
        }
        None => {}
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(if accept.contains("text/html") {
        Format::Html
    } else {
        Format::Json
    })
}

/// The scheme and host the client used. A host is a name or address and a
/// port, nothing else: anything more would be put into every link.
fn base_url(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let fine = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'));
    if !fine {
        return Err(ApiError::bad("Host", "not a host name and port"));
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let scheme = if https { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

/// `key=value` pairs, percent-encoded, for the links a page gives out.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b',' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

//! Headers every answer carries, so that a browser confines the page to
//! what it needs: its own scripts, MapLibre's worker (created from a blob),
//! images drawn from data and blobs, and no framing by other sites.

use super::PageConfig;
use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

/// Wraps `app` so every response has the security headers (a handler that
/// sets one itself keeps its own).
pub fn apply<S: Clone + Send + Sync + 'static>(app: Router<S>, page: &PageConfig) -> Router<S> {
    let csp = HeaderValue::from_str(&content_security_policy(page))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let set =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    app.layer(set(header::CONTENT_SECURITY_POLICY, csp))
        .layer(set(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(set(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(set(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
}

/// The page's policy. MapLibre runs its worker from a `blob:` URL and
/// draws with `data:` and `blob:` images. A basemap style on another
/// server lists tiles, glyphs and sprites on hosts of its own choosing, so
/// with one configured the page may fetch over HTTPS from anywhere; scripts
/// still come only from this server.
pub fn content_security_policy(page: &PageConfig) -> String {
    let remote_basemap = page
        .basemap_style
        .as_deref()
        .is_some_and(|s| s.starts_with("https://") || s.starts_with("http://"));
    // blob: for what the page makes itself (an area's CSV) and reads back.
    let connect = if remote_basemap {
        "'self' blob: https:"
    } else {
        "'self' blob:"
    };
    [
        "default-src 'self'".to_string(),
        "script-src 'self'".into(),
        "style-src 'self'".into(),
        "img-src 'self' data: blob:".into(),
        "font-src 'self'".into(),
        format!("connect-src {connect}"),
        "worker-src 'self' blob:".into(),
        "child-src blob:".into(),
        "object-src 'none'".into(),
        "base-uri 'none'".into(),
        "form-action 'self'".into(),
        "frame-ancestors 'none'".into(),
    ]
    .join("; ")
}

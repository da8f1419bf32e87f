//! The map page's files. Only an allow-list is served: the page itself,
//! its scripts, styles and images, and MapLibre's built files under
//! `/vendor/maplibre-gl`; never `node_modules` (third-party files, some of
//! them HTML apps, on the map's own origin), never a dotfile, never the
//! npm manifests. The request path is matched as sent, before any decoding,
//! so `/./x`, `//x`, `/%6eode_modules/x` or `/a%2fb` match nothing.

use super::error::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// Extensions served anywhere in the web folder.
const PAGE_EXTENSIONS: &[&str] = &["js", "mjs", "css", "svg", "png", "ico", "webp", "woff2"];
/// Folders whose JSON is the page's own (translations), not npm's.
const JSON_FOLDERS: &[&str] = &["messages", "locales"];
/// What MapLibre's dist folder may give.
const VENDOR_EXTENSIONS: &[&str] = &["js", "css", "map"];

/// Answers every path the API does not, from the web folder `dir`.
pub async fn serve(dir: Arc<Path>, req: Request) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return ApiError::MethodNotAllowed.into_response();
    }
    let Some(file) = allowed(&dir, req.uri().path()) else {
        return ApiError::NotFound("no such file".into()).into_response();
    };
    let response = match ServeFile::new(file).oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return ApiError::NotFound("no such file".into()).into_response();
    }
    response
}

/// The file a request path names, if it is one the page may serve.
fn allowed(dir: &Path, path: &str) -> Option<PathBuf> {
    if path == "/" {
        return Some(dir.join("index.html"));
    }
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    if !segments.iter().all(|s| plain_segment(s)) {
        return None;
    }
    let extension = segments.last()?.rsplit_once('.')?.1;
    match segments.as_slice() {
        ["vendor", "maplibre-gl", rest @ ..] if !rest.is_empty() => VENDOR_EXTENSIONS
            .contains(&extension)
            .then(|| join(dir.join("node_modules/maplibre-gl/dist"), rest)),
        ["node_modules", ..] => None,
        ["index.html"] => Some(dir.join("index.html")),
        [folder, .., _] if extension == "json" => JSON_FOLDERS
            .contains(folder)
            .then(|| join(dir.to_path_buf(), &segments)),
        _ => PAGE_EXTENSIONS
            .contains(&extension)
            .then(|| join(dir.to_path_buf(), &segments)),
    }
}

/// Letters, digits, `-`, `_` and `.`, not starting with a dot: no `..`,
/// no hidden file, no percent-escape, no empty segment.
fn plain_segment(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

fn join(mut base: PathBuf, segments: &[&str]) -> PathBuf {
    for s in segments {
        base.push(s);
    }
    base
}

#[cfg(test)]
mod tests {
    use super::allowed;
    use std::path::Path;

    #[test]
    fn only_the_page_and_maplibre_are_served() {
        let dir = Path::new("/w");
        for (path, file) in [
            ("/", "/w/index.html"),
            ("/index.html", "/w/index.html"),
            ("/app.js", "/w/app.js"),
            ("/js/map.js", "/w/js/map.js"),
            ("/style.css", "/w/style.css"),
            ("/favicon.svg", "/w/favicon.svg"),
            ("/messages/en.json", "/w/messages/en.json"),
            (
                "/vendor/maplibre-gl/maplibre-gl.js",
                "/w/node_modules/maplibre-gl/dist/maplibre-gl.js",
            ),
        ] {
            assert_eq!(
                allowed(dir, path).as_deref(),
                Some(Path::new(file)),
                "{path}"
            );
        }
        for path in [
            "/node_modules/maplibre-gl/package.json",
            "/./node_modules/maplibre-gl/package.json",
            "//node_modules/maplibre-gl/package.json",
            "/node_modules%2fmaplibre-gl%2fpackage.json",
            "/%6eode_modules/maplibre-gl/package.json",
            "/vendor/maplibre-gl/../package.json",
            "/vendor/maplibre-gl/../../package.json",
            "/package.json",
            "/package-lock.json",
            "/.gitignore",
            "/js/.secret.js",
            "/other.html",
            "/README.md",
            "/vendor/maplibre-gl/",
        ] {
            assert_eq!(allowed(dir, path), None, "{path}");
        }
    }
}

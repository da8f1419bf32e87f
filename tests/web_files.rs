//! The page's files: an allow-list, never node_modules by any spelling of
//! the path, never a dotfile; and the security headers on every answer.
//! Odd spellings go over a raw socket, since an HTTP client may tidy the
//! path before sending it.

use crate::common;

use common::{fresh_store, Backend, TestApp, TOKEN};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

on_both_stores!(
    only_the_page_is_served_from_the_web_folder,
    every_answer_has_the_security_headers,
);

const NPM_SECRET: &str = "npm-package-manifest-marker";

/// A web folder like the real one, with npm's folder and a dotfile.
fn web_folder(dir: &Path) {
    let files = [
        ("index.html", "<!doctype html><title>map</title>"),
        ("app.js", "console.log('page');"),
        ("style.css", "body{}"),
        ("favicon.svg", "<svg/>"),
        ("package.json", NPM_SECRET),
        (".env", NPM_SECRET),
        ("node_modules/maplibre-gl/package.json", NPM_SECRET),
        ("node_modules/maplibre-gl/index.html", NPM_SECRET),
        ("node_modules/maplibre-gl/dist/maplibre-gl.js", "maplibre"),
        (
            "node_modules/maplibre-gl/dist/maplibre-gl.css",
            ".maplibregl{}",
        ),
        ("node_modules/.package-lock.json", NPM_SECRET),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

async fn app_with_page(backend: Backend) -> (TestApp, Vec<tempfile::TempDir>) {
    let (url, store_dir) = fresh_store(backend).await;
    let web = tempfile::tempdir().unwrap();
    web_folder(web.path());
    let web_path = web.path().to_path_buf();
    let app = TestApp::on_with(&url, Some(TOKEN), |args| args.web_dir = web_path).await;
    (app, store_dir.into_iter().chain([web]).collect())
}

/// The status code and whole answer to a GET of `path` sent byte for byte.
async fn raw_get(app: &TestApp, path: &str) -> (u16, String) {
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line for {path}: {text}"));
    (status, text)
}

async fn only_the_page_is_served_from_the_web_folder(backend: Backend) {
    let (app, _dirs) = app_with_page(backend).await;
    for (path, expected) in [
        ("/", "<title>map</title>"),
        ("/index.html", "<title>map</title>"),
        ("/app.js", "console.log"),
        ("/style.css", "body{}"),
        ("/favicon.svg", "<svg/>"),
        ("/vendor/maplibre-gl/maplibre-gl.js", "maplibre"),
        ("/vendor/maplibre-gl/maplibre-gl.css", ".maplibregl{}"),
    ] {
        let (status, text) = raw_get(&app, path).await;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(text.contains(expected), "{path}: {text}");
    }
    for path in [
        "/node_modules/maplibre-gl/package.json",
        "/./node_modules/maplibre-gl/package.json",
        "//node_modules/maplibre-gl/package.json",
        "/node_modules%2fmaplibre-gl%2fpackage.json",
        "/node_modules%2Fmaplibre-gl%2Fpackage.json",
        "/%6eode_modules/maplibre-gl/package.json",
        "/%2e/node_modules/maplibre-gl/package.json",
        "/node_modules/maplibre-gl/index.html",
        "/node_modules/.package-lock.json",
        "/vendor/maplibre-gl/../package.json",
        "/vendor/maplibre-gl/%2e%2e/package.json",
        "/vendor/%2e%2e/package.json",
        "/package.json",
        "/.env",
        "/%2eenv",
    ] {
        let (status, text) = raw_get(&app, path).await;
        assert!(
            status == 404 || status == 400,
            "{path} answered {status}: {text}"
        );
        assert!(!text.contains(NPM_SECRET), "{path}: {text}");
    }
    app.stop().await;
}

async fn every_answer_has_the_security_headers(backend: Backend) {
    let (app, _dirs) = app_with_page(backend).await;
    for path in [
        "/",
        "/app.js",
        "/api/health",
        "/api/assets?bbox=x",
        "/nothing",
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "worker-src 'self' blob:",
            "img-src 'self' data: blob:",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(
            h["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
    }
    app.stop().await;
}

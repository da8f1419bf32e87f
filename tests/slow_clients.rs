//! Slow or stalled clients cannot hold the server: half-sent headers and
//! half-sent bodies are given up on, imports are capped, and shutdown ends
//! with such connections open. Deadlines are set to a second here; the
//! outer `tokio::time::timeout`s only stop a broken server from hanging
//! the test run, and assert nothing about speed.

use crate::common;

use assetmap::config::ServeArgs;
use common::{fresh_store, Backend, TestApp, TOKEN};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

on_both_stores!(
    half_sent_headers_are_given_up_on,
    a_half_sent_body_is_answered_408_or_closed,
    imports_are_capped,
    shutdown_ends_with_a_stalled_connection_open,
    a_client_that_stops_reading_an_export_is_cut_off,
);

/// Hang guard only: far beyond any deadline set here.
const GUARD: Duration = Duration::from_secs(60);

/// A server with changed limits, and the SQLite folder it needs kept.
async fn app_with(
    backend: Backend,
    tweak: impl FnOnce(&mut ServeArgs),
) -> (TestApp, Option<tempfile::TempDir>) {
    let (url, dir) = fresh_store(backend).await;
    (TestApp::on_with(&url, Some(TOKEN), tweak).await, dir)
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection; what it sent first.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GUARD, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&answer).into_owned()
}

async fn half_sent_headers_are_given_up_on(backend: Backend) {
    let (app, _dir) = app_with(backend, |a| a.limits.header_timeout_secs = 1).await;
    let mut silent = connect(&app).await;
    let mut partial = connect(&app).await;
    partial
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    for stream in [&mut silent, &mut partial] {
        let answer = read_until_closed(stream).await;
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer}"
        );
    }
    // The server still answers everyone else.
    let (status, _) = app.get_json("/api/health").await;
    assert_eq!(status, 200);
    app.stop().await;
}

async fn a_half_sent_body_is_answered_408_or_closed(backend: Backend) {
    let (app, _dir) = app_with(backend, |a| a.limits.request_timeout_secs = 1).await;
    let mut stream = connect(&app).await;
    let head = format!(
        "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{}}"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    if !answer.is_empty() {
        assert!(answer.contains("request_timeout"), "{answer}");
    }
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0);
    app.stop().await;
}

/// Reads until the server has answered with a busy error, or closed.
async fn read_answer(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        answer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&answer).into_owned();
        if n == 0 || text.contains("\"busy\"") {
            return text;
        }
    }
}

async fn imports_are_capped(backend: Backend) {
    let (app, _dir) = app_with(backend, |a| a.limits.max_imports = 1).await;
    // Two imports whose bodies never finish: whichever reaches the server
    // first holds the only place, and the other is turned away.
    let head = format!(
        "POST /api/import?dataset=slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"type\""
    );
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    first.write_all(head.as_bytes()).await.unwrap();
    second.write_all(head.as_bytes()).await.unwrap();
    let answered = tokio::time::timeout(GUARD, async {
        tokio::select! {
            a = read_answer(&mut first) => (a, true),
            b = read_answer(&mut second) => (b, false),
        }
    })
    .await;
    let (refused, first_refused) = answered.expect("neither import was turned away");
    let holder = if first_refused { second } else { first };
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 5"),
        "{refused}"
    );
    // Once the holder is gone, imports are accepted again.
    drop(holder);
    let empty = serde_json::json!({"type": "FeatureCollection", "features": []});
    let mut accepted = false;
    for _ in 0..600 {
        let r = app
            .request(
                reqwest::Method::POST,
                "/api/import?dataset=other&capital=public&category=library",
            )
            .json(&empty)
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            accepted = true;
            break;
        }
        assert_eq!(r.status(), 503);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(accepted, "the place was never given back");
    app.stop().await;
}

async fn shutdown_ends_with_a_stalled_connection_open(backend: Backend) {
    let (app, _dir) = app_with(backend, |a| {
        a.limits.header_timeout_secs = 3600;
        a.limits.request_timeout_secs = 3600;
        a.limits.shutdown_grace_secs = 1;
    })
    .await;
    let mut stalled_headers = connect(&app).await;
    stalled_headers
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let mut stalled_body = connect(&app).await;
    let head = format!(
        "POST /api/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{}}"
    );
    stalled_body.write_all(head.as_bytes()).await.unwrap();
    let (status, _) = app.get_json("/api/health").await;
    assert_eq!(status, 200);
    let stopped = tokio::time::timeout(GUARD, app.stop()).await;
    assert!(stopped.is_ok(), "shutdown waited on a stalled connection");
    read_until_closed(&mut stalled_headers).await;
    read_until_closed(&mut stalled_body).await;
}

async fn a_client_that_stops_reading_an_export_is_cut_off(backend: Backend) {
    let (app, _dir) = app_with(backend, |a| a.limits.send_timeout_secs = 1).await;
    // An export far larger than any socket buffer between the two ends.
    let features: Vec<serde_json::Value> = (0..20_000)
        .map(|n| {
            let (lon, lat) = (
                -2.4 + (n % 200) as f64 * 0.001,
                53.4 + (n / 200) as f64 * 0.001,
            );
            serde_json::json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"name": format!("Asset {n}"), "description": "x".repeat(500)}})
        })
        .collect();
    let body = serde_json::json!({"type": "FeatureCollection", "features": features});
    let imported = app
        .request(
            reqwest::Method::POST,
            "/api/import?dataset=big&capital=public&category=library",
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    let full = app
        .client
        .get(app.url("/api/export.geojson"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();

    // A client that asks for the export and reads none of it.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = app.base.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(addr).await.unwrap();
    stream
        .write_all(b"GET /api/export.geojson HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    // Far past the one second it is allowed to read nothing.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(GUARD, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept the connection open");
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    assert!(
        answer.len() < full,
        "the whole export ({full} bytes) was kept for a client that read none of it"
    );
    // Everyone else is still served in full.
    let (status, all) = app.get_json("/api/assets?limit=1").await;
    assert_eq!(status, 200);
    assert_eq!(all["numberMatched"], 20_000);
    app.stop().await;
}

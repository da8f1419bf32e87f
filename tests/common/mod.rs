//! Real servers on real stores for the integration tests: each test gets a
//! fresh SQLite file or a fresh PostGIS database and a server on port 0.

#![allow(dead_code)]

pub mod accounts;
pub mod cluster;
pub mod data;
pub mod proxy;

use assetmap::config::{ServeArgs, StoreArgs};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const TOKEN: &str = "test-admin-token";

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgis,
}

/// A fresh, empty store, as a URL. The SQLite file lives as long as the
/// returned guard.
pub async fn fresh_store(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("assetmap.db").display());
            (url, Some(dir))
        }
        Backend::Postgis => (fresh_postgis_database().await, None),
    }
}

/// The server the test command prepared (`ASSETMAP_TEST_PG`), or the local
/// default; each call makes a new database on it.
async fn fresh_postgis_database() -> String {
    use sqlx::Connection;
    let server = std::env::var("ASSETMAP_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let name = format!("assetmap_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL is needed at {server} (set ASSETMAP_TEST_PG); run the README's test command: {e}")
        });
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    format!("{server}/{name}")
}

pub struct TestApp {
    pub base: String,
    pub db_url: String,
    pub client: Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let (url, dir) = fresh_store(backend).await;
        let mut app = TestApp::on(&url, Some(TOKEN)).await;
        app._dir = dir;
        app
    }

    /// A server on an existing store, with or without a write token.
    pub async fn on(db_url: &str, token: Option<&str>) -> TestApp {
        TestApp::on_with(db_url, token, |_| {}).await
    }

    /// The same, with flags changed by `tweak` (a web folder, limits).
    pub async fn on_with(
        db_url: &str,
        token: Option<&str>,
        tweak: impl FnOnce(&mut ServeArgs),
    ) -> TestApp {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut args = ServeArgs {
            listen: listener.local_addr().unwrap(),
            store: StoreArgs {
                database_url: db_url.to_string(),
                categories: None,
            },
            admin_token: token.map(str::to_string),
            sync_interval_ms: 100,
            web_dir: "does-not-exist".into(),
            sample: "does-not-exist".into(),
            no_sample: true,
            basemap_style: None,
            limits: Default::default(),
            accounts: Default::default(),
        };
        tweak(&mut args);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(assetmap::app::serve(args, listener, async {
            let _ = stopped.await;
        }));
        let app = TestApp {
            base,
            db_url: db_url.to_string(),
            client: Client::new(),
            stop: Some(stop),
            server: Some(server),
            _dir: None,
        };
        app.wait_until_up().await;
        app
    }

    async fn wait_until_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = self.client.get(self.url("/api/health")).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("server at {} did not come up", self.base);
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(TOKEN)
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        status_json(r).await
    }

    pub async fn create(&self, feature: &Value) -> Value {
        let (status, body) = status_json(
            self.request(Method::POST, "/api/assets")
                .json(feature)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    pub async fn patch(&self, id: &str, version: i64, patch: &Value) -> (u16, Value) {
        status_json(
            self.request(Method::PATCH, &format!("/api/assets/{id}"))
                .header("If-Match", format!("\"{version}\""))
                .json(patch)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn archive(&self, id: &str) -> u16 {
        self.request(Method::DELETE, &format!("/api/assets/{id}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

pub async fn status_json(r: Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, body)
}

pub fn point(name: &str, capital: &str, category: &str, lon: f64, lat: f64) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": name, "capital": capital, "category": category},
    })
}

/// The `error.field` of an error answer.
pub fn field(body: &Value) -> &str {
    body["error"]["field"].as_str().unwrap_or("<none>")
}

pub fn names(collection: &Value) -> Vec<String> {
    collection["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// Runs each named test against both stores.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::common::Backend::Sqlite).await
            })*
        }
        mod postgis {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::common::Backend::Postgis).await
            })*
        }
    };
}

/// openapi-spec-validator's verdict on `doc`: Ok, or its complaint.
pub fn validate_openapi(doc: &Value) -> Result<(), String> {
    let program = std::env::var("ASSETMAP_OPENAPI_SPEC_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".into());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec(doc).unwrap()).unwrap();
    let out = std::process::Command::new(&program)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (scripts/test.sh installs it): {e}"));
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

//! Accounts for the tests: wards to limit moderators to, and people with
//! API tokens or invites, made directly in the store as `assetmap users`
//! would.

use super::{status_json, TestApp};
use assetmap::auth::{invites, now_secs, secrets, Role};
use assetmap::store::Store;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const WEST: &str = "E05000001";
pub const EAST: &str = "E05000002";
/// A point in the west ward.
pub const IN_WEST: [f64; 2] = [-2.35, 53.40];

fn square(code: &str, lon0: f64, lon1: f64) -> assetmap::domain::Area {
    let ring = vec![
        (lon0, 53.35),
        (lon1, 53.35),
        (lon1, 53.45),
        (lon0, 53.45),
        (lon0, 53.35),
    ];
    assetmap::domain::Area {
        code: code.into(),
        name: code.into(),
        level: "ward".into(),
        geometry: geo::Geometry::Polygon(geo::Polygon::new(ring.into(), vec![])),
        population: Some(1000.0),
    }
}

pub async fn store(app: &TestApp) -> Arc<dyn Store> {
    assetmap::store::open(&app.db_url).await.unwrap()
}

/// Stores two wards side by side and waits until the server has read them.
pub async fn add_wards(app: &TestApp) {
    let store = store(app).await;
    store
        .upsert_areas(&[square(WEST, -2.40, -2.30), square(EAST, -2.30, -2.20)])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let (_, body) = app.get_json("/api/areas?level=ward").await;
        if body["features"].as_array().is_some_and(|f| f.len() == 2) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never read the wards");
}

/// An account with an API token; returns the token.
pub async fn token_for(app: &TestApp, email: &str, role: Role, areas: &[&str]) -> String {
    let store = store(app).await;
    let areas = areas.iter().map(|s| s.to_string()).collect();
    let (user, _) = invites::add_user(store.as_ref(), email, role, areas)
        .await
        .unwrap();
    let token = secrets::random_token();
    store
        .accounts()
        .add_api_token(&secrets::token_hash(&token), user.id, now_secs())
        .await
        .unwrap();
    token
}

/// An account with only its invite; returns the invite token.
pub async fn invite_for(app: &TestApp, email: &str, role: Role) -> String {
    let store = store(app).await;
    let (_, invite) = invites::add_user(store.as_ref(), email, role, vec![])
        .await
        .unwrap();
    invite.token
}

/// Who makes a request: the public, a bearer token, or a signed-in session
/// (its cookie and CSRF token).
#[derive(Clone, Debug)]
pub enum Who {
    Public,
    Bearer(String),
    Session { cookie: String, csrf: String },
}

pub fn request(app: &TestApp, who: &Who, method: Method, path: &str) -> RequestBuilder {
    let r = app.client.request(method, app.url(path));
    match who {
        Who::Public => r,
        Who::Bearer(t) => r.bearer_auth(t),
        Who::Session { cookie, csrf } => r.header("cookie", cookie).header("x-csrf-token", csrf),
    }
}

pub async fn send(
    app: &TestApp,
    who: &Who,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut r = request(app, who, method, path);
    if let Some(b) = body {
        r = r.json(b);
    }
    status_json(r.send().await.unwrap()).await
}

/// Accepts an invite and returns the session it starts.
pub async fn accept_invite(app: &TestApp, invite: &str, password: &str) -> Who {
    let r = app
        .client
        .post(app.url(&format!("/api/invites/{invite}")))
        .json(&serde_json::json!({ "password": password }))
        .send()
        .await
        .unwrap();
    session_of(r).await
}

/// The session a sign-in answer started: its cookie and CSRF token.
pub async fn session_of(r: reqwest::Response) -> Who {
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 200, "{body}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    Who::Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_string(),
    }
}

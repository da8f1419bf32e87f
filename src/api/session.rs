//! Signing in and out: `/api/session`, invites (`/api/invites/{token}`)
//! and the role matrix (`/api/roles`) for the page to know what to offer.

use super::caller::{Caller, SESSION_COOKIE};
use super::error::ApiError;
use super::extract::JsonBody;
use super::AppState;
use crate::auth::{matrix, now_secs, secrets, Principal, User, MATRIX};
use crate::domain::FieldError;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/session", get(whoami).post(sign_in).delete(sign_out))
        .route("/api/invites/{token}", post(accept_invite))
        .route("/api/roles", get(roles))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(whoami, sign_in, sign_out, accept_invite, roles))]
pub(super) struct Doc;

/// What the page needs to know of the caller: role, areas, the CSRF token
/// to send with changes, and what the matrix lets them do.
fn session_json(who: &Principal, csrf: Option<&str>) -> Value {
    let can: serde_json::Map<String, Value> = MATRIX
        .iter()
        .map(|r| {
            let name = serde_json::to_value(r.action).expect("serialises");
            let rule = matrix::rule(who.role, r.action);
            (name.as_str().unwrap_or_default().to_string(), json!(rule))
        })
        .collect();
    json!({
        "signed_in": !who.is_public(),
        "email": who.user_id.map(|_| who.name.clone()),
        "role": who.role.map(|r| r.as_str()).unwrap_or("public"),
        "areas": who.areas,
        "csrf_token": csrf,
        "can": can,
    })
}

/// Who is calling: `signed_in`, `email`, `role`, `areas`, `csrf_token`
/// and `can` (what the role matrix lets them do).
#[utoipa::path(get, path = "/api/session", tag = "accounts",
    security((), ("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Who is calling", body = super::openapi::bodies::Session), super::openapi::schemas::Errors))]
async fn whoami(caller: Caller) -> Json<Value> {
    Json(session_json(&caller.who, caller.csrf.as_deref()))
}

fn text_field(body: &Value, name: &str) -> Result<String, ApiError> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ApiError::Unprocessable(FieldError::new(name, "required")))
}

/// Signs in with `{"email", "password"}`: the session cookie, and the
/// same answer as `GET /api/session`.
#[utoipa::path(post, path = "/api/session", tag = "accounts",
    request_body(content = serde_json::Value, description = "`{\"email\", \"password\"}`"),
    responses((status = 200, description = "Signed in", body = super::openapi::bodies::Session, headers(("Set-Cookie" = String))), super::openapi::schemas::Errors))]
async fn sign_in(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    state
        .accounts
        .sign_in
        .check(caller.client)
        .map_err(|wait| ApiError::TooManyRequests(wait.as_secs()))?;
    let email = text_field(&body, "email")?;
    let password = text_field(&body, "password")?;
    let accounts = state.registry.store().accounts();
    let user = accounts.user_by_email(&email).await?;
    let Some(user) = user.filter(|u| !u.disabled && u.password_hash.is_some()) else {
        secrets::verify_nothing(&password);
        return Err(ApiError::BadCredentials);
    };
    let hash = user.password_hash.as_deref().unwrap_or_default();
    if !secrets::verify_password(&password, hash) {
        return Err(ApiError::BadCredentials);
    }
    start_session(&state, &headers, &user).await
}

/// Stores a new session and answers with its cookie.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
) -> Result<Response, ApiError> {
    let id = secrets::random_token();
    let csrf = secrets::random_token();
    let ttl = state.accounts.args.session_ttl();
    let accounts = state.registry.store().accounts();
    // Every sign-in clears out sessions that have ended, so the table holds
    // only live ones and no periodic task is needed.
    accounts.purge_sessions(now_secs()).await?;
    accounts
        .add_session(
            &secrets::token_hash(&id),
            user.id,
            &csrf,
            now_secs() + ttl.as_secs() as i64,
        )
        .await?;
    let body = session_json(&Principal::of(user), Some(&csrf));
    let cookie = session_cookie(state, headers, &id, ttl.as_secs());
    Ok(with_cookie(
        (StatusCode::OK, Json(body)).into_response(),
        &cookie,
    ))
}

/// HttpOnly (no script can read it), SameSite=Lax (not sent with other
/// sites' form posts), Secure over HTTPS.
fn session_cookie(state: &AppState, headers: &HeaderMap, value: &str, max_age: u64) -> String {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let secure = if state.accounts.args.secure_cookies || https {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Signs out: the session ends and its cookie is cleared.
#[utoipa::path(delete, path = "/api/session", tag = "accounts",
    security((), ("session" = [], "csrf" = [])),
    responses((status = 204, description = "Signed out", headers(("Set-Cookie" = String))), super::openapi::schemas::Errors))]
async fn sign_out(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(hash) = &caller.session {
        state.registry.store().accounts().end_session(hash).await?;
    }
    let cookie = session_cookie(&state, &headers, "", 0);
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &cookie))
}

/// Accepts an invite with `{"password"}` and signs in.
#[utoipa::path(post, path = "/api/invites/{token}", tag = "accounts",
    params(("token" = String, Path, description = "From the invite link")),
    request_body(content = serde_json::Value, description = "`{\"password\"}`, at least 10 characters"),
    responses((status = 200, description = "Signed in", body = super::openapi::bodies::Session, headers(("Set-Cookie" = String))), super::openapi::schemas::Errors))]
async fn accept_invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    state
        .accounts
        .sign_in
        .check(caller.client)
        .map_err(|wait| ApiError::TooManyRequests(wait.as_secs()))?;
    let password = text_field(&body, "password")?;
    secrets::check_password(&password)
        .map_err(|m| ApiError::Unprocessable(FieldError::new("password", m)))?;
    let hash = secrets::hash_password(&password);
    let user = state
        .registry
        .store()
        .accounts()
        .accept_invite(&secrets::token_hash(&token), &hash, now_secs())
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(
                "this invite link is unknown, already used or expired: ask for a new one".into(),
            )
        })?;
    start_session(&state, &headers, &user).await
}

/// The role matrix: who may do what, as data and as Markdown.
#[utoipa::path(get, path = "/api/roles", tag = "accounts",
    responses((status = 200, description = "The role matrix: what each role may do", body = serde_json::Value), super::openapi::schemas::Errors))]
async fn roles() -> Json<Value> {
    Json(json!({ "matrix": MATRIX, "markdown": matrix::markdown() }))
}

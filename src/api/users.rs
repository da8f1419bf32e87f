//! `/api/users`: admins add accounts (with a one-time invite link) and
//! list them; the same as `assetmap users`.

use super::caller::Caller;
use super::error::ApiError;
use super::extract::JsonBody;
use super::openapi::schemas::Errors;
use super::AppState;
use crate::auth::{check_email, from_secs, invites, Action, Role};
use crate::domain::FieldError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/users", get(list).post(add))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list, add))]
pub(super) struct Doc;

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Unprocessable(FieldError::new(field, message))
}

/// Every account (admins).
#[utoipa::path(get, path = "/api/users", operation_id = "listUsers", tag = "accounts",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Every account", body = super::openapi::bodies::Users), Errors))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.decide(&state, Action::ManageUsers, &[])?;
    let users = state.registry.store().accounts().users().await?;
    let users: Vec<Value> = users.iter().map(|u| u.to_json()).collect();
    Ok(Json(json!({ "users": users })))
}

/// `{"email", "role", "areas": ["E05000819"]}` -> 201 with the account and
/// `invite_path` (`/#invite=...`, shown this once).
#[utoipa::path(post, path = "/api/users", tag = "accounts",
    security(("bearer" = []), ("session" = [], "csrf" = [])),
    request_body(content = serde_json::Value, description = "`{\"email\", \"role\", \"areas\"}`"),
    responses((status = 201, description = "The account and its invite", body = super::openapi::bodies::NewUser), Errors))]
async fn add(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    caller.decide(&state, Action::ManageUsers, &[])?;
    let email = body["email"].as_str().unwrap_or_default();
    check_email(email).map_err(|m| invalid("email", m))?;
    let role: Role = body["role"]
        .as_str()
        .unwrap_or("contributor")
        .parse()
        .map_err(|m: String| invalid("role", m))?;
    let areas: Vec<String> = match &body["areas"] {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| invalid("areas", "expected a list of area codes"))?,
        _ => return Err(invalid("areas", "expected a list of area codes")),
    };
    if role != Role::Moderator && !areas.is_empty() {
        return Err(invalid("areas", "only moderators are limited to areas"));
    }
    if let Some(code) = areas
        .iter()
        .find(|c| state.registry.areas().get(c).is_none())
    {
        return Err(invalid("areas", format!("no area has the code '{code}'")));
    }
    let store = state.registry.store();
    if store.accounts().user_by_email(email).await?.is_some() {
        return Err(invalid("email", "already has an account"));
    }
    let (user, invite) = invites::add_user(store.as_ref(), email, role, areas)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "adding an account");
            ApiError::Internal
        })?;
    let body = json!({
        "user": user.to_json(),
        "invite_path": invite.link(""),
        "invite_expires_at": from_secs(invite.expires_at).to_rfc3339(),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

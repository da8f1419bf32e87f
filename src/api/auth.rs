//! Who may write. One admin token for now; accounts and roles replace it.

use super::error::ApiError;
use super::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

/// A caller allowed to write, by the name recorded in the change log.
pub struct Writer {
    pub actor: String,
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(expected) = state.admin_token.as_deref() else {
            return Err(ApiError::Forbidden(
                "writes are disabled: the server has no ASSETMAP_ADMIN_TOKEN",
            ));
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        if constant_time_eq(given.trim().as_bytes(), expected.as_bytes()) {
            Ok(Writer {
                actor: "admin".into(),
            })
        } else {
            Err(ApiError::Forbidden("that token may not write"))
        }
    }
}

/// Compares without stopping at the first difference, so response times do
/// not reveal how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn compares_tokens() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"abcd"));
    }
}

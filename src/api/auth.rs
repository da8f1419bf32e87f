//! Who may write. One admin token for now; accounts and roles replace it.

use super::error::ApiError;
use super::AppState;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};

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
        let given = bearer(&parts.headers).ok_or(ApiError::Unauthorized)?;
        if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            Ok(Writer {
                actor: "admin".into(),
            })
        } else {
            Err(ApiError::Forbidden("that token may not write"))
        }
    }
}

/// Whether the request carries the admin token: such a reader is a
/// moderator and sees whole records (exact place, contact details) and
/// proposed assets. A missing or wrong token reads as the public does.
pub fn is_moderator(headers: &HeaderMap, state: &AppState) -> bool {
    match (state.admin_token.as_deref(), bearer(headers)) {
        (Some(expected), Some(given)) => constant_time_eq(given.as_bytes(), expected.as_bytes()),
        _ => false,
    }
}

/// The token of `Authorization: Bearer <token>`; the scheme is matched in
/// any case, as RFC 9110 says auth schemes are.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Compares without stopping at the first difference, so response times do
/// not reveal how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_scheme_is_matched_in_any_case() {
        for value in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            let mut h = super::HeaderMap::new();
            h.insert(super::header::AUTHORIZATION, value.parse().unwrap());
            assert_eq!(super::bearer(&h), Some("abc"), "{value}");
        }
        let mut h = super::HeaderMap::new();
        h.insert(super::header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(super::bearer(&h), None);
    }

    #[test]
    fn compares_tokens() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"abcd"));
    }
}

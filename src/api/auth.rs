//! Who may write in bulk (imports): the role matrix's `import` row. Who is
//! calling is worked out in `caller.rs`.

use super::caller::Caller;
use super::error::ApiError;
use super::AppState;
use crate::auth::Action;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// A caller allowed to import, by the name recorded in the change log.
pub struct Writer {
    pub actor: String,
}

impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.decide(state, Action::Import, &[])?;
        Ok(Writer {
            actor: caller.who.name,
        })
    }
}

/// Compares without stopping at the first difference, so response times do
/// not reveal how much of a guessed token was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
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

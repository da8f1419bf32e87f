//! Who is calling, from a bearer token (the admin token or an account's API
//! token) or a session cookie, and whether the role matrix lets them act.
//! Cookie calls that change anything must carry the session's CSRF token.

use super::error::ApiError;
use super::AppState;
use crate::auth::{decide, matrix, secrets, Action, Decision, Principal, Rule};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::{header, request::Parts, HeaderMap, Method};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub const SESSION_COOKIE: &str = "assetmap_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub struct Caller {
    pub who: Principal,
    pub client: IpAddr,
    /// The stored hash of the session id, when signed in by cookie.
    pub session: Option<String>,
    pub csrf: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let client = client_address(parts, state.accounts.args.trust_proxy);
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let who = from_bearer(auth.to_str().unwrap_or_default(), state).await?;
            return Ok(Caller {
                who,
                client,
                session: None,
                csrf: None,
            });
        }
        if let Some(id) = cookie(&parts.headers, SESSION_COOKIE) {
            let hash = secrets::token_hash(&id);
            let accounts = state.registry.store().accounts();
            if let Some((user, csrf)) = accounts.session(&hash, crate::auth::now_secs()).await? {
                if changes_state(&parts.method) && !csrf_matches(&parts.headers, &csrf) {
                    return Err(ApiError::CsrfRequired);
                }
                return Ok(Caller {
                    who: Principal::of(&user),
                    client,
                    session: Some(hash),
                    csrf: Some(csrf),
                });
            }
            // An expired or unknown session is no one: the public.
        }
        Ok(Caller {
            who: Principal::public(),
            client,
            session: None,
            csrf: None,
        })
    }
}

async fn from_bearer(value: &str, state: &AppState) -> Result<Principal, ApiError> {
    // Auth schemes are case-insensitive (RFC 9110), so "bearer" works too.
    let token = value
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    if let Some(admin) = state.admin_token.as_deref() {
        if super::auth::constant_time_eq(token.as_bytes(), admin.as_bytes()) {
            return Ok(Principal::admin_token());
        }
    }
    let accounts = state.registry.store().accounts();
    match accounts
        .user_by_api_token(&secrets::token_hash(token))
        .await?
    {
        Some(user) => Ok(Principal::of(&user)),
        None => Err(ApiError::Forbidden("that token is not valid here")),
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn csrf_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|given| super::auth::constant_time_eq(given.as_bytes(), expected.as_bytes()))
}

/// A cookie's value by name.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The address rate limits count by: the peer, or behind a trusted proxy
/// the last address it appended to X-Forwarded-For.
fn client_address(parts: &Parts, trust_proxy: bool) -> IpAddr {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

impl Caller {
    /// Refuses at once when the caller's role may never do this, before any
    /// body is read or any asset looked up.
    pub fn precheck(&self, action: Action) -> Result<(), ApiError> {
        match matrix::rule(self.who.role, action) {
            Rule::Deny => Err(self.refusal(Rule::Deny)),
            _ => Ok(()),
        }
    }

    /// The matrix's answer for an action on assets at these points (in
    /// longitude, latitude); a refusal is an error.
    pub fn decide(
        &self,
        state: &AppState,
        action: Action,
        points: &[[f64; 2]],
    ) -> Result<Decision, ApiError> {
        match decide(&self.who, action, |codes| in_areas(state, points, codes)) {
            Decision::Deny => Err(self.refusal(matrix::rule(self.who.role, action))),
            d => Ok(d),
        }
    }

    fn refusal(&self, rule: Rule) -> ApiError {
        match (self.who.is_public(), rule) {
            (true, _) => ApiError::Unauthorized,
            (false, Rule::InArea) => ApiError::Forbidden("that is outside the areas you moderate"),
            (false, _) => ApiError::Forbidden("your role may not do that"),
        }
    }

    /// Anonymous suggestions, reports and requests are limited per address.
    pub fn limit_anonymous(&self, state: &AppState) -> Result<(), ApiError> {
        if !self.who.is_public() {
            return Ok(());
        }
        state
            .accounts
            .anonymous_writes
            .check(self.client)
            .map_err(|wait| ApiError::TooManyRequests(wait.as_secs()))
    }
}

/// Whether every point lies in one of the area codes. No points means no
/// place to check, which is never inside.
pub fn in_areas(state: &AppState, points: &[[f64; 2]], codes: &[String]) -> bool {
    let areas = state.registry.areas();
    !points.is_empty()
        && points.iter().all(|p| {
            codes.iter().any(|code| {
                areas.get(code).is_some_and(|area| {
                    areas
                        .assign(*p, &area.level)
                        .is_some_and(|hit| hit.code == *code)
                })
            })
        })
}

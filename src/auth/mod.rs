//! Accounts and roles: who a caller is, and what each role may do.
//!
//! The one role matrix is in `matrix.rs`; every route that writes asks it.
//! Passwords, invites, sessions and API tokens are in `secrets.rs`, the
//! rate limits in `ratelimit.rs`, and the `assetmap users` commands in
//! `cli.rs`.

pub mod cli;
pub mod invites;
pub mod matrix;
pub mod ratelimit;
pub mod secrets;

pub use matrix::{decide, Action, Decision, Rule, MATRIX};

use chrono::{DateTime, TimeZone, Utc};
use std::time::Duration;
use uuid::Uuid;

/// A signed-in role. Anonymous callers have none: they are the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Contributor,
    Moderator,
    Admin,
}

crate::domain::word_enum!(Role, "role" {
    Contributor = "contributor",
    Moderator = "moderator",
    Admin = "admin",
});

/// An account as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    /// Lower-cased; the name people sign in with.
    pub email: String,
    pub role: Role,
    /// Area codes a moderator is limited to; empty means everywhere.
    pub areas: Vec<String>,
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    pub fn new(email: &str, role: Role, areas: Vec<String>) -> User {
        User {
            id: Uuid::new_v4(),
            email: normalise_email(email),
            role,
            areas,
            password_hash: None,
            disabled: false,
            created_at: Utc::now(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "email": self.email,
            "role": self.role,
            "areas": self.areas,
            "disabled": self.disabled,
            "has_password": self.password_hash.is_some(),
            "created_at": self.created_at.to_rfc3339(),
        })
    }
}

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an email address enough to catch typing mistakes.
pub fn check_email(email: &str) -> Result<(), String> {
    let e = email.trim();
    match e.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && !e.contains(char::is_whitespace)
                && e.len() <= 254 =>
        {
            Ok(())
        }
        _ => Err(format!("'{e}' is not an email address")),
    }
}

/// Who is calling: the public (no role), an account, or the server's
/// admin token.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub user_id: Option<Uuid>,
    /// The name recorded in the change log: the account's email, "admin"
    /// for the admin token, "public" for anonymous callers.
    pub name: String,
    pub role: Option<Role>,
    pub areas: Vec<String>,
}

impl Principal {
    pub fn public() -> Principal {
        Principal {
            user_id: None,
            name: "public".into(),
            role: None,
            areas: Vec::new(),
        }
    }

    /// The holder of `ASSETMAP_ADMIN_TOKEN`.
    pub fn admin_token() -> Principal {
        Principal {
            user_id: None,
            name: "admin".into(),
            role: Some(Role::Admin),
            areas: Vec::new(),
        }
    }

    pub fn of(user: &User) -> Principal {
        Principal {
            user_id: Some(user.id),
            name: user.email.clone(),
            role: Some(user.role),
            areas: user.areas.clone(),
        }
    }

    pub fn is_public(&self) -> bool {
        self.role.is_none()
    }

    /// Moderators and admins: who may see people's names and exact places.
    pub fn moderates(&self) -> bool {
        matches!(self.role, Some(Role::Moderator | Role::Admin))
    }
}

/// Settings of accounts and sessions for a running server.
#[derive(Debug, Clone, clap::Args)]
pub struct AccountArgs {
    /// Mark session cookies Secure (serve over HTTPS, e.g. behind a proxy).
    /// Without it they are Secure when the request says X-Forwarded-Proto: https.
    #[arg(long, env = "ASSETMAP_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Trust the last address in X-Forwarded-For as the client's (only
    /// behind a reverse proxy that sets it), for rate limits.
    #[arg(long, env = "ASSETMAP_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Sign-in attempts allowed per client address per 15 minutes.
    #[arg(long, env = "ASSETMAP_SIGN_IN_LIMIT", default_value_t = 10)]
    pub sign_in_limit: u32,
    /// Anonymous suggestions, reports and requests allowed per client
    /// address per hour.
    #[arg(long, env = "ASSETMAP_ANONYMOUS_WRITE_LIMIT", default_value_t = 30)]
    pub anonymous_write_limit: u32,
    /// How long a session lasts, in hours.
    #[arg(long, env = "ASSETMAP_SESSION_HOURS", default_value_t = 168)]
    pub session_hours: u64,
}

impl Default for AccountArgs {
    fn default() -> Self {
        AccountArgs {
            secure_cookies: false,
            trust_proxy: false,
            sign_in_limit: 10,
            anonymous_write_limit: 30,
            session_hours: 168,
        }
    }
}

impl AccountArgs {
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_hours.max(1) * 3600)
    }
}

/// Seconds since 1970, as the account tables store time.
pub fn now_secs() -> i64 {
    Utc::now().timestamp()
}

pub fn from_secs(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// What a running server keeps for accounts: its settings and the rate
/// limiters, shared by every request.
pub struct Accounts {
    pub args: AccountArgs,
    pub sign_in: ratelimit::RateLimiter,
    pub anonymous_writes: ratelimit::RateLimiter,
}

impl Accounts {
    pub fn new(args: AccountArgs) -> Accounts {
        Accounts {
            sign_in: ratelimit::RateLimiter::new(args.sign_in_limit, Duration::from_secs(15 * 60)),
            anonymous_writes: ratelimit::RateLimiter::new(
                args.anonymous_write_limit,
                Duration::from_secs(3600),
            ),
            args,
        }
    }
}

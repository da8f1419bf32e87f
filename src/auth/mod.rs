//! Accounts and roles: who a caller is, and what each role may do.
//!
//! The one role matrix is in `matrix.rs`; every route that writes asks it.
//! Passwords, invites, sessions and API tokens are in `secrets.rs`, the
//! rate limits in `ratelimit.rs`, and what the `assetmap users` commands do in
//! `cli.rs` (their flags are in `config`).

pub mod cli;
pub mod invites;
pub mod matrix;
pub mod ratelimit;
pub mod secrets;

pub use crate::config::{AccountArgs, SIGN_IN_LIMIT};
pub use crate::domain::account::{check_email, from_secs, normalise_email, now_secs, Role, User};
pub use matrix::{decide, Action, Decision, Rule, MATRIX};

use std::time::Duration;
use uuid::Uuid;

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

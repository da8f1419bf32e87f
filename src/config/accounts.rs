//! Flags of accounts: the server's sessions and rate limits, and the
//! `assetmap users` commands.

use super::StoreArgs;
use crate::domain::account::Role;
use clap::Subcommand;
use std::time::Duration;

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
    #[arg(long, env = "ASSETMAP_SIGN_IN_LIMIT", default_value_t = SIGN_IN_LIMIT)]
    pub sign_in_limit: u32,
    /// Anonymous suggestions, reports and requests allowed per client
    /// address per hour.
    #[arg(long, env = "ASSETMAP_ANONYMOUS_WRITE_LIMIT", default_value_t = 30)]
    pub anonymous_write_limit: u32,
    /// How long a session lasts, in hours.
    #[arg(long, env = "ASSETMAP_SESSION_HOURS", default_value_t = 168)]
    pub session_hours: u64,
}

/// Sign-ins allowed per client address per 15 minutes by default: enough
/// for a forum's workshop of thirty sharing one connection (the limit was 10
/// and would have stopped the eleventh person), while guessing passwords of
/// ten characters or more stays hopeless at this rate.
pub const SIGN_IN_LIMIT: u32 = 30;

impl Default for AccountArgs {
    fn default() -> Self {
        AccountArgs {
            secure_cookies: false,
            trust_proxy: false,
            sign_in_limit: SIGN_IN_LIMIT,
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

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add an account and print a one-time link to set its password.
    Add {
        email: String,
        #[arg(long, value_enum, ignore_case = true, default_value_t = Role::Contributor)]
        role: Role,
        /// Limit a moderator to this area code (repeatable).
        #[arg(long = "area", value_name = "CODE")]
        areas: Vec<String>,
        #[command(flatten)]
        link: LinkArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print a new invite link for an account, e.g. after a lost password.
    Invite {
        email: String,
        #[command(flatten)]
        link: LinkArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the accounts.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disable an account: its sessions end and its API tokens stop working.
    Disable {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Enable a disabled account again (it needs a new invite to sign in).
    Enable {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Make an API token for scripts, shown once: send it as
    /// `Authorization: Bearer <token>`.
    Token {
        email: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print the role matrix.
    Roles,
}

/// Where an invite link points.
#[derive(Debug, Clone, clap::Args)]
pub struct LinkArgs {
    /// The map's address, for the link.
    #[arg(
        long,
        env = "ASSETMAP_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
}

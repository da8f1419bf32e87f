//! Accounts as stored: who may sign in, with which role and where. The
//! store reads and writes them; `auth` decides what each role may do.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

/// A signed-in role. Anonymous callers have none: they are the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Contributor,
    Moderator,
    Admin,
}

super::word_enum!(Role, "role" {
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

/// Seconds since 1970, as the account tables store time.
pub fn now_secs() -> i64 {
    Utc::now().timestamp()
}

pub fn from_secs(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

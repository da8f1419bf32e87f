//! Adding accounts and inviting their people to set a password: shared by
//! `assetmap users add` and `POST /api/users`.

use super::{check_email, now_secs, secrets, Role, User};
use crate::store::{Store, StoreError};
use anyhow::{bail, Context};

/// How long an invite link works.
pub const INVITE_DAYS: i64 = 7;

/// A one-time link to set a password: the token is shown here once and
/// stored only as its hash. It travels in the URL's fragment, which
/// browsers never send to a server or put in a Referer.
pub struct Invite {
    pub token: String,
    pub expires_at: i64,
}

impl Invite {
    pub fn link(&self, base: &str) -> String {
        format!("{}/#invite={}", base.trim_end_matches('/'), self.token)
    }
}

/// Checks that every area code names a stored area.
pub async fn check_areas(store: &dyn Store, areas: &[String]) -> anyhow::Result<()> {
    if areas.is_empty() {
        return Ok(());
    }
    let known = store.areas().await?;
    for code in areas {
        if !known.iter().any(|a| &a.code == code) {
            bail!("no area has the code '{code}'; import areas first (assetmap areas import)");
        }
    }
    Ok(())
}

/// Adds an account and its first invite.
pub async fn add_user(
    store: &dyn Store,
    email: &str,
    role: Role,
    areas: Vec<String>,
) -> anyhow::Result<(User, Invite)> {
    check_email(email).map_err(anyhow::Error::msg)?;
    if role != Role::Moderator && !areas.is_empty() {
        bail!("only moderators are limited to areas");
    }
    check_areas(store, &areas).await?;
    let user = User::new(email, role, areas);
    match store.accounts().add_user(&user).await {
        Err(StoreError::Conflict { .. }) => bail!("{} already has an account", user.email),
        other => other.context("storing the account")?,
    }
    let invite = invite(store, &user).await?;
    Ok((user, invite))
}

/// A new invite for an account (a first one, or after a lost password).
pub async fn invite(store: &dyn Store, user: &User) -> anyhow::Result<Invite> {
    let token = secrets::random_token();
    let expires_at = now_secs() + INVITE_DAYS * 24 * 3600;
    store
        .accounts()
        .add_invite(&secrets::token_hash(&token), user.id, expires_at)
        .await?;
    Ok(Invite { token, expires_at })
}

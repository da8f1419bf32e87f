//! Accounts, sessions, API tokens, invites and proposals, in both stores.
//! The SQL is portable between SQLite and PostgreSQL (text ids, integer
//! seconds), so one macro implements it for each backend.

use super::account_rows::{user_of, ProposalRow, UserRow, PROPOSAL_COLUMNS, USER_COLUMNS};
use super::backend::SqlStore;
use super::failed;
use super::{Result, StoreError};
use crate::domain::account::User;
use async_trait::async_trait;
use sqlx::{Postgres, Sqlite};
use uuid::Uuid;

/// A row of the moderators' queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: Uuid,
    /// create, edit, report or introduction.
    pub kind: String,
    /// pending, approving (while its write is made), approved or rejected.
    pub status: String,
    pub asset_id: Option<Uuid>,
    pub base_version: Option<i64>,
    /// What was proposed, as the proposer sent it (checked).
    pub payload: serde_json::Value,
    pub proposer_id: Option<Uuid>,
    /// Who proposed: an account's email, or "public".
    pub proposer: String,
    /// Where it is, for moderators' areas.
    pub point: Option<[f64; 2]>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub result_version: Option<i64>,
    /// The hash of the code a person withdraws their offer with.
    pub withdraw_hash: Option<String>,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Adds an account; `StoreError::Conflict` if the email has one.
    async fn add_user(&self, user: &User) -> Result<()>;
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Disables or enables an account; disabling ends its sessions and
    /// revokes its API tokens.
    async fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<()>;
    async fn add_invite(&self, token_hash: &str, user_id: Uuid, expires_at: i64) -> Result<()>;
    /// Spends an unused, unexpired invite and sets the account's password,
    /// in one transaction. Returns the account.
    async fn accept_invite(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<Option<User>>;
    async fn add_session(
        &self,
        session_hash: &str,
        user_id: Uuid,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()>;
    /// The account and CSRF token of a live session of an enabled account.
    async fn session(&self, session_hash: &str, now: i64) -> Result<Option<(User, String)>>;
    async fn end_session(&self, session_hash: &str) -> Result<()>;
    /// Deletes sessions that ended before `now`; how many.
    async fn purge_sessions(&self, now: i64) -> Result<u64>;
    async fn add_api_token(&self, token_hash: &str, user_id: Uuid, now: i64) -> Result<()>;
    async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>>;
    async fn add_proposal(&self, p: &Proposal) -> Result<()>;
    async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>>;
    /// Proposals, oldest first; only those with this status if given.
    async fn proposals(&self, status: Option<&str>) -> Result<Vec<Proposal>>;
    /// Moves a proposal from `from` to `to` with who decided, when and why;
    /// false if it was not in `from` (someone else decided first).
    async fn decide_proposal(
        &self,
        id: Uuid,
        from: &str,
        to: &str,
        by: &str,
        reason: Option<&str>,
        now: i64,
    ) -> Result<bool>;
    async fn proposal_by_withdraw_hash(&self, hash: &str) -> Result<Option<Proposal>>;
    /// Erases what the queue and the change log hold of a withdrawn person:
    /// the payloads of every proposal about the asset (or this proposal),
    /// pending ones rejected, and the names in the asset's change log.
    async fn erase_person(
        &self,
        asset_id: Option<Uuid>,
        proposal_id: Option<Uuid>,
        now: i64,
    ) -> Result<()>;
    /// Records the asset and version an approval wrote.
    async fn set_proposal_result(&self, id: Uuid, asset_id: Uuid, version: i64) -> Result<()>;
}

macro_rules! account_store {
    ($db:ty) => {
        #[async_trait]
        impl AccountStore for SqlStore<$db> {
            async fn add_user(&self, user: &User) -> Result<()> {
                if self.user_by_email(&user.email).await?.is_some() {
                    return Err(StoreError::Conflict { expected: 0 });
                }
                sqlx::query(
                    "insert into app_user (user_id, email, role, areas, password_hash, disabled, created_at) \
                     values ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(user.id.to_string())
                .bind(&user.email)
                .bind(user.role.as_str())
                .bind(user.areas.join(","))
                .bind(&user.password_hash)
                .bind(i64::from(user.disabled))
                .bind(user.created_at.timestamp())
                .execute(&self.pool)
                .await.map_err(failed("account store: add_user"))?;
                Ok(())
            }

            async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from app_user u where u.email = $1"
                ))
                .bind(crate::domain::account::normalise_email(email))
                .fetch_optional(&self.pool)
                .await.map_err(failed("account store: user_by_email"))?;
                row.map(user_of).transpose()
            }

            async fn users(&self) -> Result<Vec<User>> {
                let rows: Vec<UserRow> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from app_user u order by u.email"
                ))
                .fetch_all(&self.pool)
                .await.map_err(failed("account store: users"))?;
                rows.into_iter().map(user_of).collect()
            }

            async fn set_disabled(&self, user_id: Uuid, disabled: bool) -> Result<()> {
                let id = user_id.to_string();
                let mut tx = self.pool.begin().await.map_err(failed("account store: set_disabled"))?;
                sqlx::query("update app_user set disabled = $1 where user_id = $2")
                    .bind(i64::from(disabled))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await.map_err(failed("account store: set_disabled"))?;
                if disabled {
                    for table in ["user_session", "api_token", "user_invite"] {
                        sqlx::query(&format!("delete from {table} where user_id = $1"))
                            .bind(&id)
                            .execute(&mut *tx)
                            .await.map_err(failed("account store: set_disabled"))?;
                    }
                }
                tx.commit().await.map_err(failed("account store: set_disabled"))?;
                Ok(())
            }

            async fn add_invite(&self, token_hash: &str, user_id: Uuid, expires_at: i64) -> Result<()> {
                // A new link replaces unused ones: one sent earlier must not still set the password.
                let mut tx = self.pool.begin().await.map_err(failed("account store: add_invite"))?;
                sqlx::query("delete from user_invite where user_id = $1 and used_at is null")
                    .bind(user_id.to_string()).execute(&mut *tx).await.map_err(failed("account store: add_invite"))?;
                sqlx::query("insert into user_invite (token_hash, user_id, expires_at) values ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(user_id.to_string())
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await.map_err(failed("account store: add_invite"))?;
                tx.commit().await.map_err(failed("account store: add_invite"))?;
                Ok(())
            }

            async fn accept_invite(&self, token_hash: &str, password_hash: &str, now: i64) -> Result<Option<User>> {
                let mut tx = self.pool.begin().await.map_err(failed("account store: accept_invite"))?;
                let spent: Option<(String,)> = sqlx::query_as(
                    "update user_invite set used_at = $1 \
                     where token_hash = $2 and used_at is null and expires_at > $1 returning user_id",
                )
                .bind(now)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await.map_err(failed("account store: accept_invite"))?;
                let Some((user_id,)) = spent else {
                    return Ok(None);
                };
                sqlx::query("update app_user set password_hash = $1 where user_id = $2 and disabled = 0")
                    .bind(password_hash)
                    .bind(&user_id)
                    .execute(&mut *tx)
                    .await.map_err(failed("account store: accept_invite"))?;
                // A new password ends every other way in: unused links and the old password's sessions.
                for statement in ["delete from user_invite where user_id = $1 and used_at is null",
                                  "delete from user_session where user_id = $1"] {
                    sqlx::query(statement).bind(&user_id).execute(&mut *tx).await.map_err(failed("account store: accept_invite"))?;
                }
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from app_user u where u.user_id = $1 and u.disabled = 0"
                ))
                .bind(&user_id)
                .fetch_optional(&mut *tx)
                .await.map_err(failed("account store: accept_invite"))?;
                tx.commit().await.map_err(failed("account store: accept_invite"))?;
                row.map(user_of).transpose()
            }

            async fn purge_sessions(&self, now: i64) -> Result<u64> {
                let done = sqlx::query("delete from user_session where expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await.map_err(failed("account store: purge_sessions"))?;
                Ok(done.rows_affected())
            }

            async fn add_session(&self, session_hash: &str, user_id: Uuid, csrf: &str, expires_at: i64) -> Result<()> {
                sqlx::query(
                    "insert into user_session (session_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, $4)",
                )
                .bind(session_hash)
                .bind(user_id.to_string())
                .bind(csrf)
                .bind(expires_at)
                .execute(&self.pool)
                .await.map_err(failed("account store: add_session"))?;
                Ok(())
            }

            async fn session(&self, session_hash: &str, now: i64) -> Result<Option<(User, String)>> {
                let row: Option<(String, String, String, String, Option<String>, i64, i64, String)> =
                    sqlx::query_as(&format!(
                        "select {USER_COLUMNS}, s.csrf_token from user_session s \
                         join app_user u on u.user_id = s.user_id \
                         where s.session_hash = $1 and s.expires_at > $2 and u.disabled = 0"
                    ))
                    .bind(session_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await.map_err(failed("account store: session"))?;
                row.map(|(a, b, c, d, e, f, g, csrf)| Ok((user_of((a, b, c, d, e, f, g))?, csrf)))
                    .transpose()
            }

            async fn end_session(&self, session_hash: &str) -> Result<()> {
                sqlx::query("delete from user_session where session_hash = $1")
                    .bind(session_hash)
                    .execute(&self.pool)
                    .await.map_err(failed("account store: end_session"))?;
                Ok(())
            }

            async fn add_api_token(&self, token_hash: &str, user_id: Uuid, now: i64) -> Result<()> {
                sqlx::query("insert into api_token (token_hash, user_id, created_at) values ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(user_id.to_string())
                    .bind(now)
                    .execute(&self.pool)
                    .await.map_err(failed("account store: add_api_token"))?;
                Ok(())
            }

            async fn user_by_api_token(&self, token_hash: &str) -> Result<Option<User>> {
                let row: Option<UserRow> = sqlx::query_as(&format!(
                    "select {USER_COLUMNS} from api_token t join app_user u on u.user_id = t.user_id \
                     where t.token_hash = $1 and u.disabled = 0"
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await.map_err(failed("account store: user_by_api_token"))?;
                row.map(user_of).transpose()
            }

            async fn add_proposal(&self, p: &Proposal) -> Result<()> {
                sqlx::query(&format!(
                    "insert into proposal ({PROPOSAL_COLUMNS}) values \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
                ))
                .bind(p.id.to_string())
                .bind(&p.kind)
                .bind(&p.status)
                .bind(p.asset_id.map(|id| id.to_string()))
                .bind(p.base_version)
                .bind(p.payload.to_string())
                .bind(p.proposer_id.map(|id| id.to_string()))
                .bind(&p.proposer)
                .bind(p.point.map(|p| p[0]))
                .bind(p.point.map(|p| p[1]))
                .bind(p.created_at)
                .bind(p.decided_at)
                .bind(&p.decided_by)
                .bind(&p.reason)
                .bind(p.result_version)
                .bind(&p.withdraw_hash)
                .execute(&self.pool)
                .await.map_err(failed("account store: add_proposal"))?;
                Ok(())
            }

            async fn proposal(&self, id: Uuid) -> Result<Option<Proposal>> {
                let row: Option<ProposalRow> = sqlx::query_as(&format!(
                    "select {PROPOSAL_COLUMNS} from proposal where proposal_id = $1"
                ))
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await.map_err(failed("account store: proposal"))?;
                row.map(Proposal::try_from).transpose()
            }

            async fn proposals(&self, status: Option<&str>) -> Result<Vec<Proposal>> {
                let rows: Vec<ProposalRow> = sqlx::query_as(&format!(
                    "select {PROPOSAL_COLUMNS} from proposal \
                     where $1 = '' or status = $1 order by created_at, proposal_id"
                ))
                .bind(status.unwrap_or_default().to_string())
                .fetch_all(&self.pool)
                .await.map_err(failed("account store: proposals"))?;
                rows.into_iter().map(Proposal::try_from).collect()
            }

            async fn decide_proposal(&self, id: Uuid, from: &str, to: &str, by: &str, reason: Option<&str>, now: i64) -> Result<bool> {
                let done = sqlx::query(
                    "update proposal set status = $1, decided_by = $2, reason = $3, decided_at = $4 \
                     where proposal_id = $5 and status = $6",
                )
                .bind(to)
                .bind(by)
                .bind(reason)
                .bind(now)
                .bind(id.to_string())
                .bind(from)
                .execute(&self.pool)
                .await.map_err(failed("account store: decide_proposal"))?;
                Ok(done.rows_affected() == 1)
            }

            async fn proposal_by_withdraw_hash(&self, hash: &str) -> Result<Option<Proposal>> {
                let row: Option<ProposalRow> = sqlx::query_as(&format!(
                    "select {PROPOSAL_COLUMNS} from proposal where withdraw_hash = $1"
                ))
                .bind(hash)
                .fetch_optional(&self.pool)
                .await.map_err(failed("account store: proposal_by_withdraw_hash"))?;
                row.map(Proposal::try_from).transpose()
            }

            async fn erase_person(&self, asset_id: Option<Uuid>, proposal_id: Option<Uuid>, now: i64) -> Result<()> {
                let asset = asset_id.map(|id| id.to_string()).unwrap_or_default();
                let proposal = proposal_id.map(|id| id.to_string()).unwrap_or_default();
                let mut tx = self.pool.begin().await.map_err(failed("account store: erase_person"))?;
                sqlx::query(
                    "update proposal set status = 'rejected', decided_at = $1, decided_by = 'withdrawn', \
                     reason = 'withdrawn by the person who offered it' \
                     where status in ('pending', 'approving') and (asset_id = $2 or proposal_id = $3)",
                )
                .bind(now)
                .bind(&asset)
                .bind(&proposal)
                .execute(&mut *tx)
                .await.map_err(failed("account store: erase_person"))?;
                sqlx::query(
                    "update proposal set payload = '{\"withdrawn\": true}', proposer = 'withdrawn', \
                     proposer_id = null, lon = null, lat = null, withdraw_hash = null \
                     where asset_id = $1 or proposal_id = $2",
                )
                .bind(&asset)
                .bind(&proposal)
                .execute(&mut *tx)
                .await.map_err(failed("account store: erase_person"))?;
                // The log keeps that a version was written, never what it held.
                sqlx::query("update asset_change set changed_by = 'withdrawn', payload = null, payload_in_asset = false where cast(asset_id as text) = $1")
                    .bind(&asset)
                    .execute(&mut *tx)
                    .await.map_err(failed("account store: erase_person"))?;
                tx.commit().await.map_err(failed("account store: erase_person"))?;
                Ok(())
            }

            async fn set_proposal_result(&self, id: Uuid, asset_id: Uuid, version: i64) -> Result<()> {
                sqlx::query("update proposal set asset_id = $1, result_version = $2 where proposal_id = $3")
                    .bind(asset_id.to_string())
                    .bind(version)
                    .bind(id.to_string())
                    .execute(&self.pool)
                    .await.map_err(failed("account store: set_proposal_result"))?;
                Ok(())
            }
        }
    };
}

account_store!(Postgres);
account_store!(Sqlite);

//! Change-log rows whose payload is the asset row's. An import writes each
//! asset and a change-log row for it; the row's payload (the asset as that
//! write left it, for history and revert) would be the asset row again,
//! so an import leaves it out and marks the row instead
//! (`payload_in_asset`; migration 0012). The mark holds only while the
//! asset stays at that version: every write that replaces assets first
//! copies the marked rows' payloads out of the asset rows it is about to
//! change, in its own transaction, and a reader of history fills the one
//! marked row (the current version's) from the asset row itself.

use super::backend::SqlStore;
use super::kinds::Backend;
use super::sql::{self, AssetRow, VersionRow};
use super::{failed, Change, Result, Version};
use crate::domain::Asset;
use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Transaction, Type};
use std::collections::HashMap;
use uuid::Uuid;

/// Reads of history retried when a write lands between its two reads.
const HISTORY_TRIES: usize = 3;

impl<DB> SqlStore<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    (i64, String): for<'r> FromRow<'r, DB::Row>,
    AssetRow: for<'r> FromRow<'r, DB::Row>,
    VersionRow: for<'r> FromRow<'r, DB::Row>,
{
    /// Before `changes` replace assets, the marked rows of the versions
    /// they replace get the payloads they stood for.
    pub(super) async fn keep_replaced(
        &self,
        tx: &mut Transaction<'static, DB>,
        changes: &[Change],
    ) -> Result<()> {
        let replaced: Vec<Uuid> = changes
            .iter()
            .filter(|c| c.expected_version.is_some())
            .map(|c| c.asset.id)
            .collect();
        if replaced.is_empty() {
            return Ok(());
        }
        let marked: Vec<(i64, String)> = sqlx::query_as(&self.sql.marked)
            .bind(sql::ids_json(&replaced))
            .fetch_all(&mut **tx)
            .await
            .map_err(failed("marked"))?;
        if marked.is_empty() {
            return Ok(());
        }
        let ids = sql::parse_ids(marked.iter().map(|(_, id)| (id.clone(),)).collect())?;
        let rows: Vec<AssetRow> = sqlx::query_as(&self.sql.by_ids)
            .bind(sql::ids_json(&ids))
            .fetch_all(&mut **tx)
            .await
            .map_err(failed("by_ids"))?;
        let assets: HashMap<Uuid, Asset> = sql::convert_all::<AssetRow, Asset>(rows)?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let filled: Vec<serde_json::Value> = marked
            .iter()
            .zip(&ids)
            .filter_map(|((seq, _), id)| {
                let asset = assets.get(id)?;
                Some(serde_json::json!({"seq": seq, "payload": sql::payload(asset)}))
            })
            .collect();
        sqlx::query(&self.sql.fill_marked)
            .bind(serde_json::Value::from(filled).to_string())
            .execute(&mut **tx)
            .await
            .map_err(failed("fill_marked"))?;
        Ok(())
    }

    /// An asset's versions, the current one's payload read from the asset
    /// row where the log holds it there.
    pub(super) async fn history_of(&self, id: Uuid) -> Result<Vec<Version>> {
        let mut tries = 0;
        loop {
            let mut rows: Vec<VersionRow> = sqlx::query_as(&self.sql.history)
                .bind(id.to_string())
                .fetch_all(&self.pool)
                .await
                .map_err(failed("history"))?;
            tries += 1;
            if let Some(row) = VersionRow::in_asset(&mut rows) {
                let current: Option<AssetRow> = sqlx::query_as(&self.sql.by_id)
                    .bind(id.to_string())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(failed("by_id"))?;
                match current.map(Asset::try_from).transpose()? {
                    Some(asset) if asset.version == row.version() => row.fill(&asset),
                    // Written again between the two reads: that write
                    // filled the row, which the next read finds.
                    Some(_) if tries < HISTORY_TRIES => continue,
                    _ => {}
                }
            }
            return sql::convert_all(rows);
        }
    }
}

//! Writes: parse, check the version the writer saw, then the store (one
//! transaction with its change-log row), then this server's index.

use super::{Registry, Result, ServiceError};
use crate::domain::{parse_geometry, Asset, AssetDraft, FieldError, Status};
use crate::index::IndexRecord;
use crate::store::{Change, ChangeOp, StoreError};
use chrono::{SubsecRound, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

/// RFC 7396: objects merge key by key, `null` removes a key (for a field,
/// clears it), anything else replaces the value.
fn merge_patch(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(changes)) => merge_patch(inner, changes),
            (_, Value::Null) => {
                target.remove(key);
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

impl Registry {
    pub fn parse_draft(&self, feature: &Value) -> Result<AssetDraft> {
        AssetDraft::from_feature(feature, &self.vocabulary).map_err(ServiceError::Invalid)
    }

    pub async fn create(&self, draft: AssetDraft, actor: &str) -> Result<Asset> {
        let now = Utc::now().trunc_subsecs(6);
        let asset = Asset {
            id: Uuid::new_v4(),
            draft,
            created_at: now,
            created_by: actor.to_string(),
            updated_at: now,
            updated_by: actor.to_string(),
            version: 1,
        };
        self.commit(vec![Change {
            asset: asset.clone(),
            op: ChangeOp::Create,
            expected_version: None,
        }])
        .await?;
        Ok(asset)
    }

    /// Applies a JSON merge patch (RFC 7396) of a Feature's `properties`,
    /// and a new `geometry` if one is given, to the version the writer saw.
    pub async fn update(
        &self,
        id: Uuid,
        expected: i64,
        patch: &Value,
        actor: &str,
    ) -> Result<Asset> {
        let current = self.get(id).await?;
        if current.version != expected {
            return Err(ServiceError::Conflict {
                id,
                expected,
                current: current.version,
            });
        }
        let draft = self.patched_draft(&current, patch)?;
        let asset = Asset {
            draft,
            updated_at: Utc::now().trunc_subsecs(6),
            updated_by: actor.to_string(),
            version: current.version + 1,
            ..current
        };
        self.commit_update(asset, ChangeOp::Update, expected).await
    }

    /// Writes `draft` as the next version of an asset whose version is
    /// still `expected`: a revert, which adds a version and rewrites none.
    pub async fn replace(
        &self,
        id: Uuid,
        expected: i64,
        draft: AssetDraft,
        actor: &str,
    ) -> Result<Asset> {
        let current = self.get(id).await?;
        if current.version != expected {
            return Err(ServiceError::Conflict {
                id,
                expected,
                current: current.version,
            });
        }
        let asset = Asset {
            draft,
            updated_at: Utc::now().trunc_subsecs(6),
            updated_by: actor.to_string(),
            version: current.version + 1,
            ..current
        };
        self.commit_update(asset, ChangeOp::Update, expected).await
    }

    fn patched_draft(&self, current: &Asset, patch: &Value) -> Result<AssetDraft> {
        let invalid = |f: &str, m: &str| ServiceError::Invalid(FieldError::new(f, m));
        let patch = patch
            .as_object()
            .ok_or_else(|| invalid("body", "expected a GeoJSON Feature object"))?;
        let mut props: Map<String, Value> = current.draft.properties();
        match patch.get("properties") {
            None | Some(Value::Null) => {}
            Some(Value::Object(changes)) => merge_patch(&mut props, changes),
            Some(_) => return Err(invalid("properties", "expected an object")),
        }
        let geometry = match patch.get("geometry") {
            None => current.draft.geometry.clone(),
            Some(g) => parse_geometry(g).map_err(ServiceError::Invalid)?,
        };
        AssetDraft::from_properties(&props, geometry, &self.vocabulary)
            .map_err(ServiceError::Invalid)
    }

    /// Archives an asset: it stays in the store and the change log, and
    /// leaves every query.
    pub async fn archive(&self, id: Uuid, expected: Option<i64>, actor: &str) -> Result<Asset> {
        let current = self.get(id).await?;
        let expected = expected.unwrap_or(current.version);
        if current.version != expected {
            return Err(ServiceError::Conflict {
                id,
                expected,
                current: current.version,
            });
        }
        let mut asset = current;
        asset.draft.status = Status::Archived;
        asset.updated_at = Utc::now().trunc_subsecs(6);
        asset.updated_by = actor.to_string();
        asset.version += 1;
        self.commit_update(asset, ChangeOp::Archive, expected).await
    }

    async fn commit_update(&self, asset: Asset, op: ChangeOp, expected: i64) -> Result<Asset> {
        let change = Change {
            asset: asset.clone(),
            op,
            expected_version: Some(expected),
        };
        match self.commit(vec![change]).await {
            Err(ServiceError::Store(StoreError::Conflict { .. })) => {
                // Someone else wrote in between: report the version now current.
                let current = self.get(asset.id).await?;
                Err(ServiceError::Conflict {
                    id: asset.id,
                    expected,
                    current: current.version,
                })
            }
            Err(e) => Err(e),
            Ok(()) => Ok(asset),
        }
    }

    /// Writes changes to the store (all or none), then to this index.
    pub async fn commit(&self, changes: Vec<Change>) -> Result<()> {
        self.store.write(&changes).await?;
        let mut index = self.index_mut();
        for c in &changes {
            index.apply(&IndexRecord::of(&c.asset));
        }
        Ok(())
    }
}

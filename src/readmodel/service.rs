//! The registry's public reads, answered from the read model alone.

use super::{csv_row, write_collection, write_feature, PublicAsset};
use crate::domain::Status;
use crate::export::Format;
use crate::index::{AssetIndex, Hit};
use crate::service::{AssetQuery, Registry, Result, Spatial};
use std::collections::HashSet;
use uuid::Uuid;

/// One asset's public Feature, rendered, with the version for its ETag.
pub struct PublicFeature {
    pub version: i64,
    pub body: Vec<u8>,
}

impl Registry {
    /// Every asset a query matches, in answer order, ignoring paging; text
    /// is matched against the public views, not the store.
    pub fn public_matching(&self, q: &AssetQuery) -> Vec<Hit> {
        let Some(needle) = q.text.as_ref().map(|t| t.to_lowercase()) else {
            return self.hits(q, None);
        };
        if let Spatial::Nearest { .. } = q.spatial {
            // The k nearest *matching*: the text has to be part of the filter.
            let ids = matching_ids(&self.index(), &needle);
            return self.hits(q, Some(ids));
        }
        let mut hits = self.hits(q, None);
        let index = self.index();
        hits.retain(|h| index.view(h.id).is_some_and(|v| v.matches(&needle)));
        hits
    }

    /// One page of a query as a GeoJSON FeatureCollection.
    pub fn query_json(&self, q: &AssetQuery) -> Vec<u8> {
        let hits = self.public_matching(q);
        let with_distance = matches!(q.spatial, Spatial::Radius { .. } | Spatial::Nearest { .. });
        let start = q.offset.min(hits.len());
        let end = start.saturating_add(q.limit).min(hits.len());
        let index = self.index();
        // An asset archived since the hits were taken is left out.
        let items: Vec<(&PublicAsset, Option<f64>)> = hits[start..end]
            .iter()
            .filter_map(|h| {
                let d = with_distance.then_some(h.distance_m);
                index.view(h.id).map(|v| (v, d))
            })
            .collect();
        let mut out = Vec::with_capacity(items.len() * 700 + 100);
        write_collection(&mut out, hits.len(), items.into_iter());
        out
    }

    /// A page of a query as public Features, after `keep`, and how many
    /// matched it: for the OGC API, which adds its own links.
    pub fn public_features(
        &self,
        q: &AssetQuery,
        keep: impl Fn(&PublicAsset) -> bool,
    ) -> (usize, Vec<serde_json::Value>) {
        let hits = self.public_matching(q);
        let index = self.index();
        let kept: Vec<&PublicAsset> = hits
            .iter()
            .filter_map(|h| index.view(h.id))
            .filter(|v| keep(v))
            .collect();
        let page = kept
            .iter()
            .skip(q.offset)
            .take(q.limit)
            .map(|v| {
                let mut body = Vec::with_capacity(1024);
                write_feature(&mut body, v, None);
                serde_json::from_slice(&body).expect("the read model writes JSON")
            })
            .collect();
        (kept.len(), page)
    }

    /// A published asset from memory; anything else (proposed, archived,
    /// not yet heard of through the change log) from the store.
    pub async fn public_feature(&self, id: Uuid) -> Result<PublicFeature> {
        if let Some(found) = self.public_feature_in_memory(id) {
            return Ok(found);
        }
        let asset = self.get(id).await?;
        // A proposal is not public yet: to the public it does not exist.
        if asset.draft.status == Status::Proposed {
            return Err(crate::service::ServiceError::NotFound(id));
        }
        Ok(PublicFeature {
            version: asset.version,
            body: serde_json::to_vec(&asset.to_public_feature()).expect("JSON in memory"),
        })
    }

    fn public_feature_in_memory(&self, id: Uuid) -> Option<PublicFeature> {
        let index = self.index();
        let view = index.view(id).filter(|v| v.status == Status::Published)?;
        let mut body = Vec::with_capacity(1024);
        write_feature(&mut body, view, None);
        Some(PublicFeature {
            version: view.version,
            body,
        })
    }

    /// A chunk of an export; `first` says whether nothing was written before.
    pub fn export_chunk(&self, ids: &[Uuid], format: Format, first: bool) -> String {
        let index = self.index();
        let mut out = Vec::new();
        let views = ids.iter().filter_map(|id| index.view(*id));
        for (i, v) in views.enumerate() {
            match format {
                Format::GeoJson => {
                    if !(first && i == 0) {
                        out.extend_from_slice(b",\n");
                    }
                    write_feature(&mut out, v, None);
                }
                Format::Csv => out.extend_from_slice(csv_row(v).as_bytes()),
            }
        }
        String::from_utf8(out).expect("JSON and CSV written from str are UTF-8")
    }
}

fn matching_ids(index: &AssetIndex, needle: &str) -> HashSet<Uuid> {
    index
        .entries()
        .filter(|e| index.view(e.id).is_some_and(|v| v.matches(needle)))
        .map(|e| e.id)
        .collect()
}

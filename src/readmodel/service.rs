//! The registry's public reads, answered from the read model alone.

use super::{csv_row, write_collection, write_feature, Field, PublicAsset};
use crate::domain::{Capital, Status};
use crate::export::Format;
use crate::service::{AssetQuery, Registry, Result, Spatial};
use uuid::Uuid;

/// One asset's public Feature, rendered, with the version for its ETag.
pub struct PublicFeature {
    pub version: i64,
    pub body: Vec<u8>,
}

impl Registry {
    /// Whether any asset in memory came from one of these data sets.
    pub fn holds_any_dataset<'a>(&self, datasets: impl IntoIterator<Item = &'a str>) -> bool {
        let prefixes: Vec<String> = datasets
            .into_iter()
            .map(crate::import::dataset_prefix)
            .collect();
        let index = self.index();
        let holds = index.views().any(|v| {
            v.text(Field::Source)
                .is_some_and(|s| prefixes.iter().any(|p| s.starts_with(p.as_str())))
        });
        holds
    }

    /// One page of a query's public features, and how many matched in all.
    pub fn public_page(&self, q: &AssetQuery) -> (usize, Vec<serde_json::Value>) {
        let hits = self.hits(q);
        let index = self.index();
        let start = q.offset.min(hits.len());
        let end = start.saturating_add(q.limit).min(hits.len());
        let mut body = Vec::with_capacity(1024);
        let features = hits[start..end]
            .iter()
            .filter_map(|h| index.view(h.id))
            .map(|v| {
                body.clear();
                write_feature(&mut body, v, None);
                serde_json::from_slice(&body).expect("the read model writes JSON")
            })
            .collect();
        (hits.len(), features)
    }

    /// How many assets of each capital a query matches, ignoring paging.
    pub fn count_by_capital(&self, q: &AssetQuery) -> Vec<(Capital, usize)> {
        if let Some(counts) = self.counts_from_entries(q) {
            return Capital::ALL.into_iter().zip(counts).collect();
        }
        let hits = self.hits(q);
        let index = self.index();
        let mut counts = [0usize; 5];
        for v in hits.iter().filter_map(|h| index.view(h.id)) {
            counts[Capital::ALL
                .iter()
                .position(|c| *c == v.capital)
                .unwrap_or(0)] += 1;
        }
        Capital::ALL.into_iter().zip(counts).collect()
    }

    /// One page of a query as a GeoJSON FeatureCollection.
    pub fn query_json(&self, q: &AssetQuery) -> Vec<u8> {
        let hits = self.hits(q);
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

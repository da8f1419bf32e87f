//! Reads: the spatial answer from the index, the records from the store.

use super::{AssetQuery, Page, Registry, Result, ServiceError, Spatial};
use crate::domain::{Asset, Status};
use crate::index::{AssetIndex, Filter, Hit, PublicAsset};
use std::collections::HashMap;
use uuid::Uuid;

impl Registry {
    /// The asset unless it is archived.
    pub async fn get(&self, id: Uuid) -> Result<Asset> {
        match self.store.get(id).await? {
            None => Err(ServiceError::NotFound(id)),
            Some(a) if a.draft.status == Status::Archived => Err(ServiceError::Gone(id)),
            Some(a) => Ok(a),
        }
    }

    pub async fn query(&self, q: &AssetQuery) -> Result<Page> {
        let hits = self.matching(q).await?;
        let number_matched = hits.len();
        let page: Vec<Hit> = hits.into_iter().skip(q.offset).take(q.limit).collect();
        let ids: Vec<Uuid> = page.iter().map(|h| h.id).collect();
        let distances: HashMap<Uuid, f64> = page.iter().map(|h| (h.id, h.distance_m)).collect();
        let with_distance = matches!(q.spatial, Spatial::Radius { .. } | Spatial::Nearest { .. });
        // Matched by id, not by position: a record archived between the
        // index's answer and this read is left out, and nothing shifts.
        let items = self
            .store
            .get_many(&ids)
            .await?
            .into_iter()
            .filter(|a| a.draft.status != Status::Archived)
            .map(|a| {
                let d = distances.get(&a.id).copied().filter(|_| with_distance);
                (a, d)
            })
            .collect();
        Ok(Page {
            number_matched,
            items,
        })
    }

    /// Every asset a query matches, in answer order, ignoring paging.
    pub async fn matching(&self, q: &AssetQuery) -> Result<Vec<Hit>> {
        Ok(self.hits(q))
    }

    /// How many assets of each capital (`Capital::ALL` order) a query over
    /// a box, or everywhere, matches, counted as the tree yields them; None
    /// for an area or a distance, which have their own searches.
    pub fn counts_from_entries(&self, q: &AssetQuery) -> Option<[usize; 5]> {
        let index = self.index();
        let filter = query_filter(&index, q);
        match &q.spatial {
            Spatial::BBox(b) => Some(index.count_in_bbox(b, &filter)),
            Spatial::Everywhere => Some(index.entries().filter(|e| index.passes(&filter, e)).fold(
                [0; 5],
                |mut counts, e| {
                    counts[e.capital() as usize] += 1;
                    counts
                },
            )),
            _ => None,
        }
    }

    /// Every asset a query matches, in answer order, answered from the
    /// index; text and times are matched against the public views as the
    /// tree yields each entry, so the k nearest are the k nearest matching.
    pub fn hits(&self, q: &AssetQuery) -> Vec<Hit> {
        let index = self.index();
        let filter = query_filter(&index, q);
        match &q.spatial {
            Spatial::Everywhere => {
                let mut hits: Vec<Hit> = index
                    .entries()
                    .filter(|e| index.passes(&filter, e))
                    .map(|e| Hit {
                        id: e.id,
                        distance_m: 0.0,
                    })
                    .collect();
                hits.sort_by_key(|h| h.id);
                hits
            }
            Spatial::BBox(b) => index.in_bbox(b, &filter),
            Spatial::Within(code) => index.in_area(&self.areas(), code, &filter),
            Spatial::Radius { center, radius_m } => {
                index.within_radius(*center, *radius_m, &filter)
            }
            Spatial::Nearest {
                center,
                k,
                max_distance_m,
            } => index.nearest(*center, *k, *max_distance_m, &filter),
        }
    }
}

/// A query's filter: capitals, categories, and (where asked) its text in the
/// name, description or address and its time window, tested on the views.
fn query_filter(index: &AssetIndex, q: &AssetQuery) -> Filter {
    let filter = Filter::for_query(index, &q.capitals, &q.categories);
    let needle = q.text.as_ref().map(|t| t.to_lowercase());
    if needle.is_none() && q.updated.is_none() {
        return filter;
    }
    let updated = q.updated;
    filter.view(move |v: &PublicAsset| {
        needle.as_deref().is_none_or(|n| v.matches(n))
            && updated.is_none_or(|w| w.contains(v.updated_at))
    })
}

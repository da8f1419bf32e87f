//! The features that are not assets: the areas of a level and the gap
//! analysis of a level and capital. Both are small (hundreds of wards), so
//! they are built whole and filtered here.

use super::super::areas::{area_feature, gap_feature};
use super::super::error::ApiError;
use super::super::AppState;
use super::items::Found;
use crate::analysis::GapParams;
use crate::domain::{Capital, Postcode};
use crate::index::AreaSet;
use crate::service::{AssetQuery, Spatial};
use geo::BoundingRect;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The gap collections by level and capital, each kept while the assets,
/// areas and postcodes it was worked out from are the ones loaded: a
/// client paging through one (GDAL, QGIS) would otherwise redo the whole
/// analysis for every page.
#[derive(Default)]
pub struct GapCache(Mutex<HashMap<(String, Capital), Cached>>);

struct Cached {
    generation: u64,
    // Held, so that a reload cannot reuse their addresses.
    areas: Arc<AreaSet>,
    postcodes: Arc<HashMap<String, Postcode>>,
    features: Arc<Vec<Value>>,
}

impl GapCache {
    fn get(&self, key: &(String, Capital), now: &Cached) -> Option<Arc<Vec<Value>>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|c| {
                c.generation == now.generation
                    && Arc::ptr_eq(&c.areas, &now.areas)
                    && Arc::ptr_eq(&c.postcodes, &now.postcodes)
            })
            .map(|c| c.features.clone())
    }

    fn put(&self, key: (String, Capital), entry: Cached) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(key, entry);
    }
}

/// Each area of the level, with its population.
pub fn areas(state: &AppState, level: &str) -> Vec<Value> {
    state
        .registry
        .areas()
        .all()
        .iter()
        .filter(|a| a.level == level)
        .map(area_feature)
        .collect()
}

/// The gap analysis of one capital by the areas of one level, as
/// `/api/gaps.geojson` gives it with its default parameters; worked out
/// again only when the data changed.
pub async fn gaps(
    state: &AppState,
    cache: &GapCache,
    level: &str,
    capital: Capital,
) -> Result<Arc<Vec<Value>>, ApiError> {
    // Read before the analysis: a write landing during it makes the entry
    // look stale, never a stale entry look current.
    let registry = &state.registry;
    let mut now = Cached {
        generation: registry.index().generation(),
        areas: registry.areas(),
        postcodes: registry.postcodes(),
        features: Arc::default(),
    };
    let key = (level.to_string(), capital);
    if let Some(features) = cache.get(&key, &now) {
        return Ok(features);
    }
    now.features = Arc::new(work_out_gaps(state, level, capital).await?);
    let features = now.features.clone();
    cache.put(key, now);
    Ok(features)
}

async fn work_out_gaps(
    state: &AppState,
    level: &str,
    capital: Capital,
) -> Result<Vec<Value>, ApiError> {
    let params = GapParams::defaults(level, vec![capital]);
    let registry = state.registry.clone();
    // Seconds at national scale: off the async workers, as /api/gaps does.
    let report = tokio::task::spawn_blocking(move || registry.gaps(&params))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "gap analysis failed");
            ApiError::Internal
        })?;
    let areas = state.registry.areas();
    Ok(report
        .rows
        .iter()
        .filter_map(|row| Some(gap_feature(areas.get(&row.code)?, row)))
        .collect())
}

/// A page of `features` by the query's bbox, text and paging. The asset
/// filters (capital, category) say nothing about an area and are ignored.
pub fn page(features: &[Value], query: &AssetQuery) -> Result<Found, ApiError> {
    let bbox = match &query.spatial {
        Spatial::Everywhere => None,
        Spatial::BBox(b) => Some(b),
        Spatial::Within(_) => return Err(ApiError::bad("within", "only assets lie within areas")),
        Spatial::Radius { .. } | Spatial::Nearest { .. } => {
            return Err(ApiError::bad("lon", "only assets are found by distance"))
        }
    };
    let text = query.text.as_ref().map(|t| t.to_lowercase());
    let matching: Vec<&Value> = features
        .iter()
        .filter(|f| bbox.is_none_or(|b| overlaps(b, f)))
        .filter(|f| {
            text.as_ref().is_none_or(|t| {
                super::text(&f["properties"]["name"])
                    .to_lowercase()
                    .contains(t)
            })
        })
        .collect();
    let matched = matching.len();
    let features = matching
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .cloned()
        .collect();
    Ok(Found { features, matched })
}

fn overlaps(b: &crate::domain::BBox, feature: &Value) -> bool {
    let Ok(g) = geojson::Geometry::from_json_value(feature["geometry"].clone()) else {
        return false;
    };
    let Ok(g) = geo::Geometry::<f64>::try_from(g) else {
        return false;
    };
    g.bounding_rect()
        .is_some_and(|r| b.intersects([r.min().x, r.min().y], [r.max().x, r.max().y]))
}

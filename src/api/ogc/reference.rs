//! The features that are not assets: the areas of a level and the gap
//! analysis of a level and capital. Both are small (hundreds of wards), so
//! they are built whole and filtered here.

use super::super::areas::{area_feature, gap_feature};
use super::super::error::ApiError;
use super::super::AppState;
use super::items::Found;
use crate::analysis::GapParams;
use crate::domain::Capital;
use crate::service::{AssetQuery, Spatial};
use geo::BoundingRect;
use serde_json::Value;

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
/// `/api/gaps.geojson` gives it with its default parameters.
pub async fn gaps(state: &AppState, level: &str, capital: Capital) -> Result<Vec<Value>, ApiError> {
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
pub fn page(features: Vec<Value>, query: &AssetQuery) -> Result<Found, ApiError> {
    let bbox = match &query.spatial {
        Spatial::Everywhere => None,
        Spatial::BBox(b) => Some(b),
        Spatial::Within(_) => return Err(ApiError::bad("within", "only assets lie within areas")),
        Spatial::Radius { .. } | Spatial::Nearest { .. } => {
            return Err(ApiError::bad("lon", "only assets are found by distance"))
        }
    };
    let text = query.text.as_ref().map(|t| t.to_lowercase());
    let matching: Vec<Value> = features
        .into_iter()
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

use crate::domain::{BBox, Capital, LonLat};
use chrono::{DateTime, Utc};

pub const MAX_LIMIT: usize = 10_000;
pub const MAX_K: usize = 1_000;
pub const MAX_RADIUS_M: f64 = 500_000.0;

/// Where to look.
#[derive(Debug, Clone)]
pub enum Spatial {
    Everywhere,
    BBox(BBox),
    Radius {
        center: LonLat,
        radius_m: f64,
    },
    Nearest {
        center: LonLat,
        k: usize,
        max_distance_m: Option<f64>,
    },
    /// Inside the area with this code (by each asset's point).
    Within(String),
}

/// A query for assets, already checked: limits are within bounds and
/// categories exist.
#[derive(Debug, Clone)]
pub struct AssetQuery {
    pub spatial: Spatial,
    pub capitals: Vec<Capital>,
    pub categories: Vec<String>,
    pub text: Option<String>,
    /// Last updated within this interval (OGC's `datetime`).
    pub updated: Option<Interval>,
    pub limit: usize,
    pub offset: usize,
}

impl AssetQuery {
    pub fn everywhere() -> AssetQuery {
        AssetQuery {
            spatial: Spatial::Everywhere,
            capitals: Vec::new(),
            categories: Vec::new(),
            text: None,
            updated: None,
            limit: MAX_LIMIT,
            offset: 0,
        }
    }
}

/// A span of time; an open end is `None`, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Interval {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e)
    }
}

//! What a gap analysis is asked: the level, the assets in question, the
//! walking distance and the measure to rank by; the defaults; and the one
//! check of a question, for the command line and HTTP alike.

use super::GapRow;
use crate::domain::{Capital, FieldError, Vocabulary};
use serde::Serialize;

/// What areas are ranked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    #[serde(rename = "per_1000")]
    Per1000,
    Coverage,
    NearestM,
}

crate::domain::word_enum!(Measure, "measure" {
    Count = "count",
    Per1000 = "per_1000",
    Coverage = "coverage",
    NearestM = "nearest_m",
});

impl Measure {
    /// More is better for every measure but distance.
    pub(super) fn higher_is_better(self) -> bool {
        self != Measure::NearestM
    }

    pub(super) fn of(self, row: &GapRow) -> Option<f64> {
        match self {
            Measure::Count => Some(row.count as f64),
            Measure::Per1000 => row.per_1000,
            Measure::Coverage => row.coverage,
            Measure::NearestM => row.nearest_m,
        }
    }
}

/// 800 m: a ten-minute walk.
pub const DEFAULT_DISTANCE_M: f64 = 800.0;
/// Beyond a walk, or a bus ride; and the searches grow with the distance.
pub const MAX_DISTANCE_M: f64 = 50_000.0;
/// An area with nothing inside is a gap when fewer than half its residents
/// are within the distance of one.
pub const DEFAULT_MIN_COVERAGE: f64 = 0.5;
/// Residents per asset is what a forum compares first.
pub const DEFAULT_RANK_BY: Measure = Measure::Per1000;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GapParams {
    pub level: String,
    pub capitals: Vec<Capital>,
    pub categories: Vec<String>,
    pub distance_m: f64,
    pub rank_by: Measure,
    pub min_coverage: f64,
}

impl GapParams {
    /// Every asset of `capitals`, with the default distance, measure and
    /// coverage.
    pub fn defaults(level: &str, capitals: Vec<Capital>) -> GapParams {
        GapParams {
            level: level.to_string(),
            capitals,
            categories: Vec::new(),
            distance_m: DEFAULT_DISTANCE_M,
            rank_by: DEFAULT_RANK_BY,
            min_coverage: DEFAULT_MIN_COVERAGE,
        }
    }

    /// Whether this question can be answered with these levels and
    /// categories; the first problem names its parameter.
    pub fn check(&self, levels: &[String], vocabulary: &Vocabulary) -> Result<(), FieldError> {
        if !levels.contains(&self.level) {
            return Err(FieldError::new(
                "level",
                format!(
                    "no areas at level '{}'; levels: {}",
                    self.level,
                    levels.join(", ")
                ),
            ));
        }
        if let Some(c) = self
            .categories
            .iter()
            .find(|c| !Capital::ALL.iter().any(|cap| vocabulary.contains(*cap, c)))
        {
            return Err(FieldError::new(
                "category",
                format!("'{c}' is not a known category"),
            ));
        }
        check_distance(self.distance_m)?;
        if !(0.0..=1.0).contains(&self.min_coverage) {
            return Err(FieldError::new("min_coverage", "must be between 0 and 1"));
        }
        Ok(())
    }
}

/// A walking distance the analysis can work with.
pub fn check_distance(distance_m: f64) -> Result<f64, FieldError> {
    if distance_m.is_finite() && distance_m > 0.0 && distance_m <= MAX_DISTANCE_M {
        Ok(distance_m)
    } else {
        Err(FieldError::new(
            "distance_m",
            format!("must be more than 0 and at most {MAX_DISTANCE_M} metres"),
        ))
    }
}

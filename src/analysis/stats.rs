//! The statistics of a gap report: coverage, weighted medians, ranks,
//! quintiles and class breaks.

use super::{GapRow, Measure};

pub(super) fn coverage(distances: &[(f64, f64)], within_m: f64) -> Option<f64> {
    let total: f64 = distances.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return None;
    }
    let near: f64 = distances
        .iter()
        .filter(|(d, _)| *d <= within_m)
        .map(|(_, w)| w)
        .sum();
    Some(near / total)
}

/// The distance below which half the residents live; `None` with no
/// residents or no asset at all.
pub(super) fn weighted_median(distances: &[(f64, f64)]) -> Option<f64> {
    let mut sorted: Vec<(f64, f64)> = distances
        .iter()
        .copied()
        .filter(|(_, w)| *w > 0.0)
        .collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = sorted.iter().map(|(_, w)| w).sum();
    let mut seen = 0.0;
    for (d, w) in sorted {
        seen += w;
        if seen >= total / 2.0 {
            return d.is_finite().then_some(d);
        }
    }
    None
}

/// Competition ranking (1, 2, 2, 4) from the best provided down, and
/// quintiles from the least provided (1) up; areas without the measure get
/// neither.
pub(super) fn rank(rows: &mut [GapRow], by: Measure) {
    let mut order: Vec<(usize, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, by.of(r)?)))
        .collect();
    // Worst first.
    order.sort_by(|a, b| {
        let cmp = a.1.total_cmp(&b.1);
        if by.higher_is_better() {
            cmp
        } else {
            cmp.reverse()
        }
    });
    let n = order.len();
    let mut first_of_tie = 0;
    for pos in 0..n {
        if pos > 0 && order[pos].1 != order[pos - 1].1 {
            first_of_tie = pos;
        }
        let (i, _) = order[pos];
        rows[i].quintile = Some((first_of_tie * 5 / n) as u8 + 1);
    }
    // Best first, for ranks.
    let mut last_value = f64::NAN;
    let mut last_rank = 0;
    for (k, (i, v)) in order.iter().rev().enumerate() {
        if *v != last_value {
            last_rank = k + 1;
            last_value = *v;
        }
        rows[*i].rank = Some(last_rank);
    }
}

pub(super) fn breaks(rows: &[GapRow], by: Measure) -> Vec<f64> {
    let mut values: Vec<f64> = rows
        .iter()
        .filter_map(|r| by.of(r))
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() {
        return Vec::new();
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (values.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
    };
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        .iter()
        .map(|q| at(*q))
        .collect()
}

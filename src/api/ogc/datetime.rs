//! The `datetime` parameter, matched against an asset's last update: an
//! instant (`2025-01-02T03:04:05Z`, or a whole day `2025-01-02`) or an
//! interval `start/end` where either end may be open (`..` or empty).

use super::super::error::ApiError;
use crate::service::Interval;
use chrono::{DateTime, NaiveDate, Utc};

pub fn parse(value: &str) -> Result<Interval, ApiError> {
    let bad = |why: &str| {
        ApiError::bad(
            "datetime",
            format!("'{value}' {why}: give an RFC 3339 instant or start/end, with .. for open"),
        )
    };
    let value = value.trim();
    let interval = match value.split_once('/') {
        None => {
            let (start, end) = instant(value).ok_or_else(|| bad("is not a date or time"))?;
            Interval {
                start: Some(start),
                end: Some(end),
            }
        }
        Some((a, b)) => {
            let start = open_end(a, true).ok_or_else(|| bad("has a start that is not a time"))?;
            let end = open_end(b, false).ok_or_else(|| bad("has an end that is not a time"))?;
            Interval { start, end }
        }
    };
    if let (Some(s), Some(e)) = (interval.start, interval.end) {
        if s > e {
            return Err(bad("ends before it starts"));
        }
    }
    Ok(interval)
}

/// One end of an interval: `None` inside for open, `None` outside for bad.
fn open_end(s: &str, start: bool) -> Option<Option<DateTime<Utc>>> {
    let s = s.trim();
    if s.is_empty() || s == ".." {
        return Some(None);
    }
    instant(s).map(|(lo, hi)| Some(if start { lo } else { hi }))
}

/// The first and last moment an instant names: a time names itself, a
/// date the whole of its day.
fn instant(s: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        return Some((t, t));
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    let start = day.and_hms_opt(0, 0, 0)?.and_utc();
    let end = day.and_hms_nano_opt(23, 59, 59, 999_999_999)?.and_utc();
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn instants_days_and_open_intervals() {
        let day = parse("2025-01-02").unwrap();
        assert!(day.contains(t("2025-01-02T23:00:00Z")));
        assert!(!day.contains(t("2025-01-03T00:00:00Z")));
        let since = parse("2025-01-02T00:00:00Z/..").unwrap();
        assert!(since.contains(t("2030-01-01T00:00:00Z")));
        assert!(!since.contains(t("2025-01-01T23:59:59Z")));
        let until = parse("../2025-01-02").unwrap();
        assert!(until.contains(t("2025-01-02T12:00:00Z")));
        assert!(!until.contains(t("2025-01-03T00:00:01Z")));
        assert_eq!(parse("/2025-01-02").unwrap(), until);
    }

    #[test]
    fn nonsense_and_backwards_intervals_are_refused() {
        for bad in ["yesterday", "2025-13-01", "2025-02-01/2025-01-01", "1/2/3"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}

//! Opening hours between OpenStreetMap's `opening_hours` syntax and HSDS
//! schedules (weekly RRULE parts: `byday`, `opens_at`, `closes_at`).
//!
//! Only the everyday subset is read: rules of weekdays (`Mo-Fr`, `Sa,Su`)
//! and time ranges (`09:00-12:30,13:30-17:00`) separated by `;`, a rule
//! without days meaning every day, a later rule replacing an earlier one
//! for its days as OSM says, and `24/7`. Anything else (public holidays,
//! months, weeks, `off`, `sunrise`, free text such as "Tuesdays 10am") is
//! not guessed at: the text goes into a schedule's `description` whole.

use std::collections::BTreeMap;

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const RRULE_DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Minutes since midnight, opening and closing (closing may be 24:00).
type Range = (u16, u16);

/// One weekly schedule row: these days, open over this range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekly {
    pub byday: String,
    pub opens_at: String,
    pub closes_at: String,
}

/// The weekly rows for an `opening_hours` text, or `None` when it is not
/// in the subset read here.
pub fn parse(text: &str) -> Option<Vec<Weekly>> {
    let text = text.trim();
    let mut week: [Vec<Range>; 7] = Default::default();
    if text == "24/7" {
        for day in &mut week {
            *day = vec![(0, 24 * 60)];
        }
        return Some(rows(&week));
    }
    let mut any = false;
    for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
        let (days, times) = match rule.split_once(' ') {
            Some((d, t)) if d.chars().next().is_some_and(char::is_alphabetic) => (Some(d), t),
            _ => (None, rule),
        };
        let days = match days {
            Some(d) => parse_days(d)?,
            None => [true; 7],
        };
        let ranges = times
            .split(',')
            .map(|t| parse_range(t.trim()))
            .collect::<Option<Vec<_>>>()?;
        for (i, on) in days.iter().enumerate() {
            if *on {
                week[i] = ranges.clone();
            }
        }
        any = true;
    }
    any.then(|| rows(&week))
}

fn parse_days(s: &str) -> Option<[bool; 7]> {
    let day = |d: &str| DAYS.iter().position(|x| *x == d);
    let mut out = [false; 7];
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                let mut i = a;
                loop {
                    out[i] = true;
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => out[day(part)?] = true,
        }
    }
    Some(out)
}

fn parse_range(s: &str) -> Option<Range> {
    let (a, b) = s.split_once('-')?;
    let (a, b) = (parse_time(a)?, parse_time(b)?);
    (a < b).then_some((a, b))
}

fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Days with the same hours share rows: one per range, days in week order.
fn rows(week: &[Vec<Range>; 7]) -> Vec<Weekly> {
    let mut groups: Vec<(Vec<usize>, &Vec<Range>)> = Vec::new();
    for (i, ranges) in week.iter().enumerate() {
        if ranges.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(_, r)| *r == ranges) {
            Some((days, _)) => days.push(i),
            None => groups.push((vec![i], ranges)),
        }
    }
    let mut out = Vec::new();
    for (days, ranges) in groups {
        let byday = days
            .iter()
            .map(|d| RRULE_DAYS[*d])
            .collect::<Vec<_>>()
            .join(",");
        for (open, close) in ranges {
            out.push(Weekly {
                byday: byday.clone(),
                opens_at: hsds_time(*open),
                closes_at: hsds_time(*close),
            });
        }
    }
    out
}

/// `HH:MM:SS`, the tabular format's time. Midnight at the end of a day
/// (OSM's 24:00) has no such time, so it is written as 23:59:59.
fn hsds_time(minutes: u16) -> String {
    if minutes >= 24 * 60 {
        return "23:59:59".into();
    }
    format!("{:02}:{:02}:00", minutes / 60, minutes % 60)
}

fn read_hsds_time(s: &str) -> Option<u16> {
    let s = s.trim();
    if s == "23:59:59" || s == "24:00" || s == "24:00:00" {
        return Some(24 * 60);
    }
    let hm = s.get(..5)?;
    let rest = &s[5..];
    if !(rest.is_empty() || rest == ":00") {
        return None;
    }
    parse_time(hm)
}

/// The `opening_hours` text for weekly rows (the reverse of `parse`), or
/// `None` when they say nothing this syntax can hold.
pub fn format(rows: &[Weekly]) -> Option<String> {
    let mut week: [Vec<Range>; 7] = Default::default();
    for r in rows {
        let range = (read_hsds_time(&r.opens_at)?, read_hsds_time(&r.closes_at)?);
        for d in r.byday.split(',').map(str::trim) {
            // "1MO" and the like (monthly) are not weekly hours.
            let i = RRULE_DAYS.iter().position(|x| x.eq_ignore_ascii_case(d))?;
            week[i].push(range);
        }
    }
    for day in &mut week {
        day.sort_unstable();
        day.dedup();
    }
    if week.iter().all(|d| d == &vec![(0, 24 * 60)]) {
        return Some("24/7".into());
    }
    let mut groups: BTreeMap<usize, (Vec<usize>, &Vec<Range>)> = BTreeMap::new();
    for (i, ranges) in week.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
        match groups.values_mut().find(|(_, r)| *r == ranges) {
            Some((days, _)) => days.push(i),
            None => {
                groups.insert(i, (vec![i], ranges));
            }
        }
    }
    let rules: Vec<String> = groups
        .values()
        .map(|(days, ranges)| {
            let times: Vec<String> = ranges
                .iter()
                .map(|(a, b)| format!("{}-{}", osm_time(*a), osm_time(*b)))
                .collect();
            format!("{} {}", day_list(days), times.join(","))
        })
        .collect();
    (!rules.is_empty()).then(|| rules.join("; "))
}

fn osm_time(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// `Mo-Fr`, `Mo,We`, `Mo-We,Sa`: runs of three or more days as ranges.
fn day_list(days: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}-{}", DAYS[days[i]], DAYS[days[j]]));
        } else {
            parts.extend(days[i..=j].iter().map(|d| DAYS[*d].to_string()));
        }
        i = j + 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(byday: &str, o: &str, c: &str) -> Weekly {
        Weekly {
            byday: byday.into(),
            opens_at: o.into(),
            closes_at: c.into(),
        }
    }

    #[test]
    fn reads_the_everyday_subset() {
        assert_eq!(
            parse("Mo-Fr 09:00-17:00; Sa 10:00-12:00").unwrap(),
            vec![
                w("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
                w("SA", "10:00:00", "12:00:00")
            ]
        );
        // A later rule replaces an earlier one for its days.
        assert_eq!(
            parse("Mo-Sa 09:00-17:00; Sa 10:00-12:00,13:00-15:00").unwrap(),
            vec![
                w("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
                w("SA", "10:00:00", "12:00:00"),
                w("SA", "13:00:00", "15:00:00"),
            ]
        );
        assert_eq!(parse("24/7").unwrap().len(), 1);
        assert_eq!(parse("08:00-20:00").unwrap()[0].byday.split(',').count(), 7);
    }

    #[test]
    fn leaves_what_it_cannot_read_alone() {
        for text in [
            "Tuesdays 10am - 12pm",
            "Mo-Fr 09:00-17:00; PH off",
            "Mo 25:00-26:00",
            "Mo 17:00-09:00",
            "sunrise-sunset",
            "",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn writes_back_what_it_read() {
        for text in [
            "Mo-Fr 09:00-17:00; Sa 10:00-12:00",
            "Mo,We 10:00-12:00,14:00-16:00",
            "24/7",
            "Mo-We,Fr 08:30-18:00; Su 10:00-24:00",
        ] {
            assert_eq!(format(&parse(text).unwrap()).as_deref(), Some(text));
        }
        assert_eq!(format(&[w("1MO", "09:00:00", "10:00:00")]), None);
    }
}

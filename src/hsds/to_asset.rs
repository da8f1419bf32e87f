//! A directory read back into assets: the mapping of `from_asset` the
//! other way, one asset per active service, identified by its HSDS id.

use super::from_asset::FUNDER_TAGS;
use super::{address, derived, id_of, schedule, taxonomy_id, Directory, SOURCE_PREFIX};
use crate::domain::{Asset, FieldError};
use crate::import::Record;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use uuid::Uuid;

type Obj = Map<String, Value>;

/// What a service without assetmap's own category term becomes.
pub struct Defaults {
    pub capital: String,
    pub category: String,
}

/// What `records` made of a directory.
pub struct Read {
    pub records: Vec<Record>,
    /// Services left out, each with why: not active.
    pub skipped: Vec<String>,
    /// Services at more than one location, placed at the first.
    pub first_location_only: Vec<String>,
}

fn text<'a>(row: &'a Obj, key: &str) -> Option<&'a str> {
    row.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The records to import for every active service in `dir`. `known` maps
/// the service ids of this store's assets (`service_id`) to the assets, so
/// that a directory exported from here and read back updates the assets
/// it came from, and one imported before is updated, not repeated.
pub fn records(dir: &Directory, defaults: &Defaults, known: &HashMap<Uuid, Asset>) -> Read {
    let mut read = Read {
        records: Vec::new(),
        skipped: Vec::new(),
        first_location_only: Vec::new(),
    };
    for service in dir.rows("service") {
        let sid = id_of(service);
        let place = match dir.lines.get(sid) {
            Some(line) => format!("services.csv line {line}"),
            None => format!("service {sid}"),
        };
        let status = text(service, "status").unwrap_or("active");
        if status != "active" {
            read.skipped.push(format!("{place}: status is {status}"));
            continue;
        }
        let id = match Uuid::parse_str(sid) {
            Ok(id) => id,
            Err(_) => {
                read.records.push(rejected(place, "id", "is not a UUID"));
                continue;
            }
        };
        let sals: Vec<&Obj> = dir
            .linked("service_at_location", "service_id", sid)
            .collect();
        if sals.len() > 1 {
            read.first_location_only.push(place.clone());
        }
        let location = sals
            .iter()
            .filter_map(|sal| text(sal, "location_id").and_then(|l| dir.find("location", l)))
            .find(|l| l.get("latitude").is_some_and(Value::is_number));
        let Some(location) = location else {
            read.records.push(rejected(
                place,
                "location",
                "the service has no location with a latitude and longitude",
            ));
            continue;
        };
        let mut props = properties(dir, service, location, defaults);
        let point = [
            location["longitude"].as_f64().unwrap_or(f64::NAN),
            location["latitude"].as_f64().unwrap_or(f64::NAN),
        ];
        let mut geometry = geo::Geometry::Point(geo::Point::new(point[0], point[1]));
        let existing = known.get(&id);
        if let Some(asset) = existing {
            super::merge::keep_what_hsds_cannot_say(&mut props, &mut geometry, point, asset);
        }
        read.records.push(Record {
            place,
            props,
            geometry: Ok(geometry),
            // An asset read back keeps its source as it is, even none (one
            // added on the map): a new one would count as a change.
            source: match existing {
                Some(asset) => asset.draft.source.clone(),
                None => Some(format!("{SOURCE_PREFIX}{id}")),
            },
            asset_id: existing.map(|a| a.id),
        });
    }
    read
}

fn rejected(place: String, field: &str, reason: &str) -> Record {
    Record {
        place,
        props: Map::new(),
        geometry: Err(FieldError::new(field, reason)),
        source: None,
        asset_id: None,
    }
}

/// The capital and category from assetmap's taxonomy term, if any.
fn category(dir: &Directory, sid: &str) -> Option<(String, String)> {
    let ours = taxonomy_id().to_string();
    dir.linked("attribute", "link_id", sid)
        .filter_map(|a| text(a, "taxonomy_term_id").and_then(|t| dir.find("taxonomy_term", t)))
        .filter(|t| {
            text(t, "taxonomy_id") == Some(ours.as_str()) || text(t, "taxonomy") == Some("assetmap")
        })
        .find_map(|t| {
            let (capital, category) = text(t, "code")?.split_once('/')?;
            Some((capital.to_string(), category.to_string()))
        })
}

fn properties(dir: &Directory, service: &Obj, location: &Obj, defaults: &Defaults) -> Obj {
    let sid = id_of(service);
    let lid = id_of(location);
    let (capital, category) =
        category(dir, sid).unwrap_or_else(|| (defaults.capital.clone(), defaults.category.clone()));
    let mut p = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            p.insert(k.into(), Value::String(v));
        }
    };
    put("name", text(service, "name").map(str::to_string));
    put("capital", Some(capital.clone()));
    put("category", Some(category.clone()));
    put(
        "description",
        text(service, "description").map(str::to_string),
    );
    put("website", text(service, "url").map(str::to_string));
    let contact_email = || {
        dir.linked("contact", "service_id", sid)
            .find_map(|c| text(c, "email"))
            .map(str::to_string)
    };
    put(
        "email",
        text(service, "email")
            .map(str::to_string)
            .or_else(contact_email),
    );
    let phone = dir
        .linked("phone", "service_id", sid)
        .chain(dir.linked("phone", "location_id", lid))
        .find_map(|r| text(r, "number"));
    put("phone", phone.map(str::to_string));
    if let Some(a) = dir.linked("address", "location_id", lid).next() {
        put(
            "address",
            address::join(&[
                text(a, "address_1"),
                text(a, "address_2"),
                text(a, "city"),
                text(a, "state_province"),
            ]),
        );
        put("postcode", text(a, "postal_code").map(str::to_string));
    }
    let access: Vec<&str> = dir
        .linked("accessibility", "location_id", lid)
        .filter_map(|r| text(r, "description"))
        .collect();
    put(
        "accessibility",
        (!access.is_empty()).then(|| access.join("; ")),
    );
    put("opening_hours", opening_hours(dir, sid, lid));
    put(
        "verified_at",
        text(service, "assured_date")
            .and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
            .map(|d| format!("{d}T00:00:00Z")),
    );
    let org = text(service, "organization_id").and_then(|o| dir.find("organization", o));
    let mut tags = Map::new();
    if let Some(org) = org {
        // An organisation that is the asset itself (as exported from here)
        // is no tag; any other is the asset's operator, or a fund's funder.
        let itself = id_of(org) == derived("organization", sid).to_string();
        if let (false, Some(name)) = (itself, text(org, "name")) {
            let financial_org = matches!(category.as_str(), "grant_maker" | "credit_union");
            let key = if capital == "financial" && !financial_org {
                FUNDER_TAGS[0]
            } else {
                "operator"
            };
            tags.insert(key.into(), json!(name));
        }
    }
    p.insert("tags".into(), Value::Object(tags));
    p
}

/// Weekly schedules as an `opening_hours` text; otherwise what the
/// schedules say in words.
fn opening_hours(dir: &Directory, sid: &str, lid: &str) -> Option<String> {
    let rows: Vec<&Obj> = dir
        .linked("schedule", "service_id", sid)
        .chain(dir.linked("schedule", "location_id", lid))
        .collect();
    let weekly: Vec<schedule::Weekly> = rows
        .iter()
        .filter(|r| text(r, "freq").is_none_or(|f| f.eq_ignore_ascii_case("WEEKLY")))
        .filter_map(|r| {
            Some(schedule::Weekly {
                byday: text(r, "byday")?.to_string(),
                opens_at: text(r, "opens_at")?.to_string(),
                closes_at: text(r, "closes_at")?.to_string(),
            })
        })
        .collect();
    if !weekly.is_empty() {
        if let Some(hours) = schedule::format(&weekly) {
            return Some(hours);
        }
    }
    let words: Vec<&str> = rows.iter().filter_map(|r| text(r, "description")).collect();
    (!words.is_empty()).then(|| words.join("; "))
}

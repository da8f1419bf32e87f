//! Reading a service back onto the asset it came from: HSDS cannot say
//! everything an asset holds (its shape, its tags, the time of day it was
//! checked, who checked it), so what the directory leaves out or says
//! the same way is kept as the asset has it, and an unchanged directory
//! changes nothing.

use super::from_asset::FUNDER_TAGS;
use super::{address, schedule};
use crate::domain::{Asset, Placement};
use serde_json::{Map, Value};

pub fn keep_what_hsds_cannot_say(
    props: &mut Map<String, Value>,
    geometry: &mut geo::Geometry<f64>,
    point: [f64; 2],
    asset: &Asset,
) {
    let d = &asset.draft;
    // A park is a polygon; its location is the point placed inside it.
    if Placement::of(&d.geometry).point == point {
        *geometry = d.geometry.clone();
    }
    let said = |props: &Map<String, Value>, key: &str| {
        props.get(key).and_then(Value::as_str).map(str::to_string)
    };
    // The same address, split into lines and joined again.
    if let Some(a) = &d.address {
        let lines = address::split(Some(a), d.postcode.as_deref());
        let city = (!lines.city.is_empty()).then_some(lines.city.as_str());
        let rejoined = address::join(&[Some(&lines.address_1), lines.address_2.as_deref(), city]);
        if rejoined == said(props, "address") {
            props.insert("address".into(), Value::String(a.clone()));
        }
    }
    // The same hours, written another way.
    if let Some(h) = &d.opening_hours {
        let again = schedule::parse(h).and_then(|rows| schedule::format(&rows));
        if again.is_some() && again == said(props, "opening_hours") {
            props.insert("opening_hours".into(), Value::String(h.clone()));
        }
    }
    // assured_date is a day: the same day keeps the time it was checked.
    if let Some(at) = d.verified_at {
        let day = at.format("%Y-%m-%d").to_string();
        if said(props, "verified_at").is_some_and(|v| v.starts_with(&day)) {
            props.insert("verified_at".into(), Value::String(at.to_rfc3339()));
        }
    }
    if let Some(by) = &d.verified_by {
        props
            .entry("verified_by")
            .or_insert_with(|| Value::String(by.clone()));
    }
    // Tags the directory has no place for stay. The organisation it names
    // is the asset's own when the asset already names it (in whichever
    // tag); otherwise it is written over.
    if let Some(Value::Object(tags)) = props.get_mut("tags") {
        let named = |t: &Map<String, Value>| {
            FUNDER_TAGS
                .iter()
                .find_map(|k| t.get(*k).and_then(Value::as_str).map(str::to_string))
        };
        let own = FUNDER_TAGS.iter().find_map(|k| d.tags.get(*k).cloned());
        if named(tags) == own {
            tags.clear();
        }
        for (k, v) in &d.tags {
            tags.entry(k.clone())
                .or_insert_with(|| Value::String(v.clone()));
        }
    }
}

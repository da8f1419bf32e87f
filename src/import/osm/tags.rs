//! The tag table: which OpenStreetMap objects are assets, of which capital
//! and category, and the asset properties their tags give.

use crate::domain::Capital;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One line of the tag table: objects tagged `key=value` are assets of
/// this capital and category. The first line an object matches wins.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TagRule {
    pub key: String,
    pub value: String,
    pub capital: Capital,
    pub category: String,
}

/// The default table, documented in README.md. Replace it with
/// `assetmap import --osm-tags FILE.json`.
pub fn default_tag_table() -> Vec<TagRule> {
    use Capital::*;
    let rows: &[(&str, &str, Capital, &str)] = &[
        ("amenity", "food_bank", Social, "food_bank"),
        ("social_facility", "food_bank", Social, "food_bank"),
        ("amenity", "library", Public, "library"),
        ("amenity", "doctors", Public, "gp"),
        ("amenity", "clinic", Public, "clinic"),
        ("healthcare", "doctor", Public, "gp"),
        ("healthcare", "clinic", Public, "clinic"),
        ("healthcare", "centre", Public, "clinic"),
        ("amenity", "dentist", Public, "dentist"),
        ("healthcare", "dentist", Public, "dentist"),
        ("amenity", "pharmacy", Public, "pharmacy"),
        ("healthcare", "pharmacy", Public, "pharmacy"),
        ("amenity", "school", Public, "school"),
        ("amenity", "college", Public, "school"),
        ("amenity", "kindergarten", Public, "childrens_centre"),
        ("amenity", "childcare", Public, "childrens_centre"),
        ("amenity", "social_facility", Public, "social_facility"),
        ("amenity", "post_office", Public, "post_office"),
        ("amenity", "townhall", Public, "council_service"),
        ("amenity", "police", Public, "police"),
        ("amenity", "community_centre", Physical, "community_centre"),
        ("amenity", "social_centre", Physical, "community_centre"),
        ("amenity", "youth_centre", Physical, "community_centre"),
        ("amenity", "arts_centre", Physical, "arts_centre"),
        ("amenity", "place_of_worship", Physical, "place_of_worship"),
        ("leisure", "park", Physical, "green_space"),
        ("leisure", "recreation_ground", Physical, "green_space"),
        ("leisure", "garden", Physical, "green_space"),
        ("leisure", "playground", Physical, "playground"),
        ("leisure", "sports_centre", Physical, "sports_facility"),
        ("leisure", "pitch", Physical, "sports_facility"),
        ("landuse", "allotments", Physical, "allotment"),
        ("emergency", "defibrillator", Physical, "defibrillator"),
        ("office", "charity", Social, "charity"),
        ("office", "ngo", Social, "charity"),
        ("office", "association", Social, "group"),
        ("shop", "charity", Social, "charity"),
        ("club", "*", Social, "club"),
    ];
    rows.iter()
        .map(|(k, v, c, cat)| TagRule {
            key: k.to_string(),
            value: v.to_string(),
            capital: *c,
            category: cat.to_string(),
        })
        .collect()
}

pub(super) fn classify<'a>(
    tags: &HashMap<String, String>,
    table: &'a [TagRule],
) -> Option<&'a TagRule> {
    table.iter().find(|r| {
        tags.get(&r.key)
            .is_some_and(|v| r.value == "*" || v == &r.value)
    })
}

/// Asset properties from OSM tags: name, address, opening hours, website,
/// phone, and wheelchair access as accessibility.
pub(super) fn properties(tags: &HashMap<String, String>, rule: &TagRule) -> Map<String, Value> {
    let mut p = Map::new();
    let get = |k: &str| tags.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            p.insert(k.to_string(), Value::String(v));
        }
    };
    // Parks and pitches are often unnamed in OSM: call them what they are
    // rather than lose them.
    put("name", get("name").or_else(|| Some(label(&rule.category))));
    put("capital", Some(rule.capital.as_str().to_string()));
    put("category", Some(rule.category.clone()));
    let street: Vec<String> = ["addr:housenumber", "addr:street"]
        .iter()
        .filter_map(|k| get(k))
        .collect();
    let address: Vec<String> = [
        Some(street.join(" ")).filter(|s| !s.is_empty()),
        get("addr:city"),
    ]
    .into_iter()
    .flatten()
    .collect();
    put("address", (!address.is_empty()).then(|| address.join(", ")));
    put("postcode", get("addr:postcode"));
    put("opening_hours", get("opening_hours"));
    put("website", get("website").or_else(|| get("contact:website")));
    put("phone", get("phone").or_else(|| get("contact:phone")));
    put("email", get("email").or_else(|| get("contact:email")));
    put("description", get("description"));
    put(
        "accessibility",
        get("wheelchair").map(|w| format!("wheelchair: {w}")),
    );
    p
}

/// `green_space` -> `Green space`.
pub(super) fn label(category: &str) -> String {
    let words = category.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_wins() {
        let table = default_tag_table();
        let tags: HashMap<String, String> = [
            ("amenity".to_string(), "library".to_string()),
            ("club".to_string(), "chess".to_string()),
        ]
        .into();
        assert_eq!(classify(&tags, &table).unwrap().category, "library");
    }
}

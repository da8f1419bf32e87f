//! GeoJSON in: a FeatureCollection (or one Feature) with any property names.

use super::{ImportError, Record};
use crate::domain::{parse_geometry, FieldError};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use uuid::Uuid;

pub fn read(text: &str, file: &str) -> Result<Vec<Record>, ImportError> {
    from_slice(text.trim_start_matches('\u{feff}').as_bytes()).map_err(|e| {
        if e.is_data() {
            ImportError::Unreadable(format!("{file}: {e}"))
        } else {
            ImportError::Unreadable(format!(
                "{file}: line {}, column {}: not valid JSON: {e}",
                e.line(),
                e.column()
            ))
        }
    })
}

/// Records from a GeoJSON document, one feature at a time: each feature's
/// tree is turned into a record and dropped before the next is read, so a
/// large file is never held as a whole `Value` (several times its size).
/// A wrong shape is a data error (`is_data`), bad JSON a syntax error.
pub fn from_slice(bytes: &[u8]) -> Result<Vec<Record>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let records = Document.deserialize(&mut de)?;
    de.end()?;
    Ok(records)
}

/// The top level: `features` is read record by record; the other members
/// (`type`, and a single Feature's own) are kept as they are.
struct Document;

impl<'de> DeserializeSeed<'de> for Document {
    type Value = Vec<Record>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Record>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document {
    type Value = Vec<Record>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection or Feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Record>, A::Error> {
        let mut features = None;
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                features = Some(map.next_value_seed(Features)?);
            } else {
                rest.insert(key, map.next_value()?);
            }
        }
        match rest.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => features
                .ok_or_else(|| de::Error::custom("a FeatureCollection needs a features array")),
            Some("Feature") => Ok(vec![record(0, Value::Object(rest))]),
            _ => Err(de::Error::custom(
                "expected a GeoJSON FeatureCollection or Feature",
            )),
        }
    }
}

struct Features;

impl<'de> DeserializeSeed<'de> for Features {
    type Value = Vec<Record>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Record>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Features {
    type Value = Vec<Record>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection needs a features array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Record>, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(feature) = seq.next_element::<Value>()? {
            records.push(record(records.len(), feature));
        }
        Ok(records)
    }
}

fn record(i: usize, feature: Value) -> Record {
    let Value::Object(mut feature) = feature else {
        return Record {
            place: format!("feature {}", i + 1),
            props: Map::new(),
            geometry: Err(FieldError::new("geometry", "the feature is not an object")),
            source: None,
            asset_id: None,
        };
    };
    let props = match feature.remove("properties") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => Err(FieldError::new("geometry", "the feature has no geometry")),
        Some(g) => parse_geometry(g),
    };
    Record {
        place: format!("feature {}", i + 1),
        props,
        geometry,
        source: None,
        asset_id: feature
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn broken_json_names_the_line() {
        let err = super::read(
            "{\n\"type\": \"FeatureCollection\",\n\"features\": [\n",
            "x.geojson",
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.geojson: line 4"), "{err}");
    }

    #[test]
    fn features_without_geometry_are_records_with_a_reason() {
        let r = super::read(
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {"name": "x"}}]}"#,
            "x",
        )
        .unwrap();
        assert_eq!(r[0].place, "feature 1");
        assert_eq!(r[0].geometry.as_ref().unwrap_err().field, "geometry");
    }
}

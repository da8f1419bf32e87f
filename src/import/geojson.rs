//! GeoJSON in: a FeatureCollection (or one Feature) with any property names.

use super::{ImportError, Record};
use crate::domain::{parse_geometry, FieldError};
use serde_json::{Map, Value};
use uuid::Uuid;

pub fn read(text: &str, file: &str) -> Result<Vec<Record>, ImportError> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        ImportError::Unreadable(format!(
            "{file}: line {}, column {}: not valid JSON: {e}",
            e.line(),
            e.column()
        ))
    })?;
    from_value(&value, file)
}

/// Records from GeoJSON already parsed (an HTTP body).
pub fn from_value(value: &Value, file: &str) -> Result<Vec<Record>, ImportError> {
    let features: &[Value] =
        match value.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") => value
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    ImportError::Unreadable(format!(
                        "{file}: a FeatureCollection needs a features array"
                    ))
                })?,
            Some("Feature") => std::slice::from_ref(value),
            _ => {
                return Err(ImportError::Unreadable(format!(
                    "{file}: expected a GeoJSON FeatureCollection or Feature"
                )))
            }
        };
    Ok(features
        .iter()
        .enumerate()
        .map(|(i, f)| record(i, f))
        .collect())
}

fn record(i: usize, feature: &Value) -> Record {
    let props = match feature.get("properties") {
        Some(Value::Object(m)) => m.clone(),
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

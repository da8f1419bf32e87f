//! GeoJSON in: a FeatureCollection (or one Feature) with any property names.

use super::{ImportError, Record};
use crate::domain::{parse_geometry, FieldError};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use uuid::Uuid;

pub fn read(text: &str, file: &str) -> Result<Vec<Record>, ImportError> {
    from_slice(text.trim_start_matches('\u{feff}').as_bytes()).map_err(|e| unreadable(file, e))
}

/// Records from a GeoJSON document, one feature at a time: each feature's
/// tree is turned into a record and dropped before the next is read, so a
/// large file is never held as a whole `Value` (several times its size).
/// A wrong shape is a data error (`is_data`), bad JSON a syntax error.
pub fn from_slice(bytes: &[u8]) -> Result<Vec<Record>, serde_json::Error> {
    let mut records = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Document(&mut |r| {
        records.push(r);
        true
    })
    .deserialize(&mut de)?;
    de.end()?;
    Ok(records)
}

/// Reads a GeoJSON file a feature at a time, handing each record to `sink`
/// as it is read: neither the file nor its records are ever held whole.
/// `sink` returns false to stop reading.
pub fn stream_file(
    path: &std::path::Path,
    sink: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ImportError> {
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    skip_bom(&mut reader).map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    Document(sink)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| unreadable(&name, e))
}

fn skip_bom(reader: &mut impl std::io::BufRead) -> std::io::Result<()> {
    if reader.fill_buf()?.starts_with("\u{feff}".as_bytes()) {
        reader.consume(3);
    }
    Ok(())
}

fn unreadable(file: &str, e: serde_json::Error) -> ImportError {
    if e.is_data() {
        ImportError::Unreadable(format!("{file}: {e}"))
    } else {
        ImportError::Unreadable(format!(
            "{file}: line {}, column {}: not valid JSON: {e}",
            e.line(),
            e.column()
        ))
    }
}

/// The top level: `features` is read record by record into the sink; the
/// other members (`type`, and a single Feature's own) are kept as they are.
struct Document<'s>(&'s mut dyn FnMut(Record) -> bool);

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON FeatureCollection or Feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut features = false;
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                map.next_value_seed(Features(&mut *self.0))?;
                features = true;
            } else {
                rest.insert(key, map.next_value()?);
            }
        }
        match rest.get("type").and_then(Value::as_str) {
            Some("FeatureCollection") if features => Ok(()),
            Some("FeatureCollection") => Err(de::Error::custom(
                "a FeatureCollection needs a features array",
            )),
            Some("Feature") => {
                (self.0)(record(0, Value::Object(rest)));
                Ok(())
            }
            _ => Err(de::Error::custom(
                "expected a GeoJSON FeatureCollection or Feature",
            )),
        }
    }
}

struct Features<'s>(&'s mut dyn FnMut(Record) -> bool);

impl<'de> DeserializeSeed<'de> for Features<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Features<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection needs a features array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(feature) = seq.next_element::<Value>()? {
            if !(self.0)(record(i, feature)) {
                return Err(de::Error::custom("the import stopped reading"));
            }
            i += 1;
        }
        Ok(())
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

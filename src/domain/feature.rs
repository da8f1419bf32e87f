//! Assets as GeoJSON: a Feature in (every problem named by its property),
//! the public Feature out.

use super::asset::{Asset, AssetDraft, Status, Visibility};
use super::postcode::normalise_postcode;
use super::{fields, parse_geometry, Capital, FieldError, Vocabulary};
use chrono::{DateTime, Utc};
use geo::Geometry;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 5_000;
const MAX_SHORT: usize = 500;
const MAX_TAGS: usize = 100;

/// Properties a read adds that are no field of the asset; a client may
/// send them back unchanged.
const READ_EXTRAS: &[&str] = &["distance_m", "point"];

impl AssetDraft {
    /// Parses a GeoJSON Feature (as JSON) into a draft. Every problem is
    /// reported against the property it concerns.
    pub fn from_feature(feature: &Value, vocab: &Vocabulary) -> Result<AssetDraft, FieldError> {
        let obj = feature
            .as_object()
            .ok_or_else(|| FieldError::new("body", "expected a GeoJSON Feature object"))?;
        if obj.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(FieldError::new("type", "expected \"Feature\""));
        }
        let geometry = parse_geometry(obj.get("geometry").unwrap_or(&Value::Null))?;
        let empty = Map::new();
        let props = match obj.get("properties") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(m)) => m,
            Some(_) => return Err(FieldError::new("properties", "expected an object")),
        };
        Self::from_properties(props, geometry, vocab)
    }

    pub fn from_properties(
        props: &Map<String, Value>,
        geometry: Geometry<f64>,
        vocab: &Vocabulary,
    ) -> Result<AssetDraft, FieldError> {
        let p = Props(props);
        for key in props.keys() {
            let known = fields::writable()
                .chain(fields::read_only())
                .chain(READ_EXTRAS.iter().copied())
                .any(|k| k == key);
            if !known {
                return Err(FieldError::new(key, "unknown property"));
            }
        }
        let name = p
            .text("name", MAX_NAME)?
            .ok_or_else(|| FieldError::new("name", "a name is required"))?;
        let capital: Capital = p
            .text("capital", 20)?
            .ok_or_else(|| FieldError::new("capital", "a capital is required"))?
            .parse()
            .map_err(|e| FieldError::new("capital", e))?;
        let category = p
            .text("category", 60)?
            .ok_or_else(|| FieldError::new("category", "a category is required"))?;
        vocab
            .check(capital, &category)
            .map_err(|e| FieldError::new("category", e))?;
        let status = match p.text("status", 20)? {
            None => Status::Published,
            Some(s) => match s.parse::<Status>() {
                Ok(Status::Archived) => {
                    return Err(FieldError::new("status", "archive an asset with DELETE"))
                }
                Ok(s) => s,
                Err(e) => return Err(FieldError::new("status", e)),
            },
        };
        let visibility = match p.text("visibility", 20)? {
            None => None,
            Some(v) => Some(v.parse().map_err(|e| FieldError::new("visibility", e))?),
        };
        let consent = match props.get("consent") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(FieldError::new("consent", "expected true or false")),
        };
        let mut draft = AssetDraft::new(name, capital, category, geometry, visibility, consent)?;
        let website = p.text("website", MAX_SHORT)?;
        if let Some(w) = &website {
            let lower = w.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                return Err(FieldError::new(
                    "website",
                    "must start with http:// or https://",
                ));
            }
        }
        let email = p.text("email", MAX_SHORT)?;
        if let Some(e) = &email {
            if !e.contains('@') || e.contains(char::is_whitespace) {
                return Err(FieldError::new("email", "is not an email address"));
            }
        }
        let verified_at = match p.text("verified_at", 64)? {
            None => None,
            Some(s) => Some(
                DateTime::parse_from_rfc3339(&s)
                    .map_err(|_| FieldError::new("verified_at", "expected an RFC 3339 timestamp"))?
                    .with_timezone(&Utc),
            ),
        };
        if let Some(at) = &verified_at {
            super::check_timestamp("verified_at", at)?;
        }
        draft.description = p.text("description", MAX_TEXT)?;
        draft.address = p.text("address", MAX_SHORT)?;
        draft.postcode = p.text("postcode", 16)?.map(|s| normalise_postcode(&s));
        draft.website = website;
        draft.email = email;
        draft.phone = p.text("phone", 40)?;
        draft.opening_hours = p.text("opening_hours", MAX_SHORT)?;
        draft.accessibility = p.text("accessibility", MAX_TEXT)?;
        draft.tags = p.tags()?;
        draft.source = p.text("source", MAX_SHORT)?;
        draft.status = status;
        draft.verified_at = verified_at;
        draft.verified_by = p.text("verified_by", MAX_SHORT)?;
        Ok(draft)
    }

    /// The writable properties as JSON: what a PATCH is merged into.
    pub fn properties(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("capital".into(), json!(self.capital()));
        m.insert("category".into(), json!(self.category));
        for (key, value) in [
            ("description", &self.description),
            ("address", &self.address),
            ("postcode", &self.postcode),
            ("website", &self.website),
            ("email", &self.email),
            ("phone", &self.phone),
            ("opening_hours", &self.opening_hours),
            ("accessibility", &self.accessibility),
            ("source", &self.source),
            ("verified_by", &self.verified_by),
        ] {
            m.insert(key.into(), json!(value));
        }
        m.insert("tags".into(), json!(self.tags));
        m.insert("status".into(), json!(self.status));
        m.insert("visibility".into(), json!(self.visibility()));
        m.insert("consent".into(), json!(self.consent()));
        m.insert(
            "verified_at".into(),
            json!(self.verified_at.map(|t| t.to_rfc3339())),
        );
        m
    }
}

impl Asset {
    /// The asset as the public may see it: a GeoJSON Feature whose geometry
    /// and address are generalised for area-only assets.
    pub fn to_public_feature(&self) -> Value {
        let d = &self.draft;
        let mut props = d.properties();
        props.remove("consent");
        props.insert("id".into(), json!(self.id));
        props.insert("version".into(), json!(self.version));
        props.insert("created_at".into(), json!(self.created_at.to_rfc3339()));
        props.insert("updated_at".into(), json!(self.updated_at.to_rfc3339()));
        props.insert(
            "may_be_out_of_date".into(),
            json!(self.may_be_out_of_date(chrono::Utc::now())),
        );
        // Where distances are measured to, and where a map can pin a park.
        let point = self.placement().for_visibility(d.visibility()).point;
        props.insert("point".into(), json!(point));
        let geometry = match d.visibility() {
            Visibility::Exact => geometry_json(&d.geometry),
            Visibility::AreaOnly => {
                super::privacy::public_person(&mut props);
                let p = self.placement().generalised().point;
                json!({"type": "Point", "coordinates": p})
            }
        };
        json!({
            "type": "Feature",
            "id": self.id,
            "geometry": geometry,
            "properties": props,
        })
    }
}

struct Props<'a>(&'a Map<String, Value>);

impl Props<'_> {
    /// A trimmed string no longer than `max` characters; empty means absent.
    fn text(&self, key: &str, max: usize) -> Result<Option<String>, FieldError> {
        let s = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(FieldError::new(key, "expected a string")),
        };
        if s.chars().count() > max {
            return Err(FieldError::new(
                key,
                format!("longer than {max} characters"),
            ));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(FieldError::new(key, "contains control characters"));
        }
        Ok((!s.is_empty()).then_some(s))
    }

    fn tags(&self) -> Result<BTreeMap<String, String>, FieldError> {
        let obj = match self.0.get("tags") {
            None | Some(Value::Null) => return Ok(BTreeMap::new()),
            Some(Value::Object(o)) => o,
            Some(_) => return Err(FieldError::new("tags", "expected an object of strings")),
        };
        if obj.len() > MAX_TAGS {
            return Err(FieldError::new(
                "tags",
                format!("more than {MAX_TAGS} tags"),
            ));
        }
        obj.iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(FieldError::new(format!("tags.{k}"), "expected a string")),
                };
                if k.len() > 100 || v.len() > MAX_SHORT {
                    return Err(FieldError::new(format!("tags.{k}"), "too long"));
                }
                super::check_tag(k, &v)?;
                Ok((k.clone(), v))
            })
            .collect()
    }
}

pub fn geometry_json(g: &Geometry<f64>) -> Value {
    serde_json::to_value(geojson::Geometry::from(g)).expect("geometries serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::default()
    }

    fn feature(props: Value) -> Value {
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.35, 53.39]}, "properties": props})
    }

    #[test]
    fn parses_a_minimal_feature_with_defaults() {
        let d = AssetDraft::from_feature(
            &feature(
                json!({"name": " Altrincham Library ", "capital": "public", "category": "library"}),
            ),
            &vocab(),
        )
        .unwrap();
        assert_eq!(d.name, "Altrincham Library");
        assert_eq!(d.status, Status::Published);
        assert_eq!(d.visibility(), Visibility::Exact);
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        let cases = [
            (json!({"capital": "public", "category": "library"}), "name"),
            (
                json!({"name": "x", "capital": "cultural", "category": "library"}),
                "capital",
            ),
            (
                json!({"name": "x", "capital": "social", "category": "library"}),
                "category",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "website": "javascript:alert(1)"}),
                "website",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "nmae": "typo"}),
                "nmae",
            ),
            (
                json!({"name": "x", "capital": "human", "category": "skill", "consent": true, "visibility": "exact"}),
                "visibility",
            ),
            (
                json!({"name": "x", "capital": "human", "category": "skill"}),
                "consent",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "tags": {"a": [1]}}),
                "tags.a",
            ),
        ];
        for (props, field) in cases {
            let err = AssetDraft::from_feature(&feature(props.clone()), &vocab()).unwrap_err();
            assert_eq!(err.field, field, "{props}");
        }
    }

    #[test]
    fn rejects_bad_geometry() {
        let bad = [
            json!(null),
            json!({"type": "Point", "coordinates": [-2.3, 95.0]}),
            json!({"type": "Point", "coordinates": [200.0, 53.0]}),
            json!({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
            json!({"type": "Point", "coordinates": "here"}),
        ];
        for g in bad {
            let f = json!({"type": "Feature", "geometry": g, "properties": {"name": "x", "capital": "public", "category": "library"}});
            let err = AssetDraft::from_feature(&f, &vocab()).unwrap_err();
            assert_eq!(err.field, "geometry", "{g}");
        }
    }
}

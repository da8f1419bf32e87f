//! How a source's own property names become asset fields.

use crate::domain::fields;
use crate::domain::{AssetDraft, FieldError, Vocabulary};
use geo::Geometry;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub use super::rules::Rule;

/// Where one asset field comes from. In a mapping file or `--map`:
/// `"Name"` takes that property; `"A+B+C"` joins the non-empty ones with
/// ", " (address lines); `"A|B"` takes the first non-empty one, and
/// `"A|=text"` that text where A is empty; `"=text"` is that text for every
/// row.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Property(String),
    Join(Vec<String>),
    FirstOf(Vec<String>),
    Literal(String),
}

impl Source {
    pub fn parse(spec: &str) -> Source {
        if let Some(text) = spec.strip_prefix('=') {
            Source::Literal(text.to_string())
        } else if spec.contains('+') {
            Source::Join(spec.split('+').map(|s| s.trim().to_string()).collect())
        } else if spec.contains('|') {
            Source::FirstOf(spec.split('|').map(|s| s.trim().to_string()).collect())
        } else {
            Source::Property(spec.trim().to_string())
        }
    }

    fn value(&self, props: &Map<String, Value>, nulls: &[String]) -> Option<String> {
        let get = |name: &str| text_of(props.get(name)?, nulls);
        match self {
            Source::Literal(t) => Some(t.clone()),
            Source::Property(p) => get(p),
            Source::FirstOf(ps) => ps.iter().find_map(|p| match p.strip_prefix('=') {
                Some(text) => Some(text.to_string()),
                None => get(p),
            }),
            Source::Join(ps) => {
                let parts: Vec<String> = ps.iter().filter_map(|p| get(p)).collect();
                (!parts.is_empty()).then(|| parts.join(", "))
            }
        }
    }
}

/// A property as text: numbers as written (an integral float without its
/// ".0"), and empty or null-marker values ("NA") as absent.
pub(super) fn text_of(v: &Value, nulls: &[String]) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty() && !nulls.iter().any(|n| n == &s)).then_some(s)
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MappingSpec {
    /// Asset field (or `tags.NAME`) to source spec.
    #[serde(default)]
    pub map: BTreeMap<String, String>,
    pub capital: Option<String>,
    pub category: Option<String>,
    /// A property whose value identifies a row across imports.
    pub id_field: Option<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Values that mean "no value" in this source, such as "NA".
    #[serde(default)]
    pub null_values: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Mapping {
    fields: Vec<(String, Source)>,
    tags: Vec<(String, Source)>,
    capital: Option<Source>,
    category: Option<Source>,
    pub id_field: Option<String>,
    rules: Vec<Rule>,
    nulls: Vec<String>,
}

impl Mapping {
    /// `capital` and `category` may name a value (`public`) or, as
    /// `field:NAME`, a property to read it from.
    pub fn new(spec: MappingSpec) -> Result<Mapping, String> {
        let mut fields = Vec::new();
        let mut tags = Vec::new();
        // A target is an asset field a mapping may fill, or `tags.NAME`.
        for (target, source) in &spec.map {
            let source = Source::parse(source);
            if let Some(tag) = target.strip_prefix("tags.") {
                tags.push((tag.to_string(), source));
            } else if fields::mapped().any(|f| f == target) {
                fields.push((target.clone(), source));
            } else {
                return Err(format!(
                    "cannot map onto '{target}': use one of {} or tags.NAME",
                    fields::mapped().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        let choice = |v: &Option<String>| {
            v.as_ref().map(|v| match v.strip_prefix("field:") {
                Some(p) => Source::Property(p.to_string()),
                None => Source::Literal(v.clone()),
            })
        };
        Ok(Mapping {
            fields,
            tags,
            capital: choice(&spec.capital),
            category: choice(&spec.category),
            id_field: spec.id_field,
            rules: spec.rules,
            nulls: spec.null_values,
        })
    }

    /// The name a row would be given.
    pub fn name_of(&self, props: &Map<String, Value>) -> Option<String> {
        match self.fields.iter().find(|(t, _)| t == "name") {
            Some((_, s)) => s.value(props, &self.nulls),
            None => text_of(props.get("name")?, &self.nulls),
        }
    }

    /// The source's id for a row, when the mapping names an id field.
    pub fn row_id(&self, props: &Map<String, Value>) -> Option<String> {
        let field = self.id_field.as_ref()?;
        text_of(props.get(field)?, &self.nulls)
    }

    /// Builds a draft. Fields the mapping does not name are taken from a
    /// property of the same name, so assetmap's own exports need no mapping.
    pub fn apply(
        &self,
        props: &Map<String, Value>,
        geometry: Geometry<f64>,
        source: &str,
        vocabulary: &Vocabulary,
    ) -> Result<AssetDraft, FieldError> {
        let mut out = Map::new();
        for target in fields::mapped() {
            let mapped = self.fields.iter().find(|(t, _)| t == target);
            let value = match mapped {
                Some((_, s)) => s.value(props, &self.nulls),
                None => text_of(props.get(target).unwrap_or(&Value::Null), &self.nulls),
            };
            if let Some(v) = value {
                out.insert(target.to_string(), Value::String(v));
            }
        }
        if let Some(c) = self
            .capital
            .as_ref()
            .and_then(|s| s.value(props, &self.nulls))
        {
            out.insert("capital".into(), Value::String(c));
        }
        if let Some(c) = self
            .category
            .as_ref()
            .and_then(|s| s.value(props, &self.nulls))
        {
            out.insert("category".into(), Value::String(c));
        }
        for rule in &self.rules {
            if rule.holds(props, &self.nulls) {
                out.insert("capital".into(), Value::String(rule.capital.clone()));
                out.insert("category".into(), Value::String(rule.category.clone()));
                break;
            }
        }
        tidy(&mut out);
        let mut tags: Map<String, Value> = match props.get("tags") {
            Some(Value::Object(t)) if self.tags.is_empty() => t.clone(),
            _ => Map::new(),
        };
        for (tag, s) in &self.tags {
            if let Some(v) = s.value(props, &self.nulls) {
                tags.insert(tag.clone(), Value::String(v));
            }
        }
        out.insert("tags".into(), Value::Object(tags));
        out.insert("source".into(), Value::String(source.to_string()));
        if props.get("consent") == Some(&Value::Bool(true)) {
            out.insert("consent".into(), Value::Bool(true));
        }
        AssetDraft::from_properties(&out, geometry, vocabulary)
    }
}

/// Everyday repairs of open data: UK phone numbers stored as numbers lose
/// their leading zero, and websites are often written without a scheme.
fn tidy(out: &mut Map<String, Value>) {
    if let Some(Value::String(phone)) = out.get_mut("phone") {
        if phone.len() == 10 && phone.chars().all(|c| c.is_ascii_digit()) && !phone.starts_with('0')
        {
            phone.insert(0, '0');
        }
    }
    if let Some(Value::String(site)) = out.get_mut("website") {
        let lower = site.to_ascii_lowercase();
        if !lower.starts_with("http://")
            && !lower.starts_with("https://")
            && site.contains('.')
            && !site.contains(' ')
        {
            site.insert_str(0, "http://");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_first_of_falls_back_to_its_text() {
        let source = Source::parse("DISTNAME|=Place of worship");
        let named = props(json!({"DISTNAME": "St Mary's"}));
        let unnamed = props(json!({"DISTNAME": " "}));
        assert_eq!(source.value(&named, &[]).as_deref(), Some("St Mary's"));
        assert_eq!(
            source.value(&unnamed, &[]).as_deref(),
            Some("Place of worship")
        );
    }

    #[test]
    fn maps_joins_and_falls_back() {
        let spec: MappingSpec = serde_json::from_value(json!({
            "map": {"name": "Location|Notes", "address": "Address1+Address2+Address3", "tags.scheme": "Notes"},
            "capital": "physical", "category": "defibrillator"
        }))
        .unwrap();
        let m = Mapping::new(spec).unwrap();
        let p = props(
            json!({"Location": "", "Notes": "Scheme A", "Address1": "Irlam Road", "Address2": null, "Address3": "Flixton"}),
        );
        let d = m
            .apply(
                &p,
                geo::Point::new(-2.3, 53.4).into(),
                "import:x:1",
                &Vocabulary::default(),
            )
            .unwrap();
        assert_eq!(d.name, "Scheme A");
        assert_eq!(d.address.as_deref(), Some("Irlam Road, Flixton"));
        assert_eq!(d.tags["scheme"], "Scheme A");
        assert_eq!(d.source.as_deref(), Some("import:x:1"));
    }

    #[test]
    fn repairs_phones_and_websites_and_reads_null_markers() {
        let spec: MappingSpec = serde_json::from_value(json!({
            "map": {"name": "n", "phone": "tel", "website": "web", "email": "mail"},
            "capital": "social", "category": "charity", "null_values": ["NA"]
        }))
        .unwrap();
        let m = Mapping::new(spec).unwrap();
        let p =
            props(json!({"n": "X", "tel": 1617486414.0, "web": "www.example.org", "mail": "NA"}));
        let d = m
            .apply(
                &p,
                geo::Point::new(0.0, 0.0).into(),
                "s",
                &Vocabulary::default(),
            )
            .unwrap();
        assert_eq!(d.phone.as_deref(), Some("01617486414"));
        assert_eq!(d.website.as_deref(), Some("http://www.example.org"));
        assert_eq!(d.email, None);
    }

    #[test]
    fn rules_choose_the_capital() {
        let spec: MappingSpec = serde_json::from_value(json!({
            "map": {"name": "n"}, "capital": "social", "category": "charity",
            "rules": [{"field": "what", "contains": "grant", "capital": "financial", "category": "grant_maker"}]
        }))
        .unwrap();
        let m = Mapping::new(spec).unwrap();
        let v = Vocabulary::default();
        let g: Geometry<f64> = geo::Point::new(0.0, 0.0).into();
        let giver = m
            .apply(
                &props(json!({"n": "A", "what": "Makes GRANTS to groups"})),
                g.clone(),
                "s",
                &v,
            )
            .unwrap();
        assert_eq!(giver.category, "grant_maker");
        let other = m
            .apply(
                &props(json!({"n": "B", "what": "Runs a choir"})),
                g,
                "s",
                &v,
            )
            .unwrap();
        assert_eq!(other.category, "charity");
    }

    #[test]
    fn rejects_unknown_targets() {
        let spec: MappingSpec = serde_json::from_value(json!({"map": {"title": "x"}})).unwrap();
        assert!(Mapping::new(spec).unwrap_err().contains("title"));
    }
}

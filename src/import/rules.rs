//! Rules that choose an asset's capital and category from what a row says.

use super::mapping::text_of;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A rule that sets capital and category when a property contains a word
/// (`contains`) or any of several phrases (`contains_any`), unless another
/// property says otherwise (`unless`): grant-making charities go under
/// financial capital, but not a church that mentions the grants it makes.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub field: String,
    #[serde(default)]
    pub contains: Option<String>,
    #[serde(default)]
    pub contains_any: Vec<String>,
    #[serde(default)]
    pub unless: Vec<Condition>,
    pub capital: String,
    pub category: String,
}

/// A property containing any of these phrases (case aside).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub contains_any: Vec<String>,
}

fn contains_any(text: Option<String>, phrases: &[String]) -> bool {
    text.is_some_and(|t| {
        let t = t.to_lowercase();
        phrases.iter().any(|p| t.contains(&p.to_lowercase()))
    })
}

impl Rule {
    pub(super) fn holds(&self, props: &Map<String, Value>, nulls: &[String]) -> bool {
        let text = |field: &str| props.get(field).and_then(|v| text_of(v, nulls));
        let phrases: Vec<String> = self
            .contains
            .iter()
            .chain(&self.contains_any)
            .cloned()
            .collect();
        contains_any(text(&self.field), &phrases)
            && !self
                .unless
                .iter()
                .any(|c| contains_any(text(&c.field), &c.contains_any))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn phrases_choose_and_exceptions_win() {
        let rule: Rule = serde_json::from_value(json!({
            "field": "what", "contains_any": ["makes grants", "grant making"],
            "unless": [{"field": "name", "contains_any": ["church"]}],
            "capital": "financial", "category": "grant_maker"
        }))
        .unwrap();
        let row = |name: &str, what: &str| {
            json!({"name": name, "what": what})
                .as_object()
                .unwrap()
                .clone()
        };
        assert!(rule.holds(&row("Birley Trust", "It MAKES GRANTS to groups"), &[]));
        assert!(!rule.holds(&row("St John's Church", "Worship; makes grants"), &[]));
        assert!(!rule.holds(&row("Taoist Centre", "Seeking grants to run classes"), &[]));
        assert!(!rule.holds(&row("Hazara", "Those granted refugee status"), &[]));
    }
}

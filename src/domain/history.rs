//! What changed between two versions of an asset, field by field, from the
//! change log's payloads (`{"geometry", "properties"}`).

use serde::Serialize;
use serde_json::{Map, Value};

/// One field a version changed: `tags.<key>` for a tag, `geometry` for
/// where the asset is. A value that was not set is `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

fn props(payload: Option<&Value>) -> Map<String, Value> {
    payload
        .and_then(|p| p.get("properties"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The fields that differ from `before` (the previous version's payload,
/// `None` for a creation) to `after`, in a stable order: properties by
/// name, then tags by key, then the geometry.
pub fn diff(before: Option<&Value>, after: &Value) -> Vec<FieldChange> {
    let (old, new) = (props(before), props(Some(after)));
    let mut changes = Vec::new();
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys.into_iter().filter(|k| *k != "tags") {
        push(&mut changes, key, old.get(key), new.get(key));
    }
    let no_tags = Map::new();
    let tags = |m: &Map<String, Value>| m.get("tags").and_then(Value::as_object).cloned();
    let (old_tags, new_tags) = (
        tags(&old).unwrap_or_else(|| no_tags.clone()),
        tags(&new).unwrap_or(no_tags),
    );
    let mut tag_keys: Vec<&String> = old_tags.keys().chain(new_tags.keys()).collect();
    tag_keys.sort();
    tag_keys.dedup();
    for key in tag_keys {
        push(
            &mut changes,
            &format!("tags.{key}"),
            old_tags.get(key),
            new_tags.get(key),
        );
    }
    push(
        &mut changes,
        "geometry",
        before.and_then(|b| b.get("geometry")),
        after.get("geometry"),
    );
    changes
}

fn push(
    changes: &mut Vec<FieldChange>,
    field: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) {
    let before = before.cloned().unwrap_or(Value::Null);
    let after = after.cloned().unwrap_or(Value::Null);
    if before != after {
        changes.push(FieldChange {
            field: field.to_string(),
            before,
            after,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn version(name: &str, phone: Option<&str>, tags: Value, lon: f64) -> Value {
        json!({
            "geometry": {"type": "Point", "coordinates": [lon, 53.4]},
            "properties": {"name": name, "phone": phone, "tags": tags},
        })
    }

    #[test]
    fn lists_only_what_changed() {
        let v1 = version("Hall", None, json!({"wheelchair": "yes"}), -2.3);
        let v2 = version("Village hall", Some("0161"), json!({"fee": "no"}), -2.3);
        let fields: Vec<(String, Value, Value)> = diff(Some(&v1), &v2)
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("name".into(), json!("Hall"), json!("Village hall")),
                ("phone".into(), Value::Null, json!("0161")),
                ("tags.fee".into(), Value::Null, json!("no")),
                ("tags.wheelchair".into(), json!("yes"), Value::Null),
            ]
        );
        assert!(diff(Some(&v2), &v2).is_empty());
        let moved = version("Village hall", Some("0161"), json!({"fee": "no"}), -2.31);
        assert_eq!(diff(Some(&v2), &moved)[0].field, "geometry");
    }

    #[test]
    fn a_creation_lists_what_was_set() {
        let v1 = version("Hall", None, json!({}), -2.3);
        let fields: Vec<String> = diff(None, &v1).into_iter().map(|c| c.field).collect();
        assert_eq!(fields, vec!["name", "geometry"]);
    }
}

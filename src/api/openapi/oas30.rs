//! OpenAPI 3.1 → 3.0.3, for clients that read only 3.0 (OGC API Features
//! Part 1's OAS30 class, GDAL). utoipa writes 3.1, whose schemas are JSON
//! Schema 2020-12; 3.0's are a restricted dialect. Converting the one
//! generated document, rather than writing a second by hand, keeps the two
//! from drifting apart.

use serde_json::{json, Map, Value};

/// The version written; openapi-spec-validator checks against it.
pub const VERSION: &str = "3.0.3";

/// JSON Schema keywords 3.0 does not have and that have no 3.0 form:
/// dropped, so the schema says a little less but nothing false.
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "propertyNames",
    "contentMediaType",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "prefixItems",
    "if",
    "then",
    "else",
];

/// The whole document in 3.0 form.
pub fn downgrade(doc: &Value) -> Value {
    let mut out = doc.clone();
    out["openapi"] = json!(VERSION);
    if let Some(root) = out.as_object_mut() {
        root.remove("webhooks");
        root.remove("jsonSchemaDialect");
        if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
            info.remove("summary");
            // 3.0's licence has a name and a URL, not an SPDX identifier.
            if let Some(licence) = info.get_mut("license").and_then(Value::as_object_mut) {
                licence.remove("identifier");
            }
        }
        if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
            components.remove("pathItems");
            if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
                schemas.values_mut().for_each(schema);
            }
        }
    }
    for key in ["paths", "components"] {
        if let Some(part) = out.get_mut(key) {
            outside_schemas(part);
        }
    }
    out
}

/// Finds the schemas of parameters, bodies and headers: every `schema`
/// member outside a schema. `components.schemas` is done already.
fn outside_schemas(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                match key.as_str() {
                    "schema" => schema(inner),
                    "schemas" => {}
                    _ => outside_schemas(inner),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(outside_schemas),
        _ => {}
    }
}

/// One schema in 3.0 form, and every schema inside it.
pub fn schema(s: &mut Value) {
    let Some(map) = s.as_object_mut() else { return };
    for key in DROPPED {
        map.remove(*key);
    }
    types(map);
    null_alternatives(map, "oneOf");
    null_alternatives(map, "anyOf");
    if let Some(value) = map.remove("const") {
        map.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples") {
        if !examples.is_empty() && !map.contains_key("example") {
            map.insert("example".into(), examples.swap_remove(0));
        }
    }
    if map.remove("contentEncoding").is_some_and(|e| e == "base64") {
        map.insert("format".into(), json!("byte"));
    }
    exclusive(map, "exclusiveMinimum", "minimum");
    exclusive(map, "exclusiveMaximum", "maximum");
    lone_ref(map);
    // 3.0: "items MUST be present if the type is array".
    if map.get("type") == Some(&json!("array")) && !map.contains_key("items") {
        map.insert("items".into(), json!({}));
    }
    inner_schemas(map);
}

fn inner_schemas(map: &mut Map<String, Value>) {
    for key in ["items", "not", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            schema(inner);
        }
    }
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        props.values_mut().for_each(schema);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = map.get_mut(key).and_then(Value::as_array_mut) {
            list.iter_mut().for_each(schema);
        }
    }
}

/// `type: [T, "null"]` is `type: T, nullable: true`; several types
/// become `anyOf` of each.
fn types(map: &mut Map<String, Value>) {
    let Some(kind) = map.get("type").cloned() else {
        return;
    };
    let mut kinds: Vec<Value> = match kind {
        Value::Array(kinds) => kinds,
        one => vec![one],
    };
    let before = kinds.len();
    kinds.retain(|k| k != "null");
    if kinds.len() < before {
        map.insert("nullable".into(), json!(true));
    }
    match kinds.len() {
        0 => {
            // Only null: 3.0 has no null type, but an enum of it says so.
            map.remove("type");
            map.insert("enum".into(), json!([null]));
        }
        1 => {
            map.insert("type".into(), kinds.remove(0));
        }
        _ => {
            map.remove("type");
            let each: Vec<Value> = kinds.into_iter().map(|k| json!({"type": k})).collect();
            map.insert("anyOf".into(), Value::Array(each));
        }
    }
}

/// utoipa writes an optional reference as `oneOf: [{$ref}, {type: null}]`:
/// in 3.0 that is the reference, nullable.
fn null_alternatives(map: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(list)) = map.get_mut(key) else {
        return;
    };
    let before = list.len();
    list.retain(|s| s.get("type") != Some(&json!("null")));
    if list.len() == before {
        return;
    }
    let left = list.len();
    map.insert("nullable".into(), json!(true));
    if left != 1 {
        return;
    }
    let Some(Value::Array(mut list)) = map.remove(key) else {
        return;
    };
    let only = list.remove(0);
    match only {
        // A reference ignores its siblings in 3.0, so it goes in an allOf.
        Value::Object(inner) if inner.contains_key("$ref") => {
            let mut inner = inner;
            if let Some(d) = inner.remove("description") {
                map.entry("description").or_insert(d);
            }
            map.insert("allOf".into(), json!([Value::Object(inner)]));
        }
        Value::Object(inner) => {
            for (k, v) in inner {
                map.entry(k).or_insert(v);
            }
        }
        other => {
            map.insert(key.into(), json!([other]));
        }
    }
}

/// 3.1's numeric `exclusiveMinimum: n` is 3.0's `minimum: n` with
/// `exclusiveMinimum: true`.
fn exclusive(map: &mut Map<String, Value>, key: &str, bound: &str) {
    if map.get(key).is_some_and(Value::is_number) {
        let n = map.remove(key).unwrap_or_default();
        map.insert(bound.into(), n);
        map.insert(key.into(), json!(true));
    }
}

/// A `$ref` with other members: 3.0 ignores the others, so the reference
/// moves into an `allOf` and the rest (a description, say) stays.
fn lone_ref(map: &mut Map<String, Value>) {
    if map.len() > 1 {
        if let Some(target) = map.remove("$ref") {
            map.insert("allOf".into(), json!([{"$ref": target}]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(mut s: Value) -> Value {
        schema(&mut s);
        s
    }

    #[test]
    fn nulls_become_nullable() {
        assert_eq!(
            converted(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            converted(json!({"oneOf": [{"$ref": "#/x", "description": "d"}, {"type": "null"}]})),
            json!({"allOf": [{"$ref": "#/x"}], "nullable": true, "description": "d"})
        );
        assert_eq!(
            converted(json!({"type": ["array", "null"]})),
            json!({"type": "array", "nullable": true, "items": {}})
        );
    }

    #[test]
    fn json_schema_keywords_take_their_3_0_forms() {
        let s = converted(json!({
            "type": "object",
            "propertyNames": {"type": "string"},
            "properties": {
                "kind": {"const": "Feature", "examples": ["Feature"]},
                "n": {"type": "number", "exclusiveMinimum": 0},
                "both": {"type": ["string", "integer"]},
                "r": {"$ref": "#/y", "description": "why"},
            },
        }));
        assert_eq!(
            s,
            json!({
                "type": "object",
                "properties": {
                    "kind": {"enum": ["Feature"], "example": "Feature"},
                    "n": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
                    "both": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "r": {"allOf": [{"$ref": "#/y"}], "description": "why"},
                },
            })
        );
    }

    #[test]
    fn the_document_is_3_0_and_its_parameters_too() {
        let doc = downgrade(&json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {"/a": {"get": {"parameters": [
                {"name": "x", "in": "query", "schema": {"type": ["integer", "null"]}}
            ], "responses": {}}}},
        }));
        assert_eq!(doc["openapi"], VERSION);
        assert_eq!(doc["info"]["license"], json!({"name": "MIT"}));
        let param = &doc["paths"]["/a"]["get"]["parameters"][0]["schema"];
        assert_eq!(param, &json!({"type": "integer", "nullable": true}));
    }
}

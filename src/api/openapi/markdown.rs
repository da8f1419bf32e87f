//! docs/api.md: the OpenAPI document as a page to read, grouped by tag.
//! Written by `assetmap openapi --markdown`; a test keeps the file equal to
//! what this makes from the document.

use serde_json::Value;
use std::fmt::Write;

const METHODS: [&str; 5] = ["get", "post", "patch", "put", "delete"];

/// The page for `doc` (the document as JSON).
pub fn render(doc: &Value) -> String {
    let mut out = String::new();
    let info = &doc["info"];
    let _ = writeln!(out, "# The assetmap HTTP API\n");
    let _ = writeln!(
        out,
        "<!-- Made from the OpenAPI document by `assetmap openapi --markdown > docs/api.md`; \
         do not edit by hand. -->\n"
    );
    let _ = writeln!(out, "{}\n", text(&info["description"]));
    let _ = writeln!(
        out,
        "The machine-readable form is `GET /api/openapi.json` (OpenAPI {}).\n",
        text(&doc["openapi"])
    );
    let _ = writeln!(out, "## Signing requests\n");
    if let Some(schemes) = doc["components"]["securitySchemes"].as_object() {
        for (name, s) in schemes {
            let how = match text(&s["type"]) {
                "http" => "`Authorization: Bearer <token>`".to_string(),
                _ => format!("{} `{}`", text(&s["in"]), text(&s["name"])),
            };
            let _ = writeln!(out, "- **{name}**: {how}. {}", text(&s["description"]));
        }
    }
    out.push('\n');
    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = text(&tag["name"]);
        let _ = writeln!(out, "## {}\n\n{}\n", title(name), text(&tag["description"]));
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for method in METHODS {
                let op = &item[method];
                if op.is_object() && op["tags"].as_array().is_some_and(|t| t[0] == name) {
                    operation(&mut out, method, path, op);
                }
            }
        }
    }
    out
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = writeln!(out, "### `{} {path}`\n", method.to_uppercase());
    for part in [&op["summary"], &op["description"]] {
        if !text(part).is_empty() {
            let _ = writeln!(out, "{}\n", text(part));
        }
    }
    if let Some(security) = op["security"].as_array() {
        let ways: Vec<String> = security
            .iter()
            .map(|s| match s.as_object() {
                Some(m) if !m.is_empty() => m.keys().cloned().collect::<Vec<_>>().join(" + "),
                _ => "anonymous".to_string(),
            })
            .collect();
        let _ = writeln!(out, "Signed with: {}.\n", ways.join(", or "));
    }
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    if !params.is_empty() {
        let _ = writeln!(out, "| parameter | in | required | description |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for p in &params {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                text(&p["name"]),
                text(&p["in"]),
                if p["required"] == true { "yes" } else { "no" },
                one_line(text(&p["description"]))
            );
        }
        out.push('\n');
    }
    if let Some(body) = op["requestBody"].as_object() {
        let types: Vec<&String> = body
            .get("content")
            .and_then(Value::as_object)
            .map(|c| c.keys().collect())
            .unwrap_or_default();
        let described = body.get("description").map(text).unwrap_or_default();
        let _ = writeln!(
            out,
            "Body: {} {}\n",
            types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", "),
            one_line(described)
        );
    }
    for (status, r) in op["responses"].as_object().into_iter().flatten() {
        let types: Vec<String> = r["content"]
            .as_object()
            .map(|c| c.keys().map(|t| format!("`{t}`")).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- **{status}** {} {}",
            types.join(", "),
            one_line(text(&r["description"]))
        );
    }
    out.push('\n');
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn title(tag: &str) -> String {
    let mut c = tag.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

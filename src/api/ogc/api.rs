//! `/ogc/api`: the OpenAPI 3.0 definition of the `/ogc` routes that Part 1's
//! OAS30 class asks for (`service-desc`), and its HTML view (`service-doc`).
//! It is cut from the whole API's generated 3.1 document and converted, so
//! it says what that says; only the collection ids are filled in per
//! request, as the enum of `{collectionId}` (the standard allows either
//! that or a path per collection).

use super::super::error::ApiError;
use super::super::extract::Params;
use super::super::openapi;
use super::super::AppState;
use super::html::{escape, page, prose};
use super::request::{Format, Ogc};
use super::{collections, text};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::OnceLock;

/// The media type Part 1 names for an OpenAPI 3.0 definition in JSON.
pub const MEDIA_TYPE: &str = "application/vnd.oai.openapi+json;version=3.0";

const PREFIX: &str = "/ogc";

/// The definition of `/ogc`, as JSON (by default) or as a page.
#[utoipa::path(get, path = "/ogc/api", tag = "ogc", operation_id = "getApiDefinition",
    params(("f" = Option<String>, Query, description = "`json` or `html`; else by Accept")),
    responses((status = 200, description = "The OpenAPI 3.0 definition of /ogc, or its page",
        content((serde_json::Value = "application/vnd.oai.openapi+json;version=3.0"), (String = "text/html"))),
        super::super::openapi::schemas::Errors))]
pub async fn definition(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let ogc = Ogc::new(&params, &headers)?;
    let ids: Vec<String> = collections::all(&state).into_iter().map(|c| c.id).collect();
    let doc = for_request(&ogc.base, &ids);
    Ok(match ogc.format {
        Format::Json => {
            let body = serde_json::to_vec(&doc).map_err(|_| ApiError::Internal)?;
            ([(header::CONTENT_TYPE, MEDIA_TYPE)], body).into_response()
        }
        Format::Html => Html(page("API definition", &render(&doc))).into_response(),
    })
}

/// The definition served at `base`, with these collections.
pub fn for_request(base: &str, collection_ids: &[String]) -> Value {
    let mut doc = document().clone();
    doc["servers"] = json!([{"url": format!("{base}{PREFIX}"), "description": "This server"}]);
    for item in doc["paths"].as_object_mut().into_iter().flatten() {
        for op in item.1.as_object_mut().into_iter().flatten() {
            // get_mut, not indexing: indexing would add `parameters: null`.
            let params = op.1.get_mut("parameters").and_then(Value::as_array_mut);
            for param in params.into_iter().flatten() {
                if param["name"] == "collectionId" && param["in"] == "path" {
                    param["schema"]["enum"] = json!(collection_ids);
                }
            }
        }
    }
    doc
}

/// The request-independent part, made once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| openapi::oas30::downgrade(&only_ogc(&openapi::as_value())))
}

/// The `/ogc` paths of the whole document, relative to the landing page
/// (the server URL ends in `/ogc`, as Part 1's paths assume), with only
/// the components, tags and security schemes they use.
fn only_ogc(whole: &Value) -> Value {
    let mut paths = Map::new();
    for (path, item) in whole["paths"].as_object().into_iter().flatten() {
        // `/ogc` itself cannot be written under a server ending in `/ogc`;
        // `/ogc/` (the same landing page) stands for it as `/`.
        if let Some(rest) = path.strip_prefix(PREFIX).filter(|r| r.starts_with('/')) {
            paths.insert(rest.to_string(), item.clone());
        }
    }
    let paths = Value::Object(paths);
    let mut doc = json!({
        "openapi": whole["openapi"],
        "info": whole["info"].clone(),
        "paths": paths,
    });
    doc["info"]["title"] = json!("assetmap: OGC API - Features");
    doc["info"]["description"] = json!(
        "OGC API - Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), of the community \
         asset map: every published asset, the assets of each capital, the areas of each \
         level and the gap analysis of each level and capital. People (human capital) are \
         shown only at their area. Errors are `{\"error\": {\"code\", \"message\", \"field\"}}`."
    );
    let tags: BTreeSet<&str> = referenced(&doc["paths"], "tags");
    doc["tags"] = Value::Array(
        whole["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| tags.contains(text(&t["name"])))
            .cloned()
            .collect(),
    );
    doc["components"] = components(whole, &doc["paths"]);
    doc
}

/// The schemas `paths` refer to, with the ones those refer to, and the
/// security schemes its operations name.
fn components(whole: &Value, paths: &Value) -> Value {
    let all = &whole["components"]["schemas"];
    let mut wanted: BTreeSet<String> = refs(paths);
    loop {
        let more: BTreeSet<String> = wanted.iter().flat_map(|n| refs(&all[n])).collect();
        if more.is_subset(&wanted) {
            break;
        }
        wanted.extend(more);
    }
    let schemas: Map<String, Value> = wanted.iter().map(|n| (n.clone(), all[n].clone())).collect();
    let mut out = json!({"schemas": schemas});
    let schemes: Map<String, Value> = referenced(paths, "security")
        .into_iter()
        .map(|n| {
            (
                n.to_string(),
                whole["components"]["securitySchemes"][n].clone(),
            )
        })
        .collect();
    if !schemes.is_empty() {
        out["securitySchemes"] = Value::Object(schemes);
    }
    out
}

/// The names of the component schemas `v` refers to.
fn refs(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(v, &mut |key, value| {
        if key == "$ref" {
            if let Some(name) = text(value).strip_prefix("#/components/schemas/") {
                out.insert(name.to_string());
            }
        }
    });
    out
}

/// The tag names (`key` = "tags") or security scheme names ("security")
/// the operations in `paths` use.
fn referenced<'a>(paths: &'a Value, key: &str) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for item in paths.as_object().into_iter().flatten().map(|p| p.1) {
        for op in item.as_object().into_iter().flatten().map(|o| o.1) {
            for entry in op[key].as_array().into_iter().flatten() {
                match entry {
                    Value::String(tag) => {
                        out.insert(tag.as_str());
                    }
                    Value::Object(requirement) => {
                        out.extend(requirement.keys().map(String::as_str))
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn walk(v: &Value, f: &mut impl FnMut(&str, &Value)) {
    match v {
        Value::Object(map) => {
            for (k, inner) in map {
                f(k, inner);
                walk(inner, f);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, f)),
        _ => {}
    }
}

/// The page: each operation with its parameters and answers.
fn render(doc: &Value) -> String {
    let server = text(&doc["servers"][0]["url"]);
    let mut out = format!(
        "<p>{}</p><p>OpenAPI {} · server {} · <a href=\"?f=json\">as JSON</a></p>",
        prose(text(&doc["info"]["description"])),
        escape(text(&doc["openapi"])),
        escape(server)
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            operation(&mut out, method, path, op);
        }
    }
    out
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        out,
        "<h2>{} {}</h2><p>{}</p>",
        escape(&method.to_uppercase()),
        escape(path),
        prose(text(&op["summary"]))
    );
    let params = op["parameters"].as_array().into_iter().flatten();
    let mut rows = String::new();
    for p in params {
        let allowed = p["schema"]["enum"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|v| text(v).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(text(&p["name"])),
            escape(text(&p["in"])),
            prose(text(&p["description"])),
            escape(&allowed)
        );
    }
    if !rows.is_empty() {
        let _ = write!(
            out,
            "<div class=\"scroll\"><table class=\"wrap\"><tr><th>Parameter</th><th>In</th>\
             <th>Meaning</th><th>Values</th></tr>{rows}</table></div>"
        );
    }
    out.push_str("<ul>");
    for (status, r) in op["responses"].as_object().into_iter().flatten() {
        let media: Vec<&str> = r["content"]
            .as_object()
            .map(|c| c.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let _ = write!(
            out,
            "<li>{}: {} ({})</li>",
            escape(status),
            prose(text(&r["description"])),
            escape(&media.join(", "))
        );
    }
    out.push_str("</ul>");
}

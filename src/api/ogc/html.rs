//! Plain server-rendered pages of the OGC resources, for an officer
//! clicking through in a browser (as pygeoapi and pg_featureserv offer).
//! Every value from the data is escaped: a name may hold `<script>`. No
//! inline script or style: the security policy allows neither.

use super::text;
use serde_json::Value;
use std::fmt::Write;

/// The pages' look, served from this server (the policy allows no inline
/// style): readable type, and wide tables that scroll on a phone.
pub const STYLE: &str = "body{font:16px/1.4 system-ui,sans-serif;margin:1rem}\
.scroll{overflow-x:auto}table{border-collapse:collapse}\
th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\
td,li{overflow-wrap:anywhere}.scroll td{white-space:nowrap}.scroll .wrap td{white-space:normal}\
.wrap td:nth-child(-n+2){overflow-wrap:normal}\
nav{margin-bottom:1rem}\n";

/// Text made safe for HTML content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A description as the API's documents write it, `code` in backticks,
/// made safe for HTML with the code marked up.
pub fn prose(s: &str) -> String {
    let escaped = escape(s);
    if escaped.matches('`').count() % 2 == 1 {
        return escaped;
    }
    escaped
        .split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => format!("<code>{part}</code>"),
            _ => part.to_string(),
        })
        .collect()
}

pub fn page(title: &str, body: &str) -> String {
    let title = escape(title);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · assetmap OGC API</title>\
         <link rel=\"stylesheet\" href=\"/ogc/style.css\"></head><body>\
         <nav><a href=\"/ogc?f=html\">assetmap OGC API</a> · \
         <a href=\"/ogc/collections?f=html\">Collections</a></nav>\
         <h1>{title}</h1>\n{body}\n</body></html>\n"
    )
}

/// A link as `<a>`, its address escaped as an attribute.
fn anchor(href: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape(href), escape(label))
}

/// The document's links, each with its relation and media type.
fn links(doc: &Value) -> String {
    let mut out = String::from("<h2>Links</h2><ul>");
    for l in doc["links"].as_array().into_iter().flatten() {
        let _ = write!(
            out,
            "<li>{} ({}, {})</li>",
            anchor(text(&l["href"]), text(&l["title"])),
            escape(text(&l["rel"])),
            escape(text(&l["type"]))
        );
    }
    out.push_str("</ul>");
    out
}

/// The first link of a relation with an HTML type, else of any type.
fn link_of<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    let all: Vec<&Value> = doc["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"] == rel)
        .collect();
    all.iter()
        .find(|l| l["type"] == "text/html")
        .or(all.first())
        .map(|l| text(&l["href"]))
}

pub fn landing(doc: &Value) -> String {
    format!("<p>{}</p>{}", escape(text(&doc["description"])), links(doc))
}

pub fn conformance(doc: &Value) -> String {
    let mut out = String::from("<ul>");
    for c in doc["conformsTo"].as_array().into_iter().flatten() {
        let _ = write!(out, "<li>{}</li>", escape(text(c)));
    }
    out + "</ul>" + &links(doc)
}

pub fn collections(doc: &Value) -> String {
    let mut out = String::from(
        "<div class=\"scroll\"><table><thead><tr><th>Collection</th><th>Description</th></tr></thead><tbody>",
    );
    for c in doc["collections"].as_array().into_iter().flatten() {
        let href = link_of(c, "self").unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            anchor(href, text(&c["title"])),
            escape(text(&c["description"]))
        );
    }
    out + "</tbody></table></div>" + &links(doc)
}

pub fn collection(doc: &Value) -> String {
    let items = link_of(doc, "items").unwrap_or_default();
    format!(
        "<p>{}</p><p>{}</p>{}",
        escape(text(&doc["description"])),
        anchor(items, "Browse the items"),
        links(doc)
    )
}

/// A cell: strings as they are, numbers and the rest as JSON.
fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => escape(s),
        Value::Null => String::new(),
        other => escape(&other.to_string()),
    }
}

/// The properties shown in the items table, the ones a person scans by.
const COLUMNS: &[&str] = &[
    "name",
    "code",
    "capital",
    "category",
    "level",
    "population",
    "count",
    "per_1000",
    "rank",
    "updated_at",
];

pub fn items(doc: &Value) -> String {
    let features: Vec<&Value> = doc["features"].as_array().into_iter().flatten().collect();
    let columns: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| features.iter().any(|f| !f["properties"][*c].is_null()))
        .collect();
    let self_href = link_of(doc, "self").unwrap_or_default();
    let base = self_href.split('?').next().unwrap_or_default();
    let mut out = format!(
        "<p>{} of {} matched.</p><div class=\"scroll\"><table><thead><tr><th>id</th>",
        doc["numberReturned"], doc["numberMatched"]
    );
    for c in &columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for f in features {
        let id = match &f["id"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let href = format!("{base}/{}?f=html", super::request::encode(&id));
        let _ = write!(out, "<tr><td>{}</td>", anchor(&href, &id));
        for c in &columns {
            let _ = write!(out, "<td>{}</td>", cell(&f["properties"][*c]));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div><p>");
    for (rel, label) in [("prev", "Previous page"), ("next", "Next page")] {
        if let Some(href) = link_of(doc, rel) {
            let _ = write!(out, "{} ", anchor(href, label));
        }
    }
    out + "</p>" + &links(doc)
}

pub fn item(doc: &Value) -> String {
    let mut out = String::from("<table><tbody>");
    for (k, v) in doc["properties"].as_object().into_iter().flatten() {
        let _ = write!(out, "<tr><th>{}</th><td>{}</td></tr>", escape(k), cell(v));
    }
    let _ = write!(
        out,
        "<tr><th>geometry</th><td>{}</td></tr></tbody></table>",
        escape(text(&doc["geometry"]["type"]))
    );
    out + &links(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_cannot_become_markup() {
        let doc = json!({"features": [{"id": "x\"><script>", "properties": {"name": "<script>alert(1)</script>"}}],
                         "numberReturned": 1, "numberMatched": 1, "links": []});
        let html = page("<b>", &items(&doc));
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
    }

    #[test]
    fn prose_marks_code_and_keeps_markup_out() {
        assert_eq!(
            prose("`json` or `html`; <b>"),
            "<code>json</code> or <code>html</code>; &lt;b&gt;"
        );
        assert_eq!(prose("a ` alone"), "a ` alone");
    }
}

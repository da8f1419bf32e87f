//! The assets' public views as an HSDS directory: one service per asset,
//! provided by an organisation, at one location.

use super::{address, derived, schedule, service_id, taxonomy_id, Directory};
use crate::domain::{Capital, Status, Visibility, Vocabulary};
use crate::readmodel::{Field, PublicAsset};
use chrono::SecondsFormat;
use serde_json::{json, Map, Value};
use uuid::Uuid;

/// Tags that name the organisation running an asset, in order of trust.
pub const ORGANISATION_TAGS: &[&str] = &["operator", "provider"];
/// Tags that name who a fund or grant comes from.
pub const FUNDER_TAGS: &[&str] = &["funder", "operator", "provider"];
/// Financial assets that are organisations themselves, not funds.
const FINANCIAL_ORGANISATIONS: &[&str] = &["grant_maker", "credit_union"];

/// Who provides an asset's service: a named organisation (shared by every
/// asset that names it), or the asset itself.
enum Provider<'a> {
    Named(&'a str),
    Itself,
}

/// Whether an asset belongs in a directory, and who provides it. People
/// never do; a fund does only when the data names its funder.
fn provider(v: &PublicAsset) -> Option<Provider<'_>> {
    if v.capital == Capital::Human
        || v.visibility != Visibility::Exact
        || v.status != Status::Published
    {
        return None;
    }
    let tag = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.tags().find(|(t, _)| t == k).map(|(_, val)| val.trim()))
            .filter(|s| !s.is_empty())
    };
    if v.capital == Capital::Financial && !FINANCIAL_ORGANISATIONS.contains(&v.category) {
        return tag(FUNDER_TAGS).map(Provider::Named);
    }
    Some(match tag(ORGANISATION_TAGS) {
        Some(name) => Provider::Named(name),
        None => Provider::Itself,
    })
}

/// The id of the organisation with this name, whichever asset names it.
pub fn organisation_id(name: &str) -> Uuid {
    let key: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    derived("organization:name", &key.join(" "))
}

/// The directory of every asset given that belongs in one.
pub fn directory_of<'a>(
    views: impl Iterator<Item = &'a PublicAsset>,
    vocabulary: &Vocabulary,
) -> Directory {
    let mut dir = Directory::default();
    let mut any = false;
    for v in views {
        if let Some(p) = provider(v) {
            add(&mut dir, v, p, vocabulary);
            any = true;
        }
    }
    if any {
        dir.push(
            "taxonomy",
            obj(json!({
                "id": taxonomy_id(),
                "name": "assetmap",
                "description": "assetmap's five capitals and their categories: each term's code is capital/category.",
                "version": "1",
            })),
        );
    }
    dir.finish();
    dir
}

fn obj(v: Value) -> Map<String, Value> {
    let Value::Object(mut m) = v else {
        unreachable!("built from an object literal")
    };
    m.retain(|_, v| !v.is_null());
    m
}

fn add(dir: &mut Directory, v: &PublicAsset, provider: Provider<'_>, vocabulary: &Vocabulary) {
    let text = |f: Field| v.text(f).map(str::to_string);
    let sid = service_id(v.id, v.text(Field::Source));
    let s = sid.to_string();
    let name = text(Field::Name).unwrap_or_default();
    let org = match provider {
        Provider::Named(n) => {
            let id = organisation_id(n);
            dir.push(
                "organization",
                obj(json!({"id": id, "name": n, "description": n})),
            );
            id
        }
        Provider::Itself => {
            let id = derived("organization", &s);
            dir.push(
                "organization",
                obj(json!({
                    "id": id,
                    "name": name,
                    "description": text(Field::Description).unwrap_or_else(|| name.clone()),
                    "email": text(Field::Email),
                    "website": text(Field::Website),
                })),
            );
            id
        }
    };
    dir.push(
        "service",
        obj(json!({
            "id": sid,
            "organization_id": org,
            "name": name,
            "description": text(Field::Description),
            "url": text(Field::Website),
            "email": text(Field::Email),
            "status": "active",
            "assured_date": v.verified_at.map(|t| t.format("%Y-%m-%d").to_string()),
            "last_modified": v.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        })),
    );
    let term = derived(
        "taxonomy_term",
        &format!("{}/{}", v.capital.as_str(), v.category),
    );
    let label = vocabulary
        .categories(v.capital)
        .iter()
        .find(|c| c.code == v.category)
        .map(|c| c.label.clone())
        .unwrap_or_else(|| v.category.to_string());
    dir.push(
        "taxonomy_term",
        obj(json!({
            "id": term,
            "code": format!("{}/{}", v.capital.as_str(), v.category),
            "name": label,
            "description": format!("{label} ({} capital)", v.capital.as_str()),
            "taxonomy": "assetmap",
            "taxonomy_id": taxonomy_id(),
        })),
    );
    dir.push(
        "attribute",
        obj(json!({
            "id": derived("attribute", &s),
            "link_id": sid,
            "link_entity": "service",
            "taxonomy_term_id": term,
        })),
    );
    let location = derived("location", &s);
    dir.push(
        "location",
        obj(json!({
            "id": location,
            "location_type": "physical",
            "name": name,
            "latitude": v.point[1],
            "longitude": v.point[0],
        })),
    );
    dir.push(
        "service_at_location",
        obj(json!({
            "id": derived("service_at_location", &s),
            "service_id": sid,
            "location_id": location,
        })),
    );
    let (addr, postcode) = (v.text(Field::Address), v.text(Field::Postcode));
    if addr.is_some() || postcode.is_some() {
        let lines = address::split(addr, postcode);
        dir.push(
            "address",
            obj(json!({
                "id": derived("address", &s),
                "location_id": location,
                "address_1": lines.address_1,
                "address_2": lines.address_2,
                "city": lines.city,
                "state_province": "",
                "postal_code": postcode.unwrap_or(""),
                "country": "GB",
                "address_type": "physical",
            })),
        );
    }
    if let Some(a) = text(Field::Accessibility) {
        dir.push(
            "accessibility",
            obj(json!({"id": derived("accessibility", &s), "location_id": location, "description": a})),
        );
    }
    if let Some(number) = text(Field::Phone) {
        dir.push(
            "phone",
            obj(json!({"id": derived("phone", &s), "service_id": sid, "number": number})),
        );
    }
    if let Some(email) = text(Field::Email) {
        dir.push(
            "contact",
            obj(json!({"id": derived("contact", &s), "service_id": sid, "email": email})),
        );
    }
    if let Some(hours) = v.text(Field::OpeningHours) {
        match schedule::parse(hours) {
            Some(rows) => {
                for (i, r) in rows.into_iter().enumerate() {
                    dir.push(
                        "schedule",
                        obj(json!({
                            "id": derived("schedule", &format!("{s}:{i}")),
                            "service_id": sid,
                            "freq": "WEEKLY",
                            "byday": r.byday,
                            "opens_at": r.opens_at,
                            "closes_at": r.closes_at,
                        })),
                    );
                }
            }
            None => dir.push(
                "schedule",
                obj(json!({
                    "id": derived("schedule", &format!("{s}:0")),
                    "service_id": sid,
                    "description": hours,
                })),
            ),
        }
    }
}

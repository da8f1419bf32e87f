//! A directory's records in the shapes of the HSDS API reference: the flat
//! list items (`compiled/*_list.json`) and the nested single objects
//! (`service.json`, `organization.json`, `service_at_location.json`).

use super::Directory;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

fn with(mut base: Obj, key: &str, value: Value) -> Obj {
    base.insert(key.into(), value);
    base
}

fn many<'a>(rows: impl Iterator<Item = &'a Obj>, each: impl Fn(&Obj) -> Obj) -> Value {
    Value::Array(rows.map(|r| Value::Object(each(r))).collect())
}

/// An item of `/services`: the service's own fields and its organisation's.
pub fn service_item(dir: &Directory, service: &Obj) -> Obj {
    let org = service
        .get("organization_id")
        .and_then(Value::as_str)
        .and_then(|id| dir.find("organization", id));
    match org {
        Some(o) => with(service.clone(), "organization", Value::Object(o.clone())),
        None => service.clone(),
    }
}

/// A location with its addresses, accessibility, phones and schedules.
pub fn location_full(dir: &Directory, location: &Obj) -> Obj {
    let id = super::id_of(location);
    let mut l = location.clone();
    for (key, table) in [
        ("addresses", "address"),
        ("accessibility", "accessibility"),
        ("phones", "phone"),
        ("schedules", "schedule"),
    ] {
        l.insert(
            key.into(),
            many(dir.linked(table, "location_id", id), Obj::clone),
        );
    }
    l
}

fn attribute_full(dir: &Directory, attribute: &Obj) -> Obj {
    let term = attribute
        .get("taxonomy_term_id")
        .and_then(Value::as_str)
        .and_then(|id| dir.find("taxonomy_term", id));
    match term {
        Some(t) => with(attribute.clone(), "taxonomy_term", Value::Object(t.clone())),
        None => attribute.clone(),
    }
}

/// `/services/{id}`: the service with everything about it.
pub fn service_full(dir: &Directory, service: &Obj) -> Obj {
    let id = super::id_of(service);
    let mut s = service_item(dir, service);
    s.insert(
        "phones".into(),
        many(dir.linked("phone", "service_id", id), Obj::clone),
    );
    s.insert(
        "schedules".into(),
        many(dir.linked("schedule", "service_id", id), Obj::clone),
    );
    s.insert(
        "contacts".into(),
        many(dir.linked("contact", "service_id", id), Obj::clone),
    );
    s.insert(
        "attributes".into(),
        many(dir.linked("attribute", "link_id", id), |a| {
            attribute_full(dir, a)
        }),
    );
    s.insert(
        "service_at_locations".into(),
        many(dir.linked("service_at_location", "service_id", id), |sal| {
            sal_with_location(dir, sal)
        }),
    );
    s
}

fn sal_with_location(dir: &Directory, sal: &Obj) -> Obj {
    let location = sal
        .get("location_id")
        .and_then(Value::as_str)
        .and_then(|id| dir.find("location", id));
    match location {
        Some(l) => with(
            sal.clone(),
            "location",
            Value::Object(location_full(dir, l)),
        ),
        None => sal.clone(),
    }
}

/// `/organizations/{id}`: the organisation with its services (their own
/// fields, as the API reference's default answer has).
pub fn organization_full(dir: &Directory, org: &Obj) -> Obj {
    let id = super::id_of(org);
    with(
        org.clone(),
        "services",
        many(dir.linked("service", "organization_id", id), Obj::clone),
    )
}

/// An item of `/service_at_locations`: the link with its service's and its
/// location's own fields.
pub fn sal_item(dir: &Directory, sal: &Obj) -> Obj {
    let mut out = sal.clone();
    for (key, table) in [("service", "service"), ("location", "location")] {
        let found = sal
            .get(&format!("{table}_id"))
            .and_then(Value::as_str)
            .and_then(|id| dir.find(table, id));
        if let Some(row) = found {
            out.insert(key.into(), Value::Object(row.clone()));
        }
    }
    out
}

/// `/service_at_locations/{id}`: the link with its full location and its
/// service (with the service's organisation).
pub fn sal_full(dir: &Directory, sal: &Obj) -> Obj {
    let mut out = sal_with_location(dir, sal);
    let service = sal
        .get("service_id")
        .and_then(Value::as_str)
        .and_then(|id| dir.find("service", id));
    if let Some(s) = service {
        out.insert("service".into(), Value::Object(service_item(dir, s)));
    }
    out
}

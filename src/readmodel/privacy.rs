//! What the public may see of an area-only asset (a person offering skills
//! or time), applied once when its public view is built.
//!
//! This must say exactly what `Asset::to_public_feature` says of the same
//! asset: the read model's tests compare the two for people with every
//! field set. It takes the properties as a JSON map so that the domain's
//! own rule, written for that shape, can be called here instead.

use serde_json::{Map, Value};

/// Clears the address and shortens the postcode to its district.
pub fn public_person(props: &mut Map<String, Value>) {
    props.insert("address".into(), Value::Null);
    let district = props
        .get("postcode")
        .and_then(Value::as_str)
        .map(|p| p.split_whitespace().next().unwrap_or_default().to_string());
    props.insert("postcode".into(), district.into());
}

//! What the public may see of an area-only asset (a person offering skills
//! or time), applied once when its public view is built.
//!
//! This must say exactly what `Asset::to_public_feature` says of the same
//! asset: the read model's tests compare the two for people with every
//! field set. So it is the domain's own rule, called on the same shape.

use serde_json::{Map, Value};

/// Blanks contact details, address and provenance, shortens the postcode
/// to its district and keeps only allow-listed tags.
pub fn public_person(props: &mut Map<String, Value>) {
    crate::domain::public_person(props);
}

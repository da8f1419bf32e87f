//! What the public may see of a person. Human-capital assets are people
//! offering skills or time: they are shown only by area (`area_only`), and
//! their public record keeps only what helps someone find the offer, never
//! a way to find the person. The rule lives here, in one function, and
//! every route that publishes an asset (by id, the list queries, both
//! exports) goes through `Asset::to_public_feature`, which applies it.

use super::postcode::postcode_district;
use super::{geometry_json, Asset};
use serde_json::{json, Map, Value};

/// Properties of an area-only asset that the public sees as they are.
/// Anything else is blanked: contact details, address, provenance.
const PUBLIC_FIELDS: &[&str] = &[
    "id",
    "name",
    "capital",
    "category",
    "description",
    "opening_hours",
    "accessibility",
    "status",
    "visibility",
    "verified_at",
    "version",
    "created_at",
    "updated_at",
    "may_be_out_of_date",
    "point",
];

/// Tags that describe an offer without pointing at a person. Tags are free
/// form (`addr:street`, `contact:phone`, `email`, ...), so people's tags are
/// an allow-list, not a block-list.
const PUBLIC_TAGS: &[&str] = &[
    "skill",
    "skills",
    "subject",
    "topic",
    "interest",
    "language",
    "languages",
    "level",
    "audience",
    "age_group",
    "availability",
    "fee",
    "wheelchair",
];

/// Blanks everything but the allow-listed properties of an area-only
/// asset's public record, shortens its postcode to the district and keeps
/// only allow-listed tags. The keys stay (as null) so the record has the
/// same shape as any other.
pub fn public_person(props: &mut Map<String, Value>) {
    for (key, value) in props.iter_mut() {
        match key.as_str() {
            k if PUBLIC_FIELDS.contains(&k) => {}
            "postcode" => {
                *value = json!(value.as_str().map(postcode_district));
            }
            "tags" => {
                if let Value::Object(tags) = value {
                    tags.retain(|k, _| PUBLIC_TAGS.contains(&k.to_ascii_lowercase().as_str()));
                }
            }
            _ => *value = Value::Null,
        }
    }
}

impl Asset {
    /// The whole record, exact place and contact details included: for a
    /// moderator (today, the holder of the admin token) reading by id, who
    /// needs to see what they are checking or correcting.
    pub fn to_moderator_feature(&self) -> Value {
        let d = &self.draft;
        let mut props = d.properties();
        props.insert("id".into(), json!(self.id));
        props.insert("version".into(), json!(self.version));
        props.insert("created_at".into(), json!(self.created_at.to_rfc3339()));
        props.insert("created_by".into(), json!(self.created_by));
        props.insert("updated_at".into(), json!(self.updated_at.to_rfc3339()));
        props.insert("updated_by".into(), json!(self.updated_by));
        props.insert("point".into(), json!(self.placement().point));
        // The moderator is the one who acts on it.
        props.insert(
            "may_be_out_of_date".into(),
            json!(self.may_be_out_of_date(chrono::Utc::now())),
        );
        json!({
            "type": "Feature",
            "id": self.id,
            "geometry": geometry_json(&d.geometry),
            "properties": props,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_keeps_only_what_describes_the_offer() {
        let mut props = json!({
            "name": "Bike repair", "capital": "human", "category": "skill",
            "description": "I fix bikes", "address": "1 High St", "postcode": "M33 7XX",
            "phone": "0161 000 0000", "email": "a@b.c", "website": "https://me.example",
            "source": "import:people:a@b.c", "verified_by": "someone",
            "tags": {"skill": "bikes", "addr:street": "High St", "contact:phone": "0161",
                     "phone": "0161", "email": "a@b.c", "Language": "cy"},
        })
        .as_object()
        .unwrap()
        .clone();
        public_person(&mut props);
        assert_eq!(props["name"], "Bike repair");
        assert_eq!(props["description"], "I fix bikes");
        assert_eq!(props["postcode"], "M33");
        for gone in [
            "address",
            "phone",
            "email",
            "website",
            "source",
            "verified_by",
        ] {
            assert_eq!(props[gone], Value::Null, "{gone}");
        }
        assert_eq!(props["tags"], json!({"skill": "bikes", "Language": "cy"}));
    }
}

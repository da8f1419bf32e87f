//! Shapes of the JSON the handlers write with `json!` or straight into a
//! byte buffer (the read model), for the document only. Nothing serialises
//! through these types, so schemathesis (in the test command) is what holds
//! them to the answers: it checks every answer against its schema.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::openapi::{RefOr, Response, ResponseBuilder};
use utoipa::ToSchema;

/// Every error: `{"error": {"code", "message", "field"?}}` (src/api/error.rs).
#[derive(ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `invalid_parameter`, `invalid_body`, `not_found`,
    /// `version_conflict`, `unauthorized`, `rate_limited`, ...
    pub code: String,
    /// For a person to read.
    pub message: String,
    /// The parameter, header or body field at fault, where there is one.
    pub field: Option<String>,
    /// With `version_conflict`: the version the asset is at now.
    pub current_version: Option<i64>,
}

/// The 4XX and 5XX answers of every operation: all in the error shape.
pub struct Errors;

impl utoipa::IntoResponses for Errors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    utoipa::openapi::ContentBuilder::new()
                        .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
                .into()
        };
        BTreeMap::from([
            (
                "4XX".to_string(),
                error("The request is wrong: the error names the field at fault"),
            ),
            (
                "5XX".to_string(),
                error("The server or its store could not answer; try again (Retry-After)"),
            ),
        ])
    }
}

/// A GeoJSON geometry (RFC 7946), longitude first, WGS 84.
#[derive(ToSchema)]
pub struct Geometry {
    /// `Point`, `LineString`, `Polygon`, `MultiPolygon`, ...
    #[schema(rename = "type")]
    pub kind: String,
    pub coordinates: Option<Value>,
}

/// An asset as the public sees it. A person (human capital) is shown only
/// at their area, without contact or address fields.
#[derive(ToSchema)]
pub struct AssetProperties {
    #[schema(format = Uuid)]
    pub id: String,
    pub version: i64,
    pub name: String,
    pub capital: crate::domain::Capital,
    pub category: String,
    pub description: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub accessibility: Option<String>,
    pub source: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    /// `published`, `proposed` or `archived`.
    pub status: String,
    /// `exact`, or `area_only` for people.
    pub visibility: String,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Not verified for a long time.
    pub may_be_out_of_date: bool,
    /// Where distances are measured to: `[lon, lat]`.
    pub point: [f64; 2],
    /// Metres from the query's centre, where it had one.
    pub distance_m: Option<f64>,
}

/// One asset as a GeoJSON Feature.
#[derive(ToSchema)]
pub struct Feature {
    /// Always `Feature`.
    #[schema(rename = "type")]
    pub kind: String,
    #[schema(format = Uuid)]
    pub id: String,
    pub geometry: Geometry,
    pub properties: AssetProperties,
}

/// A page of assets.
#[derive(ToSchema)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[schema(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
    /// How many match the query in all (before `limit` and `offset`).
    #[schema(rename = "numberMatched")]
    pub number_matched: usize,
    #[schema(rename = "numberReturned")]
    pub number_returned: usize,
}

/// An asset to create, or the fields to change (a PATCH merges
/// `properties` into the asset's). Validation errors name the field.
#[derive(ToSchema)]
pub struct AssetInput {
    /// `Feature`.
    #[schema(rename = "type")]
    pub kind: Option<String>,
    pub geometry: Option<Geometry>,
    /// `name`, `capital` and `category` are required to create.
    pub properties: BTreeMap<String, Value>,
}

/// A change waiting for a moderator.
#[derive(ToSchema)]
pub struct Queued {
    /// `id`, `kind`, `status`, `payload`, who proposed it and when.
    pub proposal: BTreeMap<String, Value>,
    /// For a person's offer only, shown this once: withdraws it later.
    pub withdrawal_code: Option<String>,
}

/// A suggestion: `{"kind": "create", "feature"}` for a new asset, or
/// `{"kind": "edit", "asset_id", "patch"}` for a change.
#[derive(ToSchema)]
pub struct Suggestion {
    /// `create` or `edit`.
    pub kind: String,
    pub feature: Option<AssetInput>,
    #[schema(format = Uuid)]
    pub asset_id: Option<String>,
    pub patch: Option<BTreeMap<String, Value>>,
}

/// A report of a problem with an asset.
#[derive(ToSchema)]
pub struct ReportBody {
    /// `closed`, `moved`, `wrong_details`, `not_community_asset` or `other`.
    pub reason: String,
    /// At most 2,000 characters.
    pub details: Option<String>,
}

/// A request to be introduced to a person offering a skill.
#[derive(ToSchema)]
pub struct Introduction {
    pub message: String,
    /// How the moderators may reach the asker.
    pub contact: String,
    pub name: Option<String>,
}

/// A moderator's edits on approving: `feature` for a new asset, `patch`
/// and `base_version` for an edit, and a `reason` the proposer sees.
#[derive(ToSchema)]
pub struct Approval {
    pub feature: Option<AssetInput>,
    pub patch: Option<BTreeMap<String, Value>>,
    pub base_version: Option<i64>,
    pub reason: Option<String>,
}

#[derive(ToSchema)]
pub struct Approved {
    pub proposal: BTreeMap<String, Value>,
    /// The asset as written, for creates and edits.
    pub asset: Option<Feature>,
}

/// Why, for the proposer.
#[derive(ToSchema)]
pub struct Reason {
    pub reason: String,
}

#[derive(ToSchema)]
pub struct Proposals {
    pub count: usize,
    pub proposals: Vec<BTreeMap<String, Value>>,
}

/// Every asset that matched, in one file.
#[derive(ToSchema)]
pub struct ExportCollection {
    /// Always `FeatureCollection`.
    #[schema(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
}

//! Shapes of the OGC documents, for the OpenAPI documents only: the
//! handlers write them with `json!`, so schemathesis (against the 3.1
//! document) is what holds the answers to these.

#![allow(dead_code)]

use super::super::openapi::schemas::Geometry;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A link, absolute, with its relation and media type.
#[derive(ToSchema)]
pub struct Link {
    pub href: String,
    pub rel: String,
    #[schema(rename = "type")]
    pub kind: String,
    pub title: String,
}

/// The landing page.
#[derive(ToSchema)]
pub struct LandingPage {
    pub title: String,
    pub description: String,
    pub links: Vec<Link>,
}

/// The conformance classes this server implements.
#[derive(ToSchema)]
pub struct ConfClasses {
    #[schema(rename = "conformsTo")]
    pub conforms_to: Vec<String>,
    pub links: Vec<Link>,
}

#[derive(ToSchema)]
pub struct Collections {
    pub links: Vec<Link>,
    pub collections: Vec<CollectionInfo>,
}

/// One collection: what it holds, its links and, where known, its extent.
#[derive(ToSchema)]
pub struct CollectionInfo {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Always `feature`.
    #[schema(rename = "itemType")]
    pub item_type: String,
    pub crs: Vec<String>,
    pub links: Vec<Link>,
    pub extent: Option<Extent>,
}

#[derive(ToSchema)]
pub struct Extent {
    pub spatial: SpatialExtent,
}

#[derive(ToSchema)]
pub struct SpatialExtent {
    /// One box: west, south, east, north.
    pub bbox: Vec<Vec<f64>>,
    pub crs: String,
}

/// A page of a collection's features.
#[derive(ToSchema)]
pub struct OgcFeatureCollection {
    /// Always `FeatureCollection`.
    #[schema(rename = "type")]
    pub kind: String,
    pub features: Vec<OgcFeature>,
    #[schema(rename = "numberMatched")]
    pub number_matched: usize,
    #[schema(rename = "numberReturned")]
    pub number_returned: usize,
    #[schema(rename = "timeStamp", format = DateTime)]
    pub time_stamp: String,
    /// `self`, `alternate`, `collection`, and `next`/`prev` where there are more.
    pub links: Vec<Link>,
}

/// A feature of any collection: an asset (as `/api/assets` shows it to
/// the public), an area, or an area's row of the gap analysis.
#[derive(ToSchema)]
pub struct OgcFeature {
    /// Always `Feature`.
    #[schema(rename = "type")]
    pub kind: String,
    pub id: String,
    pub geometry: Geometry,
    pub properties: BTreeMap<String, Value>,
    /// On a single feature: `self`, `alternate` and `collection`.
    pub links: Option<Vec<Link>>,
}

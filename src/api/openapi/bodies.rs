//! Shapes of the answers the handlers write with `json!` outside the asset
//! routes: HSDS, history, accounts and sessions, and TileJSON. For the
//! document only, like `schemas`: schemathesis holds the answers to them.

#![allow(dead_code)]

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An asset's versions, newest first.
#[derive(ToSchema)]
pub struct History {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    /// The version the asset is at now.
    pub version: i64,
    /// Whether `changed_by` names people (moderators) or `by_role` says
    /// only their role (everyone else).
    pub names_shown: bool,
    pub versions: Vec<HistoryVersion>,
}

#[derive(ToSchema)]
pub struct HistoryVersion {
    pub version: i64,
    /// `create`, `update`, `archive`, ...
    pub op: String,
    #[schema(format = DateTime)]
    pub changed_at: String,
    /// Whether the content was kept, so that the changes are known.
    pub recorded: bool,
    /// Whether `POST /api/assets/{id}/revert` can go back to it.
    pub revertible: bool,
    pub changes: Vec<Change>,
    /// Who, in words.
    pub by: String,
    /// To moderators: the account or import that made it.
    pub changed_by: Option<String>,
    /// To everyone else: `administrator`, `moderator`, `contributor`,
    /// `former_account`, `withdrawn` or `import`.
    pub by_role: Option<String>,
}

/// One field's change; `before` is null where it was not set.
#[derive(ToSchema)]
pub struct Change {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// An account, never with its password.
#[derive(ToSchema)]
pub struct User {
    #[schema(format = Uuid)]
    pub id: String,
    pub email: String,
    /// `contributor`, `moderator` or `admin`.
    pub role: String,
    /// The area codes a moderator is limited to.
    pub areas: Vec<String>,
    pub disabled: bool,
    pub has_password: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(ToSchema)]
pub struct Users {
    pub users: Vec<User>,
}

/// A new account and its invite, shown this once.
#[derive(ToSchema)]
pub struct NewUser {
    pub user: User,
    /// `/#invite=...`
    pub invite_path: String,
    #[schema(format = DateTime)]
    pub invite_expires_at: String,
}

/// What the role matrix does with one action of this caller.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Allow,
    Queue,
    Deny,
}

/// Who is calling.
#[derive(ToSchema)]
pub struct Session {
    pub signed_in: bool,
    pub email: Option<String>,
    /// `public`, `contributor`, `moderator` or `admin`.
    pub role: String,
    pub areas: Vec<String>,
    /// To send as `X-CSRF-Token` with every change, when signed in by cookie.
    pub csrf_token: Option<String>,
    /// Each action of the role matrix (`GET /api/roles`) and what happens to it.
    pub can: BTreeMap<String, Decision>,
}

/// TileJSON 3.0.0 of the asset layer.
#[derive(ToSchema)]
pub struct TileJson {
    /// `3.0.0`.
    pub tilejson: String,
    pub name: String,
    /// The tile address, with the query's filters.
    pub tiles: Vec<String>,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// West, south, east, north.
    pub bounds: Vec<f64>,
    pub vector_layers: Vec<VectorLayer>,
}

#[derive(ToSchema)]
pub struct VectorLayer {
    pub id: String,
    pub description: String,
    pub minzoom: u8,
    pub maxzoom: u8,
    /// Each attribute and its type (`String`, `Number`).
    pub fields: BTreeMap<String, String>,
}

/// `GET /hsds`: the HSDS version and where its definition is.
#[derive(ToSchema)]
pub struct HsdsAbout {
    pub version: String,
    pub profile: String,
    pub openapi_url: String,
}

/// A page, as the HSDS API reference pages lists.
#[derive(ToSchema)]
pub struct HsdsPage<T> {
    pub total_items: usize,
    pub total_pages: usize,
    pub page_number: usize,
    pub size: usize,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

/// An HSDS service: its core fields; `full=true` adds the nested records.
#[derive(ToSchema)]
pub struct HsdsService {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    /// `active`, `inactive`, `defunct` or `temporarily closed`.
    pub status: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub organization_id: Option<String>,
    pub last_modified: Option<String>,
    pub organization: Option<HsdsOrganization>,
}

#[derive(ToSchema)]
pub struct HsdsOrganization {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(ToSchema)]
pub struct HsdsServiceAtLocation {
    #[schema(format = Uuid)]
    pub id: String,
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    pub service: Option<HsdsService>,
    pub location: Option<HsdsLocation>,
}

#[derive(ToSchema)]
pub struct HsdsLocation {
    #[schema(format = Uuid)]
    pub id: String,
    /// `physical`, `postal` or `virtual`.
    pub location_type: String,
    pub name: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

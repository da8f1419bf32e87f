//! Query parameters shared by several operations. The handlers read them
//! by name from `Params` (so that errors name the parameter); these
//! structs only describe them.

#![allow(dead_code)]

use utoipa::IntoParams;

/// Where: at most one of `bbox`, `lon`+`lat`(+`radius_m`) or `within`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Place {
    /// `west,south,east,north` in degrees (WGS 84).
    #[param(example = "-2.40,53.40,-2.25,53.48")]
    pub bbox: Option<String>,
    /// Longitude of a centre, with `lat` and `radius_m`.
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    /// Metres around `lon`/`lat`, more than 0 and at most 100,000.
    pub radius_m: Option<f64>,
    /// An area code (`GET /api/areas`): assets inside that area.
    pub within: Option<String>,
}

/// What: filters and paging every asset query shares.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// Comma-separated capitals: social, human, public, physical, financial.
    #[param(example = "social,public")]
    pub capital: Option<String>,
    /// Comma-separated categories (`GET /api/categories`).
    pub category: Option<String>,
    /// Words to find in names, descriptions and tags (at most 200 characters).
    pub q: Option<String>,
    /// 1 to 10,000; 100 by default.
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<u32>,
    #[param(minimum = 0)]
    pub offset: Option<u32>,
}

/// A gap analysis: which capital, measured how.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Gaps {
    /// The area level (`GET /api/areas` lists them), e.g. `ward`.
    pub level: String,
    /// Comma-separated capitals; all by default.
    pub capital: Option<String>,
    /// Comma-separated categories.
    pub category: Option<String>,
    /// How far residents may reasonably travel, in metres (at most 50,000).
    pub distance_m: Option<f64>,
    /// `count`, `per_1000` (default), `coverage` or `nearest_m`.
    pub rank_by: Option<String>,
    /// The share of residents within `distance_m` below which an area is a gap (0 to 1).
    #[param(minimum = 0, maximum = 1)]
    pub min_coverage: Option<f64>,
}

/// The HSDS API's list parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsList {
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// 50 by default, at most 1,000.
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<u32>,
    /// Words in the name, the description or the category.
    pub search: Option<String>,
    pub organization_id: Option<String>,
    pub taxonomy_term_id: Option<String>,
    /// A day or an RFC 3339 time.
    pub modified_after: Option<String>,
    /// The nested records in the list.
    pub full: Option<bool>,
    /// Only `json`.
    pub format: Option<String>,
}

/// Nearness, which the HSDS API reference offers on
/// `/service_at_locations` only.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HsdsNear {
    /// Services at locations near this postcode, nearest first.
    pub postcode: Option<String>,
    /// Metres from `postcode`.
    pub proximity: Option<f64>,
}

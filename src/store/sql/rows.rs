//! Rows as the backends read them, and their conversion to domain types.

use crate::domain::{Asset, AssetDraft, Capital, Placement, Status, Visibility};
use crate::index::IndexRecord;
use crate::store::{LoggedChange, StoreError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct AssetRow {
    asset_id: String,
    name: String,
    capital: String,
    category: String,
    description: Option<String>,
    geom: String,
    address: Option<String>,
    postcode: Option<String>,
    website: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    opening_hours: Option<String>,
    accessibility: Option<String>,
    tags: String,
    source: Option<String>,
    status: String,
    visibility: String,
    consent_at: Option<DateTime<Utc>>,
    verified_at: Option<DateTime<Utc>>,
    verified_by: Option<String>,
    created_at: DateTime<Utc>,
    created_by: String,
    updated_at: DateTime<Utc>,
    updated_by: String,
    version: i64,
}

fn corrupt(what: &str, id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what} of asset {id}: {e}"))
}

impl TryFrom<AssetRow> for Asset {
    type Error = StoreError;

    fn try_from(r: AssetRow) -> Result<Asset, StoreError> {
        let id = &r.asset_id;
        let geometry: serde_json::Value =
            serde_json::from_str(&r.geom).map_err(|e| corrupt("geometry", id, e))?;
        let geometry =
            crate::domain::parse_geometry(&geometry).map_err(|e| corrupt("geometry", id, e))?;
        // Through the checked constructor like any other draft: a row that
        // breaks the rule for people is reported, never served.
        let status: crate::domain::Status =
            r.status.parse().map_err(|e| corrupt("status", id, e))?;
        let make = match status {
            crate::domain::Status::Archived => AssetDraft::archived,
            _ => AssetDraft::new,
        };
        let mut draft = make(
            r.name,
            r.capital.parse().map_err(|e| corrupt("capital", id, e))?,
            r.category,
            geometry,
            Some(
                r.visibility
                    .parse()
                    .map_err(|e| corrupt("visibility", id, e))?,
            ),
            r.consent_at.is_some(),
        )
        .map_err(|e| corrupt(&e.field, id, e.message))?;
        draft.description = r.description;
        draft.address = r.address;
        draft.postcode = r.postcode;
        draft.website = r.website;
        draft.email = r.email;
        draft.phone = r.phone;
        draft.opening_hours = r.opening_hours;
        draft.accessibility = r.accessibility;
        draft.tags = serde_json::from_str(&r.tags).map_err(|e| corrupt("tags", id, e))?;
        draft.source = r.source;
        draft.status = status;
        draft.verified_at = r.verified_at;
        draft.verified_by = r.verified_by;
        Ok(Asset {
            id: Uuid::parse_str(id).map_err(|e| corrupt("id", id, e))?,
            draft,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct IndexRow {
    asset_id: String,
    version: i64,
    capital: String,
    category: String,
    status: String,
    visibility: String,
    point_lon: f64,
    point_lat: f64,
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
    #[sqlx(flatten)]
    public: crate::index::PublicRow,
}

impl TryFrom<IndexRow> for IndexRecord {
    type Error = StoreError;

    fn try_from(r: IndexRow) -> Result<IndexRecord, StoreError> {
        let id = &r.asset_id;
        let mut record = IndexRecord {
            id: Uuid::parse_str(id).map_err(|e| corrupt("id", id, e))?,
            version: r.version,
            capital: r
                .capital
                .parse::<Capital>()
                .map_err(|e| corrupt("capital", id, e))?,
            category: r.category,
            status: r
                .status
                .parse::<Status>()
                .map_err(|e| corrupt("status", id, e))?,
            visibility: r
                .visibility
                .parse::<Visibility>()
                .map_err(|e| corrupt("visibility", id, e))?,
            placement: Placement {
                point: [r.point_lon, r.point_lat],
                min: [r.min_lon, r.min_lat],
                max: [r.max_lon, r.max_lat],
            },
            view: None,
        };
        let view = r
            .public
            .into_view(&record)
            .map_err(|e| corrupt("public view", id, e))?;
        record.view = Some(view);
        Ok(record)
    }
}

#[derive(sqlx::FromRow)]
pub struct ChangeRow {
    seq: i64,
    #[sqlx(flatten)]
    record: IndexRow,
}

impl TryFrom<ChangeRow> for LoggedChange {
    type Error = StoreError;

    fn try_from(r: ChangeRow) -> Result<LoggedChange, StoreError> {
        Ok(LoggedChange {
            seq: r.seq,
            record: r.record.try_into()?,
        })
    }
}

pub fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = StoreError>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// Puts assets fetched by id back into the order the ids were asked in.
pub fn in_order(ids: &[Uuid], assets: Vec<Asset>) -> Vec<Asset> {
    let mut by_id: std::collections::HashMap<Uuid, Asset> =
        assets.into_iter().map(|a| (a.id, a)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

pub fn parse_ids(rows: Vec<(String,)>) -> Result<Vec<Uuid>, StoreError> {
    rows.into_iter()
        .map(|(id,)| Uuid::parse_str(&id).map_err(|e| corrupt("id", &id, e)))
        .collect()
}

#[derive(sqlx::FromRow)]
pub struct AreaRow {
    area_code: String,
    name: String,
    level: String,
    geom: String,
    population: Option<f64>,
}

impl TryFrom<AreaRow> for crate::domain::Area {
    type Error = StoreError;

    fn try_from(r: AreaRow) -> Result<Self, StoreError> {
        let value: serde_json::Value =
            serde_json::from_str(&r.geom).map_err(|e| corrupt("boundary", &r.area_code, e))?;
        let geometry: geojson::Geometry =
            serde_json::from_value(value).map_err(|e| corrupt("boundary", &r.area_code, e))?;
        Ok(crate::domain::Area {
            geometry: geometry
                .try_into()
                .map_err(|e| corrupt("boundary", &r.area_code, e))?,
            code: r.area_code,
            name: r.name,
            level: r.level,
            population: r.population,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PostcodeRow {
    postcode: String,
    lon: f64,
    lat: f64,
    lsoa_code: Option<String>,
}

impl TryFrom<PostcodeRow> for crate::domain::Postcode {
    type Error = StoreError;

    fn try_from(r: PostcodeRow) -> Result<Self, StoreError> {
        Ok(crate::domain::Postcode {
            postcode: r.postcode,
            lon: r.lon,
            lat: r.lat,
            lsoa_code: r.lsoa_code,
        })
    }
}

//! What both SQL backends share: the statements (one column list, rendered
//! in each dialect), the row types and the conversions to domain types.

use super::{Change, LoggedChange, StoreError};
use crate::domain::{Asset, AssetDraft, Capital, Placement, Status, Visibility};
use crate::index::IndexRecord;
use chrono::{DateTime, Utc};
use sqlx::{Database, Encode, Type};
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

/// How a column's value crosses into and out of SQL.
#[derive(Clone, Copy)]
enum Kind {
    Id,
    Geometry,
    Json,
    Plain,
}

/// Every column of `asset`: how its value crosses into SQL, and its type
/// when PostgreSQL reads it from a JSON row.
const COLUMNS: &[(&str, Kind, &str)] = &[
    ("asset_id", Kind::Id, "text"),
    ("name", Kind::Plain, "text"),
    ("capital", Kind::Plain, "text"),
    ("category", Kind::Plain, "text"),
    ("description", Kind::Plain, "text"),
    ("geom", Kind::Geometry, "text"),
    ("point_lon", Kind::Plain, "float8"),
    ("point_lat", Kind::Plain, "float8"),
    ("min_lon", Kind::Plain, "float8"),
    ("min_lat", Kind::Plain, "float8"),
    ("max_lon", Kind::Plain, "float8"),
    ("max_lat", Kind::Plain, "float8"),
    ("address", Kind::Plain, "text"),
    ("postcode", Kind::Plain, "text"),
    ("website", Kind::Plain, "text"),
    ("email", Kind::Plain, "text"),
    ("phone", Kind::Plain, "text"),
    ("opening_hours", Kind::Plain, "text"),
    ("accessibility", Kind::Plain, "text"),
    ("tags", Kind::Json, "text"),
    ("source", Kind::Plain, "text"),
    ("status", Kind::Plain, "text"),
    ("visibility", Kind::Plain, "text"),
    ("consent_at", Kind::Plain, "timestamptz"),
    ("verified_at", Kind::Plain, "timestamptz"),
    ("verified_by", Kind::Plain, "text"),
    ("search_text", Kind::Plain, "text"),
    ("created_at", Kind::Plain, "timestamptz"),
    ("created_by", Kind::Plain, "text"),
    ("updated_at", Kind::Plain, "timestamptz"),
    ("updated_by", Kind::Plain, "text"),
    ("version", Kind::Plain, "int8"),
];

const INDEX_COLUMNS: &[&str] = &[
    "status",
    "visibility",
    "version",
    "capital",
    "category",
    "point_lon",
    "point_lat",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    // The public view the read model keeps.
    "name",
    "description",
    "address",
    "postcode",
    "website",
    "email",
    "phone",
    "opening_hours",
    "accessibility",
    "source",
    "verified_at",
    "verified_by",
    "created_at",
    "updated_at",
];

impl Dialect {
    fn value_in(self, kind: Kind, param: &str) -> String {
        match (self, kind) {
            (Dialect::Postgres, Kind::Id) => format!("{param}::uuid"),
            (Dialect::Postgres, Kind::Geometry) => {
                format!("ST_SetSRID(ST_GeomFromGeoJSON({param}), 4326)")
            }
            (Dialect::Postgres, Kind::Json) => format!("{param}::jsonb"),
            _ => param.to_string(),
        }
    }

    fn value_out(self, kind: Kind, column: &str) -> String {
        match (self, kind) {
            (Dialect::Postgres, Kind::Id) => format!("{column}::text as {column}"),
            // PostGIS writes the shortest text that reads back as the same
            // double, up to this many decimals: 20 covers any coordinate
            // (15 lost the last digit of some, so replicas reading the
            // change log disagreed with the writer in the last place).
            (Dialect::Postgres, Kind::Geometry) => {
                format!("ST_AsGeoJSON({column}, 20) as {column}")
            }
            (Dialect::Postgres, Kind::Json) => format!("{column}::text as {column}"),
            _ => column.to_string(),
        }
    }

    fn id_out(self) -> String {
        self.value_out(Kind::Id, "asset_id")
    }

    /// The columns of an `IndexRow`, read from the `asset` table aliased `a`.
    fn index_select(self) -> String {
        // The geometry only where the public sees more than a point.
        let [id, tags, geom] = match self {
            Dialect::Postgres => [
                "a.asset_id::text as asset_id",
                "a.tags::text as tags",
                "case when a.visibility = 'exact' and GeometryType(a.geom) <> 'POINT' \
                 then ST_AsGeoJSON(a.geom, 20) end as geom",
            ],
            Dialect::Sqlite => [
                "a.asset_id as asset_id",
                "a.tags as tags",
                "case when a.visibility = 'exact' and json_extract(a.geom, '$.type') <> 'Point' \
                 then a.geom end as geom",
            ],
        };
        [id, tags, geom]
            .into_iter()
            .map(str::to_string)
            .chain(INDEX_COLUMNS.iter().map(|c| format!("a.{c} as {c}")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `asset_id` is one of the ids in a JSON array bound at `param`.
    fn id_in_json_list(self, param: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("asset_id in (select jsonb_array_elements_text({param}::jsonb)::uuid)")
            }
            Dialect::Sqlite => format!("asset_id in (select value from json_each({param}))"),
        }
    }

    /// Bulk writes take their rows as one JSON array bound at `$1`: one
    /// statement, so all rows land or none, and one round trip.
    fn json_rows(self, columns: &[(&str, &str)]) -> String {
        match self {
            Dialect::Postgres => {
                let cols: Vec<String> = columns.iter().map(|(c, t)| format!("{c} {t}")).collect();
                format!("jsonb_to_recordset($1::jsonb) as x({})", cols.join(", "))
            }
            // Each row is parsed once into JSONB and its fields read from
            // that: json_extract on the text would parse the row again
            // for every column.
            Dialect::Sqlite => {
                let cols: Vec<String> = columns
                    .iter()
                    .map(|(c, _)| format!("j ->> '$.{c}' as {c}"))
                    .collect();
                format!(
                    "(select {} from (select jsonb(value) as j from json_each($1))) as x",
                    cols.join(", ")
                )
            }
        }
    }

    fn upsert_areas(self) -> String {
        let rows = self.json_rows(&[
            ("code", "text"),
            ("name", "text"),
            ("level", "text"),
            ("geom", "text"),
            ("updated_at", "timestamptz"),
        ]);
        format!(
            "insert into area (area_code, name, level, geom, updated_at) \
             select x.code, x.name, x.level, {}, x.updated_at from {rows} where true \
             on conflict (area_code) do update set name = excluded.name, level = excluded.level, \
             geom = excluded.geom, updated_at = excluded.updated_at",
            self.value_in(Kind::Geometry, "x.geom")
        )
    }

    fn set_population(self) -> String {
        let rows = self.json_rows(&[("code", "text"), ("value", "float8")]);
        match self {
            Dialect::Postgres => format!(
                "update area set population = x.value from {rows} where area.area_code = x.code"
            ),
            Dialect::Sqlite => format!(
                "update area set population = (select x.value from {rows} where x.code = area.area_code) \
                 where area_code in (select json_extract(value, '$.code') from json_each($1))"
            ),
        }
    }

    fn load_postcodes(self) -> String {
        let rows = self.json_rows(&[
            ("postcode", "text"),
            ("lon", "float8"),
            ("lat", "float8"),
            ("lsoa_code", "text"),
        ]);
        format!(
            "insert into postcode (postcode, lon, lat, lsoa_code) \
             select x.postcode, x.lon, x.lat, x.lsoa_code from {rows} where true \
             on conflict (postcode) do update set lon = excluded.lon, lat = excluded.lat, \
             lsoa_code = excluded.lsoa_code"
        )
    }

    fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Dialect::Postgres => format!("strpos({haystack}, {needle}) > 0"),
            Dialect::Sqlite => format!("instr({haystack}, {needle}) > 0"),
        }
    }
}

/// Statements rendered once per store.
pub struct Statements {
    pub insert: String,
    pub update: String,
    pub reserve_seqs: String,
    pub log_changes: String,
    pub by_id: String,
    pub by_ids: String,
    pub index_records: String,
    pub last_seq: String,
    pub changes_since: String,
    pub text_search: String,
    pub all: String,
    pub by_source_prefix: String,
    pub upsert_areas: String,
    pub set_population: String,
    pub areas: String,
    pub load_postcodes: String,
    pub postcodes: String,
    pub reference_stamp: String,
    pub bump_reference: String,
}

impl Statements {
    pub fn new(d: Dialect) -> Statements {
        let names: Vec<&str> = COLUMNS.iter().map(|(n, _, _)| *n).collect();
        let from_row: Vec<String> = COLUMNS
            .iter()
            .map(|(name, kind, _)| d.value_in(*kind, &format!("x.{name}")))
            .collect();
        let select: Vec<String> = COLUMNS
            .iter()
            .map(|(name, kind, _)| d.value_out(*kind, name))
            .collect();
        let select = select.join(", ");
        let mut row_columns: Vec<(&str, &str)> = COLUMNS.iter().map(|(n, _, t)| (*n, *t)).collect();
        let rows = d.json_rows(&row_columns);
        row_columns.push(("expected_version", "int8"));
        let rows_with_expected = d.json_rows(&row_columns);
        let assignments: Vec<String> = names
            .iter()
            .zip(&from_row)
            .skip(1)
            .map(|(n, v)| format!("{n} = {v}"))
            .collect();
        let change_rows = d.json_rows(&[
            ("seq", "int8"),
            ("asset_id", "text"),
            ("version", "int8"),
            ("op", "text"),
            ("changed_at", "timestamptz"),
            ("changed_by", "text"),
        ]);
        Statements {
            insert: format!(
                "insert into asset ({}) select {} from {rows} where true",
                names.join(", "),
                from_row.join(", ")
            ),
            update: format!(
                "update asset set {} from {rows_with_expected} \
                 where asset.asset_id = {} and asset.version = x.expected_version \
                 returning {}",
                assignments.join(", "),
                from_row[0],
                d.value_out(Kind::Id, "asset.asset_id").replace(" as asset.asset_id", " as asset_id"),
            ),
            reserve_seqs: "update change_counter set last_seq = last_seq + $1 returning last_seq".into(),
            log_changes: format!(
                "insert into asset_change (seq, asset_id, version, op, changed_at, changed_by) \
                 select x.seq, {}, x.version, x.op, x.changed_at, x.changed_by from {change_rows} where true",
                d.value_in(Kind::Id, "x.asset_id")
            ),
            by_id: format!(
                "select {select} from asset where asset_id = {}",
                d.value_in(Kind::Id, "$1")
            ),
            by_ids: format!("select {select} from asset where {}", d.id_in_json_list("$1")),
            index_records: format!(
                "select {} from asset a where a.status <> 'archived'",
                d.index_select()
            ),
            last_seq: "select last_seq from change_counter".into(),
            changes_since: format!(
                "select c.seq as seq, {} from asset_change c \
                 join asset a on a.asset_id = c.asset_id \
                 where c.seq > $1 order by c.seq limit $2",
                d.index_select()
            ),
            text_search: format!(
                "select {} from asset where status <> 'archived' and {}",
                d.id_out(),
                d.contains("search_text", "$1")
            ),
            all: format!("select {select} from asset order by asset_id"),
            // A prefix compared as a substring, not with LIKE, whose
            // wildcards a data set's name could contain.
            by_source_prefix: format!(
                "select {select} from asset where substr(source, 1, $2) = $1 order by source"
            ),
            upsert_areas: d.upsert_areas(),
            set_population: d.set_population(),
            areas: format!(
                "select area_code, name, level, {}, population from area order by level, area_code",
                d.value_out(Kind::Geometry, "geom")
            ),
            load_postcodes: d.load_postcodes(),
            postcodes: "select postcode, lon, lat, lsoa_code from postcode order by postcode".into(),
            reference_stamp: "select cast(stamp as text) from reference_stamp".into(),
            bump_reference: "update reference_stamp set stamp = stamp + 1".into(),
        }
    }
}

/// An asset as a JSON row keyed by column name, for the batch statements.
fn asset_row(asset: &Asset, expected_version: Option<i64>) -> serde_json::Value {
    let d = &asset.draft;
    let p = asset.placement();
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339());
    serde_json::json!({
        "asset_id": asset.id.to_string(),
        "name": d.name,
        "capital": d.capital.as_str(),
        "category": d.category,
        "description": d.description,
        "geom": crate::domain::geometry_json(&d.geometry).to_string(),
        "point_lon": p.point[0],
        "point_lat": p.point[1],
        "min_lon": p.min[0],
        "min_lat": p.min[1],
        "max_lon": p.max[0],
        "max_lat": p.max[1],
        "address": d.address,
        "postcode": d.postcode,
        "website": d.website,
        "email": d.email,
        "phone": d.phone,
        "opening_hours": d.opening_hours,
        "accessibility": d.accessibility,
        "tags": serde_json::to_string(&d.tags).expect("tags serialise"),
        "source": d.source,
        "status": d.status.as_str(),
        "visibility": d.visibility.as_str(),
        "consent_at": time(d.consent.then_some(asset.created_at)),
        "verified_at": time(d.verified_at),
        "verified_by": d.verified_by,
        "search_text": d.search_text(),
        "created_at": asset.created_at.to_rfc3339(),
        "created_by": asset.created_by,
        "updated_at": asset.updated_at.to_rfc3339(),
        "updated_by": asset.updated_by,
        "version": asset.version,
        "expected_version": expected_version,
    })
}

/// Rows per statement: large enough that an import makes few round
/// trips, small enough that no one parameter grows past a few megabytes.
const BATCH: usize = 2_000;

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
        Ok(Asset {
            id: Uuid::parse_str(id).map_err(|e| corrupt("id", id, e))?,
            draft: AssetDraft {
                name: r.name,
                capital: r.capital.parse().map_err(|e| corrupt("capital", id, e))?,
                category: r.category,
                description: r.description,
                geometry,
                address: r.address,
                postcode: r.postcode,
                website: r.website,
                email: r.email,
                phone: r.phone,
                opening_hours: r.opening_hours,
                accessibility: r.accessibility,
                tags: serde_json::from_str(&r.tags).map_err(|e| corrupt("tags", id, e))?,
                source: r.source,
                status: r.status.parse().map_err(|e| corrupt("status", id, e))?,
                visibility: r
                    .visibility
                    .parse()
                    .map_err(|e| corrupt("visibility", id, e))?,
                consent: r.consent_at.is_some(),
                verified_at: r.verified_at,
                verified_by: r.verified_by,
            },
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
    public: crate::readmodel::PublicRow,
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
        record.view = Some(Box::new(view));
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

pub fn ids_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).expect("uuids serialise")
}

pub fn parse_ids(rows: Vec<(String,)>) -> Result<Vec<Uuid>, StoreError> {
    rows.into_iter()
        .map(|(id,)| Uuid::parse_str(&id).map_err(|e| corrupt("id", &id, e)))
        .collect()
}

/// Writes changes and their change-log rows inside an open transaction, a
/// batch of rows per statement. Generic over the database so that both
/// backends run the same steps.
pub async fn write_changes<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    sql: &Statements,
    changes: &[Change],
) -> Result<i64, StoreError>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
    (String,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    if changes.is_empty() {
        let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
            .bind(0i64)
            .fetch_one(&mut **tx)
            .await?;
        return Ok(last);
    }
    let (creates, updates): (Vec<&Change>, Vec<&Change>) =
        changes.iter().partition(|c| c.expected_version.is_none());
    for chunk in creates.chunks(BATCH) {
        let rows: Vec<serde_json::Value> =
            chunk.iter().map(|c| asset_row(&c.asset, None)).collect();
        sqlx::query(&sql.insert)
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut **tx)
            .await?;
    }
    for chunk in updates.chunks(BATCH) {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|c| asset_row(&c.asset, c.expected_version))
            .collect();
        let written: Vec<(String,)> = sqlx::query_as(&sql.update)
            .bind(serde_json::Value::from(rows).to_string())
            .fetch_all(&mut **tx)
            .await?;
        // An update whose expected version is no longer current matches
        // no row: the whole write fails and rolls back.
        if written.len() != chunk.len() {
            let done: std::collections::HashSet<String> =
                written.into_iter().map(|(id,)| id).collect();
            let stale = chunk
                .iter()
                .find(|c| !done.contains(&c.asset.id.to_string()))
                .expect("fewer rows written than asked");
            return Err(StoreError::Conflict {
                expected: stale.expected_version.unwrap_or_default(),
            });
        }
    }
    // Sequence numbers for the whole write at once; the counter's row lock
    // orders this transaction against every other writer.
    let (last,): (i64,) = sqlx::query_as(&sql.reserve_seqs)
        .bind(changes.len() as i64)
        .fetch_one(&mut **tx)
        .await?;
    let first = last - changes.len() as i64 + 1;
    for (n, chunk) in changes.chunks(BATCH).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, c)| {
                serde_json::json!({
                    "seq": first + (n * BATCH + i) as i64,
                    "asset_id": c.asset.id.to_string(),
                    "version": c.asset.version,
                    "op": c.op.as_str(),
                    "changed_at": c.asset.updated_at.to_rfc3339(),
                    "changed_by": c.asset.updated_by,
                })
            })
            .collect();
        sqlx::query(&sql.log_changes)
            .bind(serde_json::Value::from(rows).to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(last)
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

pub fn areas_json(areas: &[crate::domain::Area]) -> String {
    let now = Utc::now().to_rfc3339();
    let rows: Vec<serde_json::Value> = areas
        .iter()
        .map(|a| {
            serde_json::json!({
                "code": a.code, "name": a.name, "level": a.level,
                "geom": crate::domain::geometry_json(&a.geometry).to_string(),
                "updated_at": now,
            })
        })
        .collect();
    serde_json::Value::from(rows).to_string()
}

pub fn population_json(values: &[(String, f64)]) -> String {
    let rows: Vec<serde_json::Value> = values
        .iter()
        .map(|(code, value)| serde_json::json!({"code": code, "value": value}))
        .collect();
    serde_json::Value::from(rows).to_string()
}

pub fn postcodes_json(rows: &[crate::domain::Postcode]) -> String {
    serde_json::to_string(rows).expect("postcodes serialise")
}

/// Codes in `values` that are not among `known`.
pub fn unmatched(values: &[(String, f64)], known: &[crate::domain::Area]) -> Vec<String> {
    let known: std::collections::HashSet<&str> = known.iter().map(|a| a.code.as_str()).collect();
    values
        .iter()
        .filter(|(code, _)| !known.contains(code.as_str()))
        .map(|(code, _)| code.clone())
        .collect()
}

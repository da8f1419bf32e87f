//! The statements of both SQL backends: one column list, rendered in each
//! dialect.

use crate::domain::fields::{Value, FIELDS};

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

/// Every column of `asset` (from the one list of the asset's fields): how
/// its value crosses into SQL, and its type when PostgreSQL reads it from a
/// JSON row.
fn columns() -> impl Iterator<Item = (&'static str, Kind, &'static str)> {
    FIELDS.iter().map(|f| {
        let (kind, json_type) = match f.value {
            Value::Id => (Kind::Id, "text"),
            Value::Geometry => (Kind::Geometry, "text"),
            Value::Json => (Kind::Json, "text"),
            Value::Text => (Kind::Plain, "text"),
            Value::Number => (Kind::Plain, "float8"),
            Value::Integer => (Kind::Plain, "int8"),
            Value::Time => (Kind::Plain, "timestamptz"),
        };
        (f.column, kind, json_type)
    })
}

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
        FIELDS
            .iter()
            .filter(|f| f.in_read_model)
            .map(|f| match f.value {
                Value::Id => id.to_string(),
                Value::Json => tags.to_string(),
                Value::Geometry => geom.to_string(),
                _ => format!("a.{c} as {c}", c = f.column),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `asset_id` is one of the ids in a JSON array bound at `param`.
    fn falsehood(self) -> &'static str {
        match self {
            Dialect::Postgres => "false",
            Dialect::Sqlite => "0",
        }
    }

    fn id_in_json_list(self, param: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("asset_id in (select jsonb_array_elements_text({param}::jsonb)::uuid)")
            }
            Dialect::Sqlite => format!("asset_id in (select value from json_each({param}))"),
        }
    }

    /// `source` is one of the strings in a JSON array bound at `param`.
    /// PostgreSQL's as `= any(array)`, which takes the index on `source`
    /// whatever the statistics say; `in (select ...)` was planned as a scan
    /// of the whole table right after a large import, before `analyze`.
    fn source_in_json_list(self, param: &str) -> String {
        match self {
            Dialect::Postgres => {
                format!("source = any(array(select jsonb_array_elements_text({param}::jsonb)))")
            }
            Dialect::Sqlite => format!("source in (select value from json_each({param}))"),
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
    pub last_seq: String,
    pub changes_since: String,
    pub text_search: String,
    pub all: String,
    pub by_source_prefix: String,
    pub by_sources: String,
    pub upsert_areas: String,
    pub set_population: String,
    pub areas: String,
    pub load_postcodes: String,
    pub postcodes: String,
    pub reference_stamp: String,
    pub bump_reference: String,
    pub history: String,
    /// The marked change-log rows (payload in the asset row) of the
    /// assets in a JSON list: `(seq, asset_id)`.
    pub marked: String,
    /// Gives marked rows their payloads, as JSON rows `{seq, payload}`.
    pub fill_marked: String,
    /// Whether asset rows carry `scan_row` (PostgreSQL's).
    pub scan_row: bool,
}

impl Statements {
    pub fn new(d: Dialect) -> Statements {
        let mut names: Vec<&str> = columns().map(|(n, _, _)| n).collect();
        let mut from_row: Vec<String> = columns()
            .map(|(name, kind, _)| d.value_in(kind, &format!("x.{name}")))
            .collect();
        let select: Vec<String> = columns()
            .map(|(name, kind, _)| d.value_out(kind, name))
            .collect();
        let select = select.join(", ");
        let mut row_columns: Vec<(&str, &str)> = columns().map(|(n, _, t)| (n, t)).collect();
        // PostgreSQL keeps each row packed for its start-up scan too
        // (`store::scan::packed`), written with the columns.
        let scan_row = matches!(d, Dialect::Postgres);
        if scan_row {
            names.push("scan_row");
            from_row.push("x.scan_row".into());
            row_columns.push(("scan_row", "bytea"));
        }
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
            ("payload", super::history::PAYLOAD_TYPE),
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
                "insert into asset_change (seq, asset_id, version, op, changed_at, changed_by, payload) \
                 select x.seq, {}, x.version, x.op, x.changed_at, x.changed_by, x.payload \
                 from {change_rows} where true",
                d.value_in(Kind::Id, "x.asset_id")
            ),
            by_id: format!(
                "select {select} from asset where asset_id = {}",
                d.value_in(Kind::Id, "$1")
            ),
            by_ids: format!("select {select} from asset where {}", d.id_in_json_list("$1")),
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
            by_sources: format!("select {select} from asset where {}", d.source_in_json_list("$1")),
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
            history: super::history::select(d),
            marked: format!(
                "select seq, {} from asset_change where payload_in_asset and {}",
                d.id_out(),
                d.id_in_json_list("$1")
            ),
            fill_marked: format!(
                "update asset_change set payload = x.payload, payload_in_asset = {} \
                 from {} where asset_change.seq = x.seq",
                d.falsehood(),
                d.json_rows(&[("seq", "int8"), ("payload", super::history::PAYLOAD_TYPE)])
            ),
            scan_row,
        }
    }
}

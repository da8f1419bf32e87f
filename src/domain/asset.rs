use super::{Capital, FieldError, Vocabulary};
use chrono::{DateTime, Utc};
use geo::{BoundingRect, Coord, Geometry, InteriorPoint, LineString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Published,
    Archived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Shown where it is.
    Exact,
    /// Shown only as the area it is in: people offering skills or time.
    AreaOnly,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident = $text:literal),+ }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        "'{other}' is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
text_enum!(Status { Proposed = "proposed", Published = "published", Archived = "archived" });
text_enum!(Visibility { Exact = "exact", AreaOnly = "area_only" });

/// What a person can say about an asset: everything but identity, audit
/// fields and version. Parsed from a GeoJSON Feature.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetDraft {
    pub name: String,
    pub capital: Capital,
    pub category: String,
    pub description: Option<String>,
    pub geometry: Geometry<f64>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub accessibility: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub source: Option<String>,
    pub status: Status,
    pub visibility: Visibility,
    pub consent: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
}

/// An asset as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: Uuid,
    pub draft: AssetDraft,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
}

/// Where the index and the distance measures put an asset: a point that lies
/// on it (inside a polygon, not merely at its centroid) and its bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub point: [f64; 2],
    pub min: [f64; 2],
    pub max: [f64; 2],
}

/// The grid, in degrees, to which area-only assets are snapped: about 1 km
/// north-south, coarse enough not to point at a home.
const AREA_GRID_DEG: f64 = 0.01;

impl Placement {
    pub fn of(geometry: &Geometry<f64>) -> Placement {
        let p = geometry
            .interior_point()
            .expect("validated geometries are non-empty");
        let rect = geometry
            .bounding_rect()
            .expect("validated geometries are non-empty");
        Placement {
            point: [p.x(), p.y()],
            min: [rect.min().x, rect.min().y],
            max: [rect.max().x, rect.max().y],
        }
    }

    /// The centre of the grid cell holding the point: what the public sees
    /// of an area-only asset, and all that the index ever holds of it, so
    /// that no query can narrow it down further.
    pub fn generalised(self) -> Placement {
        let snap = |v: f64| ((v / AREA_GRID_DEG).floor() + 0.5) * AREA_GRID_DEG;
        let p = [
            snap(self.point[0]).clamp(-180.0, 180.0),
            snap(self.point[1]).clamp(-90.0, 90.0),
        ];
        Placement {
            point: p,
            min: p,
            max: p,
        }
    }

    pub fn for_visibility(self, visibility: Visibility) -> Placement {
        match visibility {
            Visibility::Exact => self,
            Visibility::AreaOnly => self.generalised(),
        }
    }
}

const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 5_000;
const MAX_SHORT: usize = 500;
const MAX_TAGS: usize = 100;

/// Properties a client may send back unchanged (from an earlier GET or an
/// export) that are not theirs to set.
const READ_ONLY: &[&str] = &[
    "id",
    "version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "distance_m",
    "consent_at",
    "point",
];

impl AssetDraft {
    /// Parses a GeoJSON Feature (as JSON) into a draft. Every problem is
    /// reported against the property it concerns.
    pub fn from_feature(feature: &Value, vocab: &Vocabulary) -> Result<AssetDraft, FieldError> {
        let obj = feature
            .as_object()
            .ok_or_else(|| FieldError::new("body", "expected a GeoJSON Feature object"))?;
        if obj.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(FieldError::new("type", "expected \"Feature\""));
        }
        let geometry = parse_geometry(obj.get("geometry").unwrap_or(&Value::Null))?;
        let empty = Map::new();
        let props = match obj.get("properties") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(m)) => m,
            Some(_) => return Err(FieldError::new("properties", "expected an object")),
        };
        Self::from_properties(props, geometry, vocab)
    }

    pub fn from_properties(
        props: &Map<String, Value>,
        geometry: Geometry<f64>,
        vocab: &Vocabulary,
    ) -> Result<AssetDraft, FieldError> {
        let p = Props(props);
        for key in props.keys() {
            if !WRITABLE.contains(&key.as_str()) && !READ_ONLY.contains(&key.as_str()) {
                return Err(FieldError::new(key, "unknown property"));
            }
        }
        let name = p
            .text("name", MAX_NAME)?
            .ok_or_else(|| FieldError::new("name", "a name is required"))?;
        let capital: Capital = p
            .text("capital", 20)?
            .ok_or_else(|| FieldError::new("capital", "a capital is required"))?
            .parse()
            .map_err(|e| FieldError::new("capital", e))?;
        let category = p
            .text("category", 60)?
            .ok_or_else(|| FieldError::new("category", "a category is required"))?;
        vocab
            .check(capital, &category)
            .map_err(|e| FieldError::new("category", e))?;
        let status = match p.text("status", 20)? {
            None => Status::Published,
            Some(s) => match s.parse::<Status>() {
                Ok(Status::Archived) => {
                    return Err(FieldError::new("status", "archive an asset with DELETE"))
                }
                Ok(s) => s,
                Err(e) => return Err(FieldError::new("status", e)),
            },
        };
        let visibility = match p.text("visibility", 20)? {
            None if capital == Capital::Human => Visibility::AreaOnly,
            None => Visibility::Exact,
            Some(v) => v.parse().map_err(|e| FieldError::new("visibility", e))?,
        };
        if capital == Capital::Human && visibility == Visibility::Exact {
            return Err(FieldError::new(
                "visibility",
                "human capital is personal data and is shown only as area_only",
            ));
        }
        let consent = match props.get("consent") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(FieldError::new("consent", "expected true or false")),
        };
        if capital == Capital::Human && !consent {
            return Err(FieldError::new(
                "consent",
                "a person's skills or time can be mapped only with their consent: set consent to true",
            ));
        }
        let website = p.text("website", MAX_SHORT)?;
        if let Some(w) = &website {
            let lower = w.to_ascii_lowercase();
            if !(lower.starts_with("http://") || lower.starts_with("https://")) {
                return Err(FieldError::new(
                    "website",
                    "must start with http:// or https://",
                ));
            }
        }
        let email = p.text("email", MAX_SHORT)?;
        if let Some(e) = &email {
            if !e.contains('@') || e.contains(char::is_whitespace) {
                return Err(FieldError::new("email", "is not an email address"));
            }
        }
        let verified_at = match p.text("verified_at", 64)? {
            None => None,
            Some(s) => Some(
                DateTime::parse_from_rfc3339(&s)
                    .map_err(|_| FieldError::new("verified_at", "expected an RFC 3339 timestamp"))?
                    .with_timezone(&Utc),
            ),
        };
        Ok(AssetDraft {
            name,
            capital,
            category,
            description: p.text("description", MAX_TEXT)?,
            geometry,
            address: p.text("address", MAX_SHORT)?,
            postcode: p.text("postcode", 16)?.map(|s| normalise_postcode(&s)),
            website,
            email,
            phone: p.text("phone", 40)?,
            opening_hours: p.text("opening_hours", MAX_SHORT)?,
            accessibility: p.text("accessibility", MAX_TEXT)?,
            tags: p.tags()?,
            source: p.text("source", MAX_SHORT)?,
            status,
            visibility,
            consent,
            verified_at,
            verified_by: p.text("verified_by", MAX_SHORT)?,
        })
    }

    /// The writable properties as JSON: what a PATCH is merged into.
    pub fn properties(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("capital".into(), json!(self.capital));
        m.insert("category".into(), json!(self.category));
        for (key, value) in [
            ("description", &self.description),
            ("address", &self.address),
            ("postcode", &self.postcode),
            ("website", &self.website),
            ("email", &self.email),
            ("phone", &self.phone),
            ("opening_hours", &self.opening_hours),
            ("accessibility", &self.accessibility),
            ("source", &self.source),
            ("verified_by", &self.verified_by),
        ] {
            m.insert(key.into(), json!(value));
        }
        m.insert("tags".into(), json!(self.tags));
        m.insert("status".into(), json!(self.status));
        m.insert("visibility".into(), json!(self.visibility));
        m.insert("consent".into(), json!(self.consent));
        m.insert(
            "verified_at".into(),
            json!(self.verified_at.map(|t| t.to_rfc3339())),
        );
        m
    }

    /// Lower-cased name, description and address: what `q` searches. The
    /// address of an area-only asset is left out, or a search for a street
    /// would find the person who lives there.
    pub fn search_text(&self) -> String {
        let address = match self.visibility {
            Visibility::Exact => self.address.as_ref(),
            Visibility::AreaOnly => None,
        };
        [Some(&self.name), self.description.as_ref(), address]
            .into_iter()
            .flatten()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

const WRITABLE: &[&str] = &[
    "name",
    "capital",
    "category",
    "description",
    "address",
    "postcode",
    "website",
    "email",
    "phone",
    "opening_hours",
    "accessibility",
    "tags",
    "source",
    "status",
    "visibility",
    "consent",
    "verified_at",
    "verified_by",
];

struct Props<'a>(&'a Map<String, Value>);

impl Props<'_> {
    /// A trimmed string no longer than `max` characters; empty means absent.
    fn text(&self, key: &str, max: usize) -> Result<Option<String>, FieldError> {
        let s = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(FieldError::new(key, "expected a string")),
        };
        if s.chars().count() > max {
            return Err(FieldError::new(
                key,
                format!("longer than {max} characters"),
            ));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(FieldError::new(key, "contains control characters"));
        }
        Ok((!s.is_empty()).then_some(s))
    }

    fn tags(&self) -> Result<BTreeMap<String, String>, FieldError> {
        let obj = match self.0.get("tags") {
            None | Some(Value::Null) => return Ok(BTreeMap::new()),
            Some(Value::Object(o)) => o,
            Some(_) => return Err(FieldError::new("tags", "expected an object of strings")),
        };
        if obj.len() > MAX_TAGS {
            return Err(FieldError::new(
                "tags",
                format!("more than {MAX_TAGS} tags"),
            ));
        }
        obj.iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return Err(FieldError::new(format!("tags.{k}"), "expected a string")),
                };
                if k.len() > 100 || v.len() > MAX_SHORT {
                    return Err(FieldError::new(format!("tags.{k}"), "too long"));
                }
                Ok((k.clone(), v))
            })
            .collect()
    }
}

/// UK postcodes in their canonical form: upper case, one space before the
/// last three characters. Other text is only trimmed and upper-cased.
pub fn normalise_postcode(s: &str) -> String {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if (5..=7).contains(&compact.len()) && compact.is_ascii() {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        format!("{outward} {inward}")
    } else {
        compact
    }
}

/// Parses and checks a GeoJSON geometry: a Point, Polygon or MultiPolygon
/// with WGS84 coordinates and closed rings.
pub fn parse_geometry(value: &Value) -> Result<Geometry<f64>, FieldError> {
    let err = |msg: &str| FieldError::new("geometry", msg);
    if value.is_null() {
        return Err(err("a geometry is required"));
    }
    let gj: geojson::Geometry = serde_json::from_value(value.clone())
        .map_err(|e| FieldError::new("geometry", format!("not a GeoJSON geometry: {e}")))?;
    check_rings_closed(&gj.value).map_err(|m| FieldError::new("geometry", m))?;
    let geometry: Geometry<f64> = gj
        .try_into()
        .map_err(|e| FieldError::new("geometry", format!("not a GeoJSON geometry: {e}")))?;
    check_geometry(&geometry).map_err(|m| FieldError::new("geometry", m))?;
    Ok(geometry)
}

/// geo-types closes open rings silently, so an unclosed ring (a sign of a
/// truncated or mistyped polygon) has to be caught in the GeoJSON itself.
fn check_rings_closed(value: &geojson::Value) -> Result<(), String> {
    let polygons: Vec<&geojson::PolygonType> = match value {
        geojson::Value::Polygon(p) => vec![p],
        geojson::Value::MultiPolygon(mp) => mp.iter().collect(),
        _ => return Ok(()),
    };
    for ring in polygons.into_iter().flatten() {
        if ring.len() < 4 {
            return Err("a polygon ring needs at least four positions".into());
        }
        if ring.first() != ring.last() {
            return Err("a polygon ring must end where it starts".into());
        }
    }
    Ok(())
}

pub fn check_geometry(geometry: &Geometry<f64>) -> Result<(), String> {
    match geometry {
        Geometry::Point(p) => check_coord(p.0),
        Geometry::Polygon(poly) => check_polygon(poly),
        Geometry::MultiPolygon(mp) if mp.0.is_empty() => {
            Err("a MultiPolygon needs at least one polygon".into())
        }
        Geometry::MultiPolygon(mp) => mp.0.iter().try_for_each(check_polygon),
        _ => Err("expected a Point, Polygon or MultiPolygon".into()),
    }?;
    // Only once every coordinate is known to be a number.
    super::rings::check_rings(geometry)
}

fn check_polygon(poly: &geo::Polygon<f64>) -> Result<(), String> {
    std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .try_for_each(check_ring)
}

fn check_ring(ring: &LineString<f64>) -> Result<(), String> {
    if ring.0.len() < 4 {
        return Err("a polygon ring needs at least four positions".into());
    }
    if ring.0.first() != ring.0.last() {
        return Err("a polygon ring must end where it starts".into());
    }
    ring.0.iter().try_for_each(|c| check_coord(*c))
}

fn check_coord(c: Coord<f64>) -> Result<(), String> {
    if !(c.x.is_finite() && (-180.0..=180.0).contains(&c.x)) {
        return Err(format!("longitude {} is outside -180..180", c.x));
    }
    if !(c.y.is_finite() && (-90.0..=90.0).contains(&c.y)) {
        return Err(format!("latitude {} is outside -90..90", c.y));
    }
    Ok(())
}

impl Asset {
    pub fn placement(&self) -> Placement {
        Placement::of(&self.draft.geometry)
    }

    /// The asset as the public may see it: a GeoJSON Feature whose geometry
    /// and address are generalised for area-only assets.
    pub fn to_public_feature(&self) -> Value {
        let d = &self.draft;
        let mut props = d.properties();
        props.remove("consent");
        props.insert("id".into(), json!(self.id));
        props.insert("version".into(), json!(self.version));
        props.insert("created_at".into(), json!(self.created_at.to_rfc3339()));
        props.insert("updated_at".into(), json!(self.updated_at.to_rfc3339()));
        // Where distances are measured to, and where a map can pin a park.
        let point = self.placement().for_visibility(d.visibility).point;
        props.insert("point".into(), json!(point));
        let geometry = match d.visibility {
            Visibility::Exact => geometry_json(&d.geometry),
            Visibility::AreaOnly => {
                props.insert("address".into(), Value::Null);
                props.insert(
                    "postcode".into(),
                    json!(d.postcode.as_deref().map(postcode_district)),
                );
                let p = self.placement().generalised().point;
                json!({"type": "Point", "coordinates": p})
            }
        };
        json!({
            "type": "Feature",
            "id": self.id,
            "geometry": geometry,
            "properties": props,
        })
    }
}

/// The outward half of a postcode ("M33 7XX" -> "M33").
fn postcode_district(p: &str) -> String {
    p.split_whitespace().next().unwrap_or_default().to_string()
}

pub fn geometry_json(g: &Geometry<f64>) -> Value {
    serde_json::to_value(geojson::Geometry::from(g)).expect("geometries serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::default()
    }

    fn feature(props: Value) -> Value {
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [-2.35, 53.39]}, "properties": props})
    }

    #[test]
    fn parses_a_minimal_feature_with_defaults() {
        let d = AssetDraft::from_feature(
            &feature(
                json!({"name": " Altrincham Library ", "capital": "public", "category": "library"}),
            ),
            &vocab(),
        )
        .unwrap();
        assert_eq!(d.name, "Altrincham Library");
        assert_eq!(d.status, Status::Published);
        assert_eq!(d.visibility, Visibility::Exact);
    }

    #[test]
    fn names_the_field_that_is_wrong() {
        let cases = [
            (json!({"capital": "public", "category": "library"}), "name"),
            (
                json!({"name": "x", "capital": "cultural", "category": "library"}),
                "capital",
            ),
            (
                json!({"name": "x", "capital": "social", "category": "library"}),
                "category",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "website": "javascript:alert(1)"}),
                "website",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "nmae": "typo"}),
                "nmae",
            ),
            (
                json!({"name": "x", "capital": "human", "category": "skill", "consent": true, "visibility": "exact"}),
                "visibility",
            ),
            (
                json!({"name": "x", "capital": "human", "category": "skill"}),
                "consent",
            ),
            (
                json!({"name": "x", "capital": "public", "category": "library", "tags": {"a": [1]}}),
                "tags.a",
            ),
        ];
        for (props, field) in cases {
            let err = AssetDraft::from_feature(&feature(props.clone()), &vocab()).unwrap_err();
            assert_eq!(err.field, field, "{props}");
        }
    }

    #[test]
    fn rejects_bad_geometry() {
        let bad = [
            json!(null),
            json!({"type": "Point", "coordinates": [-2.3, 95.0]}),
            json!({"type": "Point", "coordinates": [200.0, 53.0]}),
            json!({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
            json!({"type": "Point", "coordinates": "here"}),
        ];
        for g in bad {
            let f = json!({"type": "Feature", "geometry": g, "properties": {"name": "x", "capital": "public", "category": "library"}});
            let err = AssetDraft::from_feature(&f, &vocab()).unwrap_err();
            assert_eq!(err.field, "geometry", "{g}");
        }
    }

    #[test]
    fn a_polygon_is_placed_at_a_point_inside_it() {
        // An L-shaped park whose centroid lies outside it.
        let g = parse_geometry(&json!({"type": "Polygon", "coordinates": [[[0,0],[3,0],[3,1],[1,1],[1,3],[0,3],[0,0]]]})).unwrap();
        let p = Placement::of(&g);
        use geo::Contains;
        assert!(g.contains(&geo::Point::new(p.point[0], p.point[1])));
        assert_eq!((p.min, p.max), ([0.0, 0.0], [3.0, 3.0]));
    }

    #[test]
    fn area_only_hides_the_exact_place() {
        let p = Placement {
            point: [-2.34567, 53.41234],
            min: [0.0; 2],
            max: [0.0; 2],
        };
        let g = p.generalised();
        assert!(
            (g.point[0] - -2.345).abs() < 1e-9 && (g.point[1] - 53.415).abs() < 1e-9,
            "{:?}",
            g.point
        );
        assert_eq!(g.min, g.point);
    }

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(normalise_postcode("m33 7xx"), "M33 7XX");
        assert_eq!(normalise_postcode("WA145AB"), "WA14 5AB");
        assert_eq!(normalise_postcode(" M1  1AA "), "M1 1AA");
    }
}

//! Areas (named boundaries), their population, and the postcode lookup.

use super::{ImportError, Reject};
use crate::domain::{check_geometry, normalise_postcode, Area, Lat, Lon, Postcode};
use geo::Geometry;
use serde_json::Value;
use std::collections::HashMap;

pub struct AreaOptions {
    pub level: String,
    pub code_field: String,
    pub name_field: String,
}

/// Reads boundaries from GeoJSON. Returns the areas and the features that
/// could not be used.
pub fn read_areas(
    text: &str,
    file: &str,
    o: &AreaOptions,
) -> Result<(Vec<Area>, Vec<Reject>), ImportError> {
    let records = super::geojson::read(text, file)?;
    let mut areas = Vec::new();
    let mut rejects = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in records {
        let reject = |field: &str, reason: String| Reject {
            place: r.place.clone(),
            field: crate::domain::clip(field, 200),
            reason: crate::domain::clip(&reason, 500),
        };
        let text = |f: &str| {
            r.props
                .get(f)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let Some(code) = text(&o.code_field) else {
            rejects.push(reject(&o.code_field, "no area code".into()));
            continue;
        };
        let name = text(&o.name_field).unwrap_or(code).to_string();
        let geometry = match &r.geometry {
            Ok(g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_))) => g.clone(),
            Ok(_) => {
                rejects.push(reject(
                    "geometry",
                    "an area needs a Polygon or MultiPolygon".into(),
                ));
                continue;
            }
            Err(e) => {
                rejects.push(reject(&e.field, e.message.clone()));
                continue;
            }
        };
        if let Err(e) = check_geometry(&geometry) {
            rejects.push(reject("geometry", e));
            continue;
        }
        if !seen.insert(code.to_string()) {
            rejects.push(reject(&o.code_field, format!("code {code} appears twice")));
            continue;
        }
        areas.push(Area {
            code: code.to_string(),
            name,
            level: o.level.clone(),
            geometry,
            population: None,
        });
    }
    Ok((areas, rejects))
}

pub struct PopulationOptions {
    pub code_field: String,
    pub value_field: String,
    /// Only rows where each of these columns has this value.
    pub filters: Vec<(String, String)>,
}

/// Reads `(area code, population)` from CSV; a value that is not a
/// non-negative number stops the whole file, with its line.
pub fn read_population(
    bytes: &[u8],
    file: &str,
    o: &PopulationOptions,
) -> Result<Vec<(String, f64)>, ImportError> {
    let (headers, rows) = csv_rows(bytes, file)?;
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            ImportError::Unreadable(format!(
                "{file}: line 1: no column '{name}' (columns: {})",
                headers.join(", ")
            ))
        })
    };
    let code = col(&o.code_field)?;
    let value = col(&o.value_field)?;
    let filters: Vec<(usize, &str)> = o
        .filters
        .iter()
        .map(|(f, v)| col(f).map(|i| (i, v.as_str())))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (line, row) in rows {
        if !filters
            .iter()
            .all(|(i, v)| row.get(*i).map(String::as_str) == Some(*v))
        {
            continue;
        }
        let n: f64 = row[value]
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| {
                ImportError::Unreadable(format!(
                    "{file}: line {line}: {}: '{}' is not a population",
                    o.value_field, row[value]
                ))
            })?;
        out.push((row[code].trim().to_string(), n));
    }
    Ok(out)
}

/// Reads a postcode lookup: postcode, lon and lat columns, and an LSOA code
/// when there is one.
pub fn read_postcodes(
    bytes: &[u8],
    file: &str,
    lsoa_field: Option<&str>,
) -> Result<Vec<Postcode>, ImportError> {
    let (headers, rows) = csv_rows(bytes, file)?;
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            ImportError::Unreadable(format!(
                "{file}: line 1: no column '{name}' (columns: {})",
                headers.join(", ")
            ))
        })
    };
    let (pc, lon, lat) = (need("postcode")?, need("lon")?, need("lat")?);
    let lsoa = match lsoa_field {
        Some(f) => Some(need(f)?),
        None => col("lsoa_code"),
    };
    let mut out = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        let bad = |e: String| ImportError::Unreadable(format!("{file}: line {line}: {e}"));
        let lon: Lon = row[lon].parse().map_err(bad)?;
        let lat: Lat = row[lat].parse().map_err(bad)?;
        out.push(Postcode {
            postcode: normalise_postcode(&row[pc]),
            lon: lon.get(),
            lat: lat.get(),
            lsoa_code: lsoa
                .map(|i| row[i].trim().to_string())
                .filter(|s| !s.is_empty()),
        });
    }
    Ok(out)
}

type Rows = (Vec<String>, Vec<(u64, Vec<String>)>);

fn csv_rows(bytes: &[u8], file: &str) -> Result<Rows, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ::csv::Reader::from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Unreadable(format!("{file}: line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            ImportError::Unreadable(format!(
                "{file}: line {}: {e}",
                e.position().map_or(0, |p| p.line())
            ))
        })?;
        let line = row.position().map_or(0, |p| p.line());
        rows.push((line, row.iter().map(str::to_string).collect()));
    }
    Ok((headers, rows))
}

/// The lookup as a map from normalised postcode to position.
pub fn lookup(postcodes: &[Postcode]) -> HashMap<String, (f64, f64)> {
    postcodes
        .iter()
        .map(|p| (p.postcode.clone(), (p.lon, p.lat)))
        .collect()
}

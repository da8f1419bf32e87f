//! Geometry checks: what a valid asset geometry is.

use geo::{Coord, Geometry, LineString};
use serde_json::Value;

use super::FieldError;

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

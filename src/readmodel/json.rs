//! Public features written straight into a byte buffer: no JSON tree per
//! asset. Keys come out in the order `serde_json`'s map gives them, so the
//! bytes are those `Asset::to_public_feature` produces today.

use crate::index::{Field, PublicAsset};
use geo::{Geometry, LineString, Polygon};
use serde::Serialize;

/// Appends `{"type":"FeatureCollection",...}` of `items` to `out`.
pub fn write_collection<'a>(
    out: &mut Vec<u8>,
    number_matched: usize,
    items: impl ExactSizeIterator<Item = (&'a PublicAsset, Option<f64>)>,
) {
    let returned = items.len();
    out.extend_from_slice(b"{\"features\":[");
    for (i, (view, distance)) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_feature(out, view, distance);
    }
    out.extend_from_slice(b"],\"numberMatched\":");
    value(out, &number_matched);
    out.extend_from_slice(b",\"numberReturned\":");
    value(out, &returned);
    out.extend_from_slice(b",\"type\":\"FeatureCollection\"}");
}

/// One Feature; `distance_m` (rounded to 0.1 m) where the query had a centre.
pub fn write_feature(out: &mut Vec<u8>, v: &PublicAsset, distance_m: Option<f64>) {
    out.extend_from_slice(b"{\"geometry\":");
    match &v.shape {
        Some(g) => write_geometry(out, g),
        None => {
            out.extend_from_slice(b"{\"coordinates\":");
            value(out, &v.point);
            out.extend_from_slice(b",\"type\":\"Point\"}");
        }
    }
    out.extend_from_slice(b",\"id\":");
    value(out, &v.id);
    out.extend_from_slice(b",\"properties\":{");
    write_properties(out, v, distance_m);
    out.extend_from_slice(b"},\"type\":\"Feature\"}");
}

fn write_properties(out: &mut Vec<u8>, v: &PublicAsset, distance_m: Option<f64>) {
    let t = v.texts();
    let text = |out: &mut Vec<u8>, key: &str, f: Field| pair(out, key, &t[f as usize]);
    out.push(b'"');
    out.extend_from_slice(b"accessibility\":");
    value(out, &t[Field::Accessibility as usize]);
    text(out, "address", Field::Address);
    pair(out, "capital", &v.capital);
    pair(out, "category", &v.category);
    pair(out, "created_at", &v.created_at.to_rfc3339());
    text(out, "description", Field::Description);
    if let Some(d) = distance_m {
        pair(out, "distance_m", &((d * 10.0).round() / 10.0));
    }
    text(out, "email", Field::Email);
    pair(out, "id", &v.id);
    pair(
        out,
        "may_be_out_of_date",
        &crate::domain::may_be_out_of_date(v.verified_at, v.created_at, chrono::Utc::now()),
    );
    text(out, "name", Field::Name);
    text(out, "opening_hours", Field::OpeningHours);
    text(out, "phone", Field::Phone);
    pair(out, "point", &v.point);
    text(out, "postcode", Field::Postcode);
    text(out, "source", Field::Source);
    pair(out, "status", &v.status);
    out.extend_from_slice(b",\"tags\":{");
    for (i, (k, val)) in v.tags().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        value(out, k);
        out.push(b':');
        value(out, val);
    }
    out.push(b'}');
    pair(out, "updated_at", &v.updated_at.to_rfc3339());
    pair(out, "verified_at", &v.verified_at.map(|t| t.to_rfc3339()));
    text(out, "verified_by", Field::VerifiedBy);
    pair(out, "version", &v.version);
    pair(out, "visibility", &v.visibility);
    text(out, "website", Field::Website);
}

/// `,"key":value`
fn pair(out: &mut Vec<u8>, key: &str, v: &impl Serialize) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
    value(out, v);
}

fn value(out: &mut Vec<u8>, v: &(impl Serialize + ?Sized)) {
    serde_json::to_writer(&mut *out, v).expect("writing JSON to memory");
}

/// A Polygon or MultiPolygon as GeoJSON, keys in map order.
pub fn write_geometry(out: &mut Vec<u8>, g: &Geometry<f64>) {
    out.extend_from_slice(b"{\"coordinates\":");
    let kind = match g {
        Geometry::Polygon(p) => {
            write_polygon(out, p);
            "Polygon"
        }
        Geometry::MultiPolygon(mp) => {
            out.push(b'[');
            for (i, p) in mp.0.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_polygon(out, p);
            }
            out.push(b']');
            "MultiPolygon"
        }
        Geometry::Point(p) => {
            value(out, &[p.x(), p.y()]);
            "Point"
        }
        // Validation admits nothing else; fall back to the general writer.
        other => {
            out.truncate(out.len() - b"{\"coordinates\":".len());
            value(out, &crate::domain::geometry_json(other));
            return;
        }
    };
    out.extend_from_slice(b",\"type\":");
    value(out, kind);
    out.push(b'}');
}

fn write_polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
    out.push(b'[');
    for (i, ring) in std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
    {
        if i > 0 {
            out.push(b',');
        }
        write_ring(out, ring);
    }
    out.push(b']');
}

fn write_ring(out: &mut Vec<u8>, ring: &LineString<f64>) {
    out.push(b'[');
    for (i, c) in ring.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        value(out, &[c.x, c.y]);
    }
    out.push(b']');
}

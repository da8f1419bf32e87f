//! CSV in: coordinates from lat/lon columns, a WKT column, or a postcode
//! geocoded from the postcode lookup.

use super::{ImportError, Record};
use crate::domain::{normalise_postcode, FieldError, Lat, Lon};
use crate::export::cells;
use geo::Geometry;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::BufRead;
use wkt::TryFromWkt;

#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    pub lat_field: Option<String>,
    pub lon_field: Option<String>,
    pub wkt_field: Option<String>,
    pub postcode_field: Option<String>,
}

enum Locate {
    LatLon(usize, usize),
    Wkt(usize),
    Postcode(usize),
}

pub fn read(
    bytes: &[u8],
    file: &str,
    options: &CsvOptions,
    postcodes: &HashMap<String, (f64, f64)>,
) -> Result<Vec<Record>, ImportError> {
    let mut out = Vec::new();
    stream(bytes, file, options, postcodes, &mut |r| {
        out.push(r);
        true
    })?;
    Ok(out)
}

/// Reads a CSV file a row at a time, handing each record to `each` as it
/// is read (until `each` says stop), so that a large file is never held
/// whole. The first unreadable row ends it with its line number.
pub fn stream_file(
    path: &std::path::Path,
    options: &CsvOptions,
    postcodes: &HashMap<String, (f64, f64)>,
    each: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ImportError> {
    let name = path.display().to_string();
    let file =
        std::fs::File::open(path).map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    // A byte-order mark (spreadsheets write one) is not part of the header.
    let bom = input
        .fill_buf()
        .map_err(|e| ImportError::Unreadable(format!("{name}: {e}")))?
        .starts_with(b"\xEF\xBB\xBF");
    if bom {
        input.consume(3);
    }
    stream(input, &name, options, postcodes, each)
}

fn stream(
    input: impl std::io::Read,
    file: &str,
    options: &CsvOptions,
    postcodes: &HashMap<String, (f64, f64)>,
    each: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ImportError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::Unreadable(format!("{file}: line 1: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let locate = locate(&headers, options)
        .map_err(|e| ImportError::Unreadable(format!("{file}: line 1: {e}")))?;
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            ImportError::Unreadable(format!("{file}: line {line}: {e}"))
        })?;
        let line = row.position().map_or(0, |p| p.line());
        let props: Map<String, Value> = headers
            .iter()
            .zip(row.iter())
            .map(|(h, v)| (h.clone(), Value::String(cells::restore(v).to_string())))
            .collect();
        let geometry = match &locate {
            Locate::LatLon(lat, lon) => {
                lat_lon(&row[*lat], &row[*lon], &headers[*lat], &headers[*lon])
            }
            Locate::Wkt(i) => Geometry::try_from_wkt_str(&row[*i])
                .map_err(|e| FieldError::new(&headers[*i], format!("not WKT: {e}"))),
            Locate::Postcode(i) => geocode(&row[*i], &headers[*i], postcodes),
        };
        let record = Record {
            place: format!("line {line}"),
            props,
            geometry,
            source: None,
            asset_id: None,
        };
        if !each(record) {
            break;
        }
    }
    Ok(())
}

fn find(
    headers: &[String],
    wanted: &Option<String>,
    guesses: &[&str],
) -> Result<Option<usize>, String> {
    match wanted {
        Some(name) => headers
            .iter()
            .position(|h| h == name)
            .map(Some)
            .ok_or_else(|| format!("no column '{name}' (columns: {})", headers.join(", "))),
        None => Ok(headers
            .iter()
            .position(|h| guesses.contains(&h.to_ascii_lowercase().as_str()))),
    }
}

fn locate(headers: &[String], o: &CsvOptions) -> Result<Locate, String> {
    let lat = find(headers, &o.lat_field, &["lat", "latitude", "y"])?;
    let lon = find(
        headers,
        &o.lon_field,
        &["lon", "lng", "long", "longitude", "x"],
    )?;
    let wkt = find(headers, &o.wkt_field, &["wkt", "geometry", "geom"])?;
    let postcode = find(
        headers,
        &o.postcode_field,
        &["postcode", "post_code", "postal_code"],
    )?;
    if o.postcode_field.is_some() {
        return Ok(Locate::Postcode(postcode.expect("found or errored")));
    }
    if o.wkt_field.is_some() {
        return Ok(Locate::Wkt(wkt.expect("found or errored")));
    }
    match (lat, lon, wkt, postcode) {
        (Some(lat), Some(lon), _, _) => Ok(Locate::LatLon(lat, lon)),
        (_, _, Some(w), _) => Ok(Locate::Wkt(w)),
        (_, _, _, Some(p)) => Ok(Locate::Postcode(p)),
        _ => Err(format!(
            "no coordinates: found no lat/lon, WKT or postcode column (columns: {})",
            headers.join(", ")
        )),
    }
}

fn lat_lon(
    lat: &str,
    lon: &str,
    lat_name: &str,
    lon_name: &str,
) -> Result<Geometry<f64>, FieldError> {
    if lat.trim().is_empty() || lon.trim().is_empty() {
        return Err(FieldError::new(lat_name, "no coordinates"));
    }
    let lat: Lat = lat.parse().map_err(|e| FieldError::new(lat_name, e))?;
    let lon: Lon = lon.parse().map_err(|e| FieldError::new(lon_name, e))?;
    Ok(geo::Point::new(lon.get(), lat.get()).into())
}

fn geocode(
    raw: &str,
    field: &str,
    postcodes: &HashMap<String, (f64, f64)>,
) -> Result<Geometry<f64>, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(field, "no postcode to place it by"));
    }
    let pc = normalise_postcode(raw);
    postcodes
        .get(&pc)
        .map(|(lon, lat)| geo::Point::new(*lon, *lat).into())
        .ok_or_else(|| {
            FieldError::new(
                field,
                format!("postcode '{pc}' is not in the postcode lookup"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_fields_bom_and_coordinates() {
        let text = "\u{feff}name,lat,lon,notes\n\"Hall, the\",53.4,-2.3,\"line one\nline two\"\nBad,95,-2.3,x\n";
        let r = read(
            text.as_bytes(),
            "f.csv",
            &CsvOptions::default(),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].props["name"], "Hall, the");
        assert!(r[0].geometry.is_ok());
        assert_eq!(r[1].place, "line 4");
        let e = r[1].geometry.as_ref().unwrap_err();
        assert_eq!((e.field.as_str(), e.message.contains("95")), ("lat", true));
    }

    #[test]
    fn geocodes_postcodes_in_any_spacing() {
        let mut pcs = HashMap::new();
        pcs.insert("M33 7XX".to_string(), (-2.3, 53.4));
        let text = "name,postcode\nA,m337xx\nB,ZZ1 1ZZ\n";
        let o = CsvOptions {
            postcode_field: Some("postcode".into()),
            ..Default::default()
        };
        let r = read(text.as_bytes(), "f.csv", &o, &pcs).unwrap();
        assert!(r[0].geometry.is_ok());
        assert!(r[1]
            .geometry
            .as_ref()
            .unwrap_err()
            .message
            .contains("ZZ1 1ZZ"));
    }

    #[test]
    fn a_missing_column_names_it() {
        let o = CsvOptions {
            lat_field: Some("latitude".into()),
            ..Default::default()
        };
        let err = read(b"name,lat,lon\n", "f.csv", &o, &HashMap::new()).unwrap_err();
        assert!(
            err.to_string().contains("line 1: no column 'latitude'"),
            "{err}"
        );
        let err = read(
            b"name,town\nA,B\n",
            "f.csv",
            &CsvOptions::default(),
            &HashMap::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no coordinates"), "{err}");
    }

    #[test]
    fn reads_wkt() {
        let text = "name,wkt\nPark,\"POLYGON((0 0,1 0,1 1,0 0))\"\n";
        let r = read(
            text.as_bytes(),
            "f.csv",
            &CsvOptions::default(),
            &HashMap::new(),
        )
        .unwrap();
        assert!(matches!(r[0].geometry, Ok(Geometry::Polygon(_))));
    }
}

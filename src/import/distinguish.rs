//! Names that say too little: a layer whose rows share one name across
//! several places ("Post office" 27 times, "Trussell Trust" six) gets the
//! place added ("Post office, Sale Moor"), and where two still share it in
//! one place, the nearest postcode. The name as published is kept in the
//! `generic_name` tag. Names shared within one place only (a leisure
//! centre's several facilities) are left alone: they are one site.

use super::Record;
use crate::domain::{haversine_m, Area, Placement};
use geo::{Contains, Point};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The property carrying each row's name to the mapping, and the one
/// carrying the name as published when it was changed.
pub const NAME: &str = "assetmap:name";
pub const GENERIC: &str = "assetmap:generic_name";

/// A record's name, where it is, and the place (ward) it lies in.
type Row<'a> = (String, [f64; 2], Option<&'a str>);

/// Sets `NAME` on every row `name_of` names, and `GENERIC` on those whose
/// name gained a place. `places` are the areas to name places by (wards);
/// `postcodes` are centroids by postcode. Returns how many were renamed.
pub fn distinguish(
    records: &mut [Record],
    name_of: impl Fn(&Record) -> Option<String>,
    places: &[Area],
    postcodes: &HashMap<String, (f64, f64)>,
) -> usize {
    let rows: Vec<Option<Row>> = records
        .iter()
        .map(|r| {
            let name = name_of(r)?;
            let at = Placement::of(r.geometry.as_ref().ok()?).point;
            let place = places
                .iter()
                .find(|a| a.geometry.contains(&Point::new(at[0], at[1])))
                .map(|a| a.name.as_str());
            Some((name, at, place))
        })
        .collect();
    let mut spread: HashMap<&str, HashSet<Option<&str>>> = HashMap::new();
    for (name, _, place) in rows.iter().flatten() {
        spread.entry(name).or_default().insert(*place);
    }
    let generic = |name: &str| spread.get(name).is_some_and(|p| p.len() > 1);
    let labels: Vec<Option<String>> = rows
        .iter()
        .map(|row| {
            let (name, _, place) = row.as_ref()?;
            Some(match place {
                Some(place) if generic(name) => format!("{name}, {place}"),
                _ => name.clone(),
            })
        })
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for label in labels.iter().flatten() {
        *uses.entry(label).or_default() += 1;
    }
    let mut renamed = 0;
    for ((record, row), label) in records.iter_mut().zip(&rows).zip(&labels) {
        let (Some((name, at, _)), Some(label)) = (row, label) else {
            continue;
        };
        let mut label = label.clone();
        if generic(name) && uses[label.as_str()] > 1 {
            if let Some(pc) = nearest_postcode(*at, postcodes) {
                label = format!("{label}, near {pc}");
            }
        }
        if label != *name {
            record.props.insert(GENERIC.into(), json!(name));
            renamed += 1;
        }
        record.props.insert(NAME.into(), json!(label));
    }
    renamed
}

fn nearest_postcode(at: [f64; 2], postcodes: &HashMap<String, (f64, f64)>) -> Option<&str> {
    postcodes
        .iter()
        .map(|(pc, (lon, lat))| (pc, haversine_m(at, [*lon, *lat])))
        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)))
        .map(|(pc, _)| pc.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Geometry;
    use serde_json::Map;

    fn ward(name: &str, lon0: f64) -> Area {
        let ring = vec![
            (lon0, 53.0),
            (lon0 + 1.0, 53.0),
            (lon0 + 1.0, 54.0),
            (lon0, 54.0),
            (lon0, 53.0),
        ];
        Area {
            code: name.into(),
            name: name.into(),
            level: "ward".into(),
            geometry: Geometry::Polygon(geo::Polygon::new(ring.into(), vec![])),
            population: None,
        }
    }

    fn row(name: &str, lon: f64, lat: f64) -> Record {
        let mut props = Map::new();
        props.insert("n".into(), json!(name));
        Record {
            place: "feature".into(),
            props,
            geometry: Ok(Geometry::Point(Point::new(lon, lat))),
            source: None,
            asset_id: None,
        }
    }

    #[test]
    fn shared_names_gain_their_place() {
        let wards = [ward("Sale Moor", -3.0), ward("Stretford", -2.0)];
        let postcodes: HashMap<String, (f64, f64)> = [
            ("M33 1AA".to_string(), (-2.9, 53.5)),
            ("M33 2BB".to_string(), (-2.1, 53.5)),
        ]
        .into();
        let mut rows = [
            row("Post office", -2.9, 53.5),
            row("Post office", -2.1, 53.5),
            row("Post office", -1.5, 53.5),
            row("Leisure centre", -1.5, 53.5),
            row("Leisure centre", -1.5, 53.5),
            row("Library", -2.5, 53.5),
        ];
        let n = distinguish(
            &mut rows,
            |r| r.props["n"].as_str().map(String::from),
            &wards,
            &postcodes,
        );
        let names: Vec<&str> = rows
            .iter()
            .map(|r| r.props[NAME].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Post office, Sale Moor, near M33 1AA",
                "Post office, Sale Moor, near M33 2BB",
                "Post office, Stretford",
                "Leisure centre",
                "Leisure centre",
                "Library",
            ]
        );
        assert_eq!(n, 3);
        assert_eq!(rows[0].props[GENERIC], "Post office");
        assert!(!rows[3].props.contains_key(GENERIC));
    }
}

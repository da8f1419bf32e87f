//! OpenStreetMap `.osm.pbf` in: nodes, ways and multipolygon relations with
//! asset tags, mapped to capital and category by a tag table.

use super::{ImportError, Record};
use crate::domain::{Capital, FieldError};
use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use osmpbf::{Element, ElementReader, RelMemberType};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// One line of the tag table: objects tagged `key=value` are assets of
/// this capital and category. The first line an object matches wins.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TagRule {
    pub key: String,
    pub value: String,
    pub capital: Capital,
    pub category: String,
}

/// The default table, documented in README.md. Replace it with
/// `assetmap import --osm-tags FILE.json`.
pub fn default_tag_table() -> Vec<TagRule> {
    use Capital::*;
    let rows: &[(&str, &str, Capital, &str)] = &[
        ("amenity", "food_bank", Social, "food_bank"),
        ("social_facility", "food_bank", Social, "food_bank"),
        ("amenity", "library", Public, "library"),
        ("amenity", "doctors", Public, "gp"),
        ("amenity", "clinic", Public, "clinic"),
        ("healthcare", "doctor", Public, "gp"),
        ("healthcare", "clinic", Public, "clinic"),
        ("healthcare", "centre", Public, "clinic"),
        ("amenity", "dentist", Public, "dentist"),
        ("healthcare", "dentist", Public, "dentist"),
        ("amenity", "pharmacy", Public, "pharmacy"),
        ("healthcare", "pharmacy", Public, "pharmacy"),
        ("amenity", "school", Public, "school"),
        ("amenity", "college", Public, "school"),
        ("amenity", "kindergarten", Public, "childrens_centre"),
        ("amenity", "childcare", Public, "childrens_centre"),
        ("amenity", "social_facility", Public, "social_facility"),
        ("amenity", "post_office", Public, "post_office"),
        ("amenity", "townhall", Public, "council_service"),
        ("amenity", "police", Public, "police"),
        ("amenity", "community_centre", Physical, "community_centre"),
        ("amenity", "social_centre", Physical, "community_centre"),
        ("amenity", "youth_centre", Physical, "community_centre"),
        ("amenity", "arts_centre", Physical, "arts_centre"),
        ("amenity", "place_of_worship", Physical, "place_of_worship"),
        ("leisure", "park", Physical, "green_space"),
        ("leisure", "recreation_ground", Physical, "green_space"),
        ("leisure", "garden", Physical, "green_space"),
        ("leisure", "playground", Physical, "playground"),
        ("leisure", "sports_centre", Physical, "sports_facility"),
        ("leisure", "pitch", Physical, "sports_facility"),
        ("landuse", "allotments", Physical, "allotment"),
        ("emergency", "defibrillator", Physical, "defibrillator"),
        ("office", "charity", Social, "charity"),
        ("office", "ngo", Social, "charity"),
        ("office", "association", Social, "group"),
        ("shop", "charity", Social, "charity"),
        ("club", "*", Social, "club"),
    ];
    rows.iter()
        .map(|(k, v, c, cat)| TagRule {
            key: k.to_string(),
            value: v.to_string(),
            capital: *c,
            category: cat.to_string(),
        })
        .collect()
}

fn classify<'a>(tags: &HashMap<String, String>, table: &'a [TagRule]) -> Option<&'a TagRule> {
    table.iter().find(|r| {
        tags.get(&r.key)
            .is_some_and(|v| r.value == "*" || v == &r.value)
    })
}

/// Asset properties from OSM tags: name, address, opening hours, website,
/// phone, and wheelchair access as accessibility.
fn properties(tags: &HashMap<String, String>, rule: &TagRule) -> Map<String, Value> {
    let mut p = Map::new();
    let get = |k: &str| tags.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            p.insert(k.to_string(), Value::String(v));
        }
    };
    // Parks and pitches are often unnamed in OSM: call them what they are
    // rather than lose them.
    put("name", get("name").or_else(|| Some(label(&rule.category))));
    put("capital", Some(rule.capital.as_str().to_string()));
    put("category", Some(rule.category.clone()));
    let street: Vec<String> = ["addr:housenumber", "addr:street"]
        .iter()
        .filter_map(|k| get(k))
        .collect();
    let address: Vec<String> = [
        Some(street.join(" ")).filter(|s| !s.is_empty()),
        get("addr:city"),
    ]
    .into_iter()
    .flatten()
    .collect();
    put("address", (!address.is_empty()).then(|| address.join(", ")));
    put("postcode", get("addr:postcode"));
    put("opening_hours", get("opening_hours"));
    put("website", get("website").or_else(|| get("contact:website")));
    put("phone", get("phone").or_else(|| get("contact:phone")));
    put("email", get("email").or_else(|| get("contact:email")));
    put("description", get("description"));
    put(
        "accessibility",
        get("wheelchair").map(|w| format!("wheelchair: {w}")),
    );
    p
}

/// `green_space` -> `Green space`.
fn label(category: &str) -> String {
    let words = category.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// OSM stores positions in units of 1e-7 degrees; dividing the integer
/// gives the double nearest the decimal OSM shows, which the stores then
/// keep exactly (nano-degree arithmetic leaves noise in the last digit).
fn position(decimicro_lon: i32, decimicro_lat: i32) -> (f64, f64) {
    (
        f64::from(decimicro_lon) / 1e7,
        f64::from(decimicro_lat) / 1e7,
    )
}

struct Tagged {
    kind: &'static str,
    id: i64,
    tags: HashMap<String, String>,
    /// Node position, way node refs, or relation outer/inner way ids.
    node: Option<(f64, f64)>,
    refs: Vec<i64>,
    members: Vec<(i64, String)>,
}

pub fn read(path: &Path, table: &[TagRule]) -> Result<Vec<Record>, ImportError> {
    let file = path.display().to_string();
    let unreadable = |e: osmpbf::Error| {
        ImportError::Unreadable(format!("{file}: not a readable .osm.pbf file: {e}"))
    };
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut tagged: Vec<Tagged> = Vec::new();
    let owned = |it: &mut dyn Iterator<Item = (&str, &str)>| -> HashMap<String, String> {
        it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    ElementReader::from_path(path)
        .map_err(unreadable)?
        .for_each(|element| match element {
            Element::Node(n) => {
                let at = position(n.decimicro_lon(), n.decimicro_lat());
                add_node(
                    &mut nodes,
                    &mut tagged,
                    table,
                    n.id(),
                    at,
                    owned(&mut n.tags()),
                );
            }
            Element::DenseNode(n) => {
                let at = position(n.decimicro_lon(), n.decimicro_lat());
                add_node(
                    &mut nodes,
                    &mut tagged,
                    table,
                    n.id(),
                    at,
                    owned(&mut n.tags()),
                );
            }
            Element::Way(w) => {
                let refs: Vec<i64> = w.refs().collect();
                let tags = owned(&mut w.tags());
                if classify(&tags, table).is_some() {
                    tagged.push(Tagged {
                        kind: "way",
                        id: w.id(),
                        tags,
                        node: None,
                        refs: refs.clone(),
                        members: vec![],
                    });
                }
                ways.insert(w.id(), refs);
            }
            Element::Relation(r) => {
                let tags = owned(&mut r.tags());
                if tags.get("type").map(String::as_str) == Some("multipolygon")
                    && classify(&tags, table).is_some()
                {
                    let members = r
                        .members()
                        .filter(|m| m.member_type == RelMemberType::Way)
                        .map(|m| (m.member_id, m.role().unwrap_or("outer").to_string()))
                        .collect();
                    tagged.push(Tagged {
                        kind: "relation",
                        id: r.id(),
                        tags,
                        node: None,
                        refs: vec![],
                        members,
                    });
                }
            }
        })
        .map_err(unreadable)?;

    Ok(tagged
        .into_iter()
        .map(|t| {
            let rule = classify(&t.tags, table).expect("kept only classified objects");
            let source = format!("osm:{}/{}", t.kind, t.id);
            let geometry = match (t.kind, t.node) {
                (_, Some((lon, lat))) => Ok(Point::new(lon, lat).into()),
                ("way", _) => way_geometry(&t.refs, &nodes).or_else(|_| partial(&t.refs, &nodes)),
                _ => relation_geometry(&t.members, &ways, &nodes).or_else(|e| {
                    let refs: Vec<i64> = t
                        .members
                        .iter()
                        .filter_map(|(id, _)| ways.get(id))
                        .flatten()
                        .copied()
                        .collect();
                    partial(&refs, &nodes).map_err(|_| e)
                }),
            }
            .map_err(|m| FieldError::new("geometry", m));
            Record {
                place: source.clone(),
                props: properties(&t.tags, rule),
                geometry,
                source: Some(source),
                asset_id: None,
            }
        })
        .collect())
}

/// Every node's position is kept (ways need them); a tagged one is an asset.
fn add_node(
    nodes: &mut HashMap<i64, (f64, f64)>,
    tagged: &mut Vec<Tagged>,
    table: &[TagRule],
    id: i64,
    at: (f64, f64),
    tags: HashMap<String, String>,
) {
    nodes.insert(id, at);
    if classify(&tags, table).is_some() {
        tagged.push(Tagged {
            kind: "node",
            id,
            tags,
            node: Some(at),
            refs: vec![],
            members: vec![],
        });
    }
}

fn coords(refs: &[i64], nodes: &HashMap<i64, (f64, f64)>) -> Result<Vec<Coord<f64>>, String> {
    refs.iter()
        .map(|r| {
            nodes
                .get(r)
                .map(|(x, y)| Coord { x: *x, y: *y })
                .ok_or_else(|| format!("node {r} is missing from the extract"))
        })
        .collect()
}

/// An object cut by the extract's edge (or a broken multipolygon) is
/// placed at the mean of the nodes that are present, rather than lost.
fn partial(refs: &[i64], nodes: &HashMap<i64, (f64, f64)>) -> Result<Geometry<f64>, String> {
    let present: Vec<&(f64, f64)> = refs.iter().filter_map(|r| nodes.get(r)).collect();
    if present.is_empty() {
        return Err("none of its nodes is in the extract".into());
    }
    let n = present.len() as f64;
    let (x, y) = present
        .iter()
        .fold((0.0, 0.0), |(x, y), (a, b)| (x + a, y + b));
    Ok(Point::new(x / n, y / n).into())
}

/// A closed way is an area; an open one (a path, a fence) is placed at its
/// middle node.
fn way_geometry(refs: &[i64], nodes: &HashMap<i64, (f64, f64)>) -> Result<Geometry<f64>, String> {
    let cs = coords(refs, nodes)?;
    if cs.len() >= 4 && cs.first() == cs.last() {
        Ok(Polygon::new(LineString(cs), vec![]).into())
    } else if let Some(mid) = cs.get(cs.len() / 2) {
        Ok(Point::from(*mid).into())
    } else {
        Err("the way has no nodes".into())
    }
}

/// Joins member ways end to end into closed rings; inner rings become holes
/// of the outer ring that holds them.
fn relation_geometry(
    members: &[(i64, String)],
    ways: &HashMap<i64, Vec<i64>>,
    nodes: &HashMap<i64, (f64, f64)>,
) -> Result<Geometry<f64>, String> {
    let rings_of = |role: &str| -> Result<Vec<LineString<f64>>, String> {
        let parts: Vec<Vec<i64>> = members
            .iter()
            .filter(|(_, r)| r == role || (role == "outer" && r.is_empty()))
            .map(|(id, _)| {
                ways.get(id)
                    .cloned()
                    .ok_or_else(|| format!("way {id} is missing from the extract"))
            })
            .collect::<Result<_, _>>()?;
        assemble(parts)?
            .iter()
            .map(|ring| coords(ring, nodes).map(LineString))
            .collect()
    };
    let outers = rings_of("outer")?;
    if outers.is_empty() {
        return Err("the multipolygon has no outer ring".into());
    }
    let inners = rings_of("inner")?;
    use geo::Contains;
    let polygons = outers
        .into_iter()
        .map(|outer| {
            let shell = Polygon::new(outer.clone(), vec![]);
            let holes = inners
                .iter()
                .filter(|i| i.0.first().is_some_and(|c| shell.contains(c)))
                .cloned()
                .collect();
            Polygon::new(outer, holes)
        })
        .collect();
    Ok(MultiPolygon(polygons).into())
}

fn assemble(mut parts: Vec<Vec<i64>>) -> Result<Vec<Vec<i64>>, String> {
    let mut rings = Vec::new();
    while let Some(mut ring) = parts.pop() {
        while ring.first() != ring.last() {
            let end = *ring.last().expect("non-empty");
            let next = parts
                .iter()
                .position(|p| p.first() == Some(&end) || p.last() == Some(&end))
                .ok_or("a ring of the multipolygon does not close")?;
            let mut part = parts.swap_remove(next);
            if part.first() != Some(&end) {
                part.reverse();
            }
            ring.extend(part.into_iter().skip(1));
        }
        if ring.len() >= 4 {
            rings.push(ring);
        }
    }
    Ok(rings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_rings_from_ways_in_any_direction() {
        let rings = assemble(vec![vec![1, 2, 3], vec![1, 4, 3]]).unwrap();
        assert_eq!(rings.len(), 1);
        assert_eq!(rings[0].first(), rings[0].last());
        assert!(assemble(vec![vec![1, 2, 3]]).is_err());
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let table = default_tag_table();
        let tags: HashMap<String, String> = [
            ("amenity".to_string(), "library".to_string()),
            ("club".to_string(), "chess".to_string()),
        ]
        .into();
        assert_eq!(classify(&tags, &table).unwrap().category, "library");
    }
}

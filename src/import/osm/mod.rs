//! OpenStreetMap `.osm.pbf` in: nodes, ways and multipolygon relations with
//! asset tags, mapped to capital and category by a tag table.

mod shapes;
mod tags;

pub use tags::{default_tag_table, TagRule};

use super::{ImportError, Record};
use crate::domain::FieldError;
use geo::Point;
use osmpbf::{Element, ElementReader, RelMemberType};
use shapes::{partial, relation_geometry, way_geometry};
use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use tags::{classify, properties};

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
    let reader =
        std::fs::File::open(path).map_err(|e| ImportError::Unreadable(format!("{file}: {e}")))?;
    read_from(std::io::BufReader::new(reader), &file, table)
}

/// The records of an extract from any reader (`file` names it in
/// messages): the fuzz target feeds it bytes, `read` a file.
pub fn read_from<R: Read + Send>(
    reader: R,
    file: &str,
    table: &[TagRule],
) -> Result<Vec<Record>, ImportError> {
    let unreadable = |e: osmpbf::Error| {
        ImportError::Unreadable(format!("{file}: not a readable .osm.pbf file: {e}"))
    };
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    let mut ways: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut tagged: Vec<Tagged> = Vec::new();
    let owned = |it: &mut dyn Iterator<Item = (&str, &str)>| -> HashMap<String, String> {
        it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    // osmpbf panics on some malformed blocks (a relation member of no known
    // type) where it should return an error: a bad file is still an error
    // here, not a crash. What was gathered before the panic is dropped.
    let walked = catch_unwind(AssertUnwindSafe(|| {
        ElementReader::new(reader).for_each(|element| match element {
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
    }));
    match walked {
        Ok(result) => result.map_err(unreadable)?,
        Err(_) => {
            return Err(ImportError::Unreadable(format!(
                "{file}: not a readable .osm.pbf file: a malformed block"
            )))
        }
    }

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

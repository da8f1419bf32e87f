//! One asset as the public sees it, held compactly: the text fields packed
//! into one byte blob, the category interned, times as chrono values and the
//! geometry kept only where it is more than the asset's point.

use super::Times;
use crate::domain::public_person;
use crate::domain::{Asset, AssetDraft, Capital, Placement, Status, Visibility};
use chrono::{DateTime, Utc};
use geo::Geometry;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The text fields of an asset, in the order they are packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Description,
    Address,
    Postcode,
    Website,
    Email,
    Phone,
    OpeningHours,
    Accessibility,
    Source,
    VerifiedBy,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::Name,
        Field::Description,
        Field::Address,
        Field::Postcode,
        Field::Website,
        Field::Email,
        Field::Phone,
        Field::OpeningHours,
        Field::Accessibility,
        Field::Source,
        Field::VerifiedBy,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Description => "description",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::Website => "website",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::OpeningHours => "opening_hours",
            Field::Accessibility => "accessibility",
            Field::Source => "source",
            Field::VerifiedBy => "verified_by",
        }
    }
}

/// The text of an asset before packing: what the privacy rule works on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    pub fields: [Option<String>; 11],
    pub tags: BTreeMap<String, String>,
}

impl Texts {
    pub fn set(&mut self, field: Field, value: Option<String>) {
        self.fields[field as usize] = value;
    }

    /// Runs the public rule for area-only assets (people) over the texts as
    /// a JSON map, the shape the rule is written for.
    fn apply_person_rule(&mut self) {
        let mut props: Map<String, Value> = Field::ALL
            .iter()
            .map(|f| (f.key().to_string(), self.fields[*f as usize].clone().into()))
            .collect();
        let tags: Map<String, Value> = std::mem::take(&mut self.tags)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        props.insert("tags".into(), Value::Object(tags));
        public_person(&mut props);
        for f in Field::ALL {
            self.fields[f as usize] = props
                .get(f.key())
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        if let Some(Value::Object(tags)) = props.remove("tags") {
            self.tags = tags
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
                .collect();
        }
    }
}

/// A draft's text fields in `Field::ALL` order.
pub fn draft_texts(d: &AssetDraft) -> [Option<&str>; 11] {
    [
        Some(d.name.as_str()),
        d.description.as_deref(),
        d.address.as_deref(),
        d.postcode.as_deref(),
        d.website.as_deref(),
        d.email.as_deref(),
        d.phone.as_deref(),
        d.opening_hours.as_deref(),
        d.accessibility.as_deref(),
        d.source.as_deref(),
        d.verified_by.as_deref(),
    ]
}

/// Everything else a public record carries besides its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta<'a> {
    pub id: Uuid,
    pub version: i64,
    pub capital: Capital,
    pub category: &'a str,
    pub status: Status,
    pub visibility: Visibility,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
}

impl<'a> Meta<'a> {
    /// A record's metadata, with its times from the store.
    pub fn of(r: &'a super::IndexRecord, times: Times) -> Meta<'a> {
        Meta {
            id: r.id,
            version: r.version,
            capital: r.capital,
            category: &r.category,
            status: r.status,
            visibility: r.visibility,
            created_at: times.created_at,
            updated_at: times.updated_at,
            verified_at: times.verified_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublicAsset {
    pub id: Uuid,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    /// The public point: inside a polygon, generalised for area-only assets.
    pub point: [f64; 2],
    /// The exact geometry when it is not just `point` (polygons).
    pub shape: Option<Box<Geometry<f64>>>,
    pub category: &'static str,
    pub capital: Capital,
    pub status: Status,
    pub visibility: Visibility,
    /// Each field as a varint of (length + 1), 0 for absent, then its bytes;
    /// then the tag count and each key and value the same way.
    packed: Box<[u8]>,
}

impl PublicAsset {
    /// The public view of a stored asset, placed where the index places it.
    pub fn of(asset: &Asset, placement: Placement) -> PublicAsset {
        let d = &asset.draft;
        let mut texts = Texts::default();
        for (f, v) in Field::ALL.into_iter().zip(draft_texts(d)) {
            texts.set(f, v.map(str::to_string));
        }
        texts.tags = d.tags.clone();
        let meta = Meta {
            id: asset.id,
            version: asset.version,
            capital: d.capital(),
            category: &d.category,
            status: d.status,
            visibility: d.visibility(),
            created_at: asset.created_at,
            updated_at: asset.updated_at,
            verified_at: d.verified_at,
        };
        let shape = match &d.geometry {
            Geometry::Point(_) => None,
            g => Some(g.clone()),
        };
        PublicAsset::new(meta, texts, placement, shape)
    }

    /// A view with no text, for records that came without one (tests of
    /// the tree alone).
    pub fn bare(r: &super::IndexRecord) -> PublicAsset {
        let never = Times {
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
            verified_at: None,
        };
        PublicAsset::new(Meta::of(r, never), Texts::default(), r.placement, None)
    }

    /// Builds the view from its parts; `shape` is the exact geometry when
    /// it is not a point (ignored for area-only assets, shown as a point).
    pub fn new(
        meta: Meta,
        mut texts: Texts,
        placement: Placement,
        shape: Option<Geometry<f64>>,
    ) -> PublicAsset {
        if meta.visibility == Visibility::AreaOnly {
            texts.apply_person_rule();
        }
        let fields = texts.fields.each_ref().map(Option::as_deref);
        let packed = pack(fields, &texts.tags);
        PublicAsset::packed(meta, packed, placement, shape)
    }

    /// The same from borrowed text, as a store's scan reads it: for an
    /// exact asset (nearly all) nothing is copied but into the packed bytes.
    pub fn from_parts(
        meta: Meta,
        fields: [Option<&str>; 11],
        tags: BTreeMap<String, String>,
        placement: Placement,
        shape: Option<Geometry<f64>>,
    ) -> PublicAsset {
        if meta.visibility == Visibility::AreaOnly {
            let texts = Texts {
                fields: fields.map(|f| f.map(str::to_string)),
                tags,
            };
            return PublicAsset::new(meta, texts, placement, shape);
        }
        let packed = pack(fields, &tags);
        PublicAsset::packed(meta, packed, placement, shape)
    }

    fn packed(
        meta: Meta,
        packed: Box<[u8]>,
        placement: Placement,
        shape: Option<Geometry<f64>>,
    ) -> PublicAsset {
        let placement = placement.for_visibility(meta.visibility);
        let shape = match meta.visibility {
            Visibility::Exact => shape.map(Box::new),
            Visibility::AreaOnly => None,
        };
        PublicAsset {
            id: meta.id,
            version: meta.version,
            created_at: meta.created_at,
            updated_at: meta.updated_at,
            verified_at: meta.verified_at,
            point: placement.point,
            shape,
            category: super::intern::intern(meta.category),
            capital: meta.capital,
            status: meta.status,
            visibility: meta.visibility,
            packed,
        }
    }

    /// One text field, or `None` when absent.
    pub fn text(&self, field: Field) -> Option<&str> {
        let mut r = Reader(&self.packed);
        for _ in 0..field as usize {
            r.skip();
        }
        r.next()
    }

    /// Every text field in `Field::ALL` order.
    pub fn texts(&self) -> [Option<&str>; 11] {
        let mut r = Reader(&self.packed);
        std::array::from_fn(|_| r.next())
    }

    /// The tags, in key order.
    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut r = Reader(&self.packed);
        for _ in 0..Field::ALL.len() {
            r.skip();
        }
        let n = r.varint();
        (0..n).map(move |_| (r.next().unwrap_or(""), r.next().unwrap_or("")))
    }

    /// Whether `needle` (lower-cased) occurs in the name, description or
    /// (for exact assets) address, as the store's search text does.
    pub fn matches(&self, needle: &str) -> bool {
        let t = self.texts();
        let address = match self.visibility {
            Visibility::Exact => t[Field::Address as usize],
            Visibility::AreaOnly => None,
        };
        let parts = [
            t[Field::Name as usize],
            t[Field::Description as usize],
            address,
        ];
        if needle.contains('\n') {
            let joined: Vec<String> = parts.iter().flatten().map(|s| s.to_lowercase()).collect();
            return joined.join("\n").contains(needle);
        }
        parts.iter().flatten().any(|s| contains_lowered(s, needle))
    }
}

/// `haystack.to_lowercase().contains(needle)`, without allocating for ASCII.
fn contains_lowered(haystack: &str, needle: &str) -> bool {
    if !haystack.is_ascii() {
        return haystack.to_lowercase().contains(needle);
    }
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn pack(fields: [Option<&str>; 11], tags: &BTreeMap<String, String>) -> Box<[u8]> {
    let len = fields.iter().flatten().map(|f| f.len() + 2).sum::<usize>() + 12;
    let mut out = Vec::with_capacity(len);
    for f in fields {
        put(&mut out, f);
    }
    put_varint(&mut out, tags.len());
    for (k, v) in tags {
        put(&mut out, Some(k));
        put(&mut out, Some(v));
    }
    out.into_boxed_slice()
}

fn put(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => put_varint(out, 0),
        Some(s) => {
            put_varint(out, s.len() + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> usize {
        let mut v = 0usize;
        let mut shift = 0;
        while let Some((&b, rest)) = self.0.split_first() {
            self.0 = rest;
            v |= ((b & 0x7f) as usize) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        v
    }

    fn take(&mut self) -> Option<&'a [u8]> {
        let n = self.varint();
        if n == 0 {
            return None;
        }
        let (s, rest) = self.0.split_at(n - 1);
        self.0 = rest;
        Some(s)
    }

    fn skip(&mut self) {
        self.take();
    }

    fn next(&mut self) -> Option<&'a str> {
        // SAFETY: `pack` is the only writer, and it copies whole `&str`s
        // (each field and tag at its own length), so every slice `take`
        // returns is one of them: valid UTF-8. Checking again cost 2.5 %
        // of a bbox answer.
        self.take()
            .map(|b| unsafe { std::str::from_utf8_unchecked(b) })
    }
}

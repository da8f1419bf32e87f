//! The read model says exactly what `Asset::to_public_feature` says.

use super::*;
use crate::domain::{Asset, AssetDraft, Capital, Status, Visibility};
use chrono::{TimeZone, Utc};
use geo::{polygon, Geometry, MultiPolygon, Point};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

fn maybe(rng: &mut SmallRng, s: &str) -> Option<String> {
    rng.gen_bool(0.6)
        .then(|| format!("{s} \"é\\ {}", rng.gen::<u16>()))
}

fn geometry(rng: &mut SmallRng) -> Geometry<f64> {
    let (x, y) = (rng.gen_range(-3.0..-2.0), rng.gen_range(53.0..54.0));
    match rng.gen_range(0..3) {
        0 => Point::new(x, y).into(),
        1 => polygon![(x: x, y: y), (x: x + 0.01, y: y), (x: x, y: y + 0.01), (x: x, y: y)].into(),
        _ => MultiPolygon(vec![
            polygon![(x: x, y: y), (x: x + 0.01, y: y), (x: x, y: y + 0.01), (x: x, y: y)],
            polygon![(x: x + 1.0, y: y), (x: x + 1.01, y: y), (x: x + 1.0, y: y + 0.01), (x: x + 1.0, y: y)],
        ])
        .into(),
    }
}

pub fn random_asset(rng: &mut SmallRng) -> Asset {
    let person = rng.gen_bool(0.3);
    let mut tags = BTreeMap::new();
    for k in ["addr:street", "skill", "contact:phone", "wheelchair"] {
        if rng.gen_bool(0.5) {
            tags.insert(k.to_string(), format!("v{}", rng.gen::<u8>()));
        }
    }
    let t = Utc.timestamp_opt(1_700_000_000 + rng.gen_range(0..10_000_000), 123_456_000);
    let t = t.single().unwrap();
    Asset {
        id: Uuid::from_u128(rng.gen()),
        draft: {
            let (capital, category) = if person {
                (Capital::Human, "skill")
            } else {
                (Capital::Public, "library")
            };
            let mut d = AssetDraft::new(
                format!("Name {}", rng.gen::<u32>()),
                capital,
                category.into(),
                geometry(rng),
                None,
                person,
            )
            .unwrap();
            d.description = maybe(rng, "desc\nline");
            d.address = maybe(rng, "1 High St");
            d.postcode = rng.gen_bool(0.7).then(|| "M33 7XX".to_string());
            d.website = maybe(rng, "https://x.org/");
            d.email = maybe(rng, "a@b.org");
            d.phone = maybe(rng, "0161");
            d.opening_hours = maybe(rng, "Mo-Fr");
            d.accessibility = maybe(rng, "ramp");
            d.tags = tags;
            d.source = maybe(rng, "import:x");
            d.status = if rng.gen_bool(0.9) {
                Status::Published
            } else {
                Status::Proposed
            };
            d.verified_at = rng.gen_bool(0.5).then_some(t);
            d.verified_by = maybe(rng, "officer");
            d
        },
        created_at: t,
        created_by: "a".into(),
        updated_at: t,
        updated_by: "b".into(),
        version: rng.gen_range(1..20),
    }
}

fn view_of(a: &Asset) -> PublicAsset {
    PublicAsset::of(a, a.placement())
}

#[test]
fn features_are_byte_for_byte_the_public_feature() {
    let mut rng = SmallRng::seed_from_u64(7);
    for _ in 0..500 {
        let a = random_asset(&mut rng);
        let mut out = Vec::new();
        write_feature(&mut out, &view_of(&a), None);
        let expected = a.to_public_feature().to_string();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}

#[test]
fn collections_carry_counts_and_rounded_distances() {
    let mut rng = SmallRng::seed_from_u64(8);
    let assets: Vec<Asset> = (0..3).map(|_| random_asset(&mut rng)).collect();
    let views: Vec<PublicAsset> = assets.iter().map(view_of).collect();
    let mut out = Vec::new();
    write_collection(&mut out, 7, views.iter().map(|v| (v, Some(12.345))));
    let got: Value = serde_json::from_slice(&out).unwrap();
    let mut features: Vec<Value> = assets.iter().map(|a| a.to_public_feature()).collect();
    for f in &mut features {
        f["properties"]["distance_m"] = json!(12.3);
    }
    let expected = json!({"type": "FeatureCollection", "numberMatched": 7, "numberReturned": 3, "features": features});
    assert_eq!(got, expected);
    assert_eq!(String::from_utf8(out).unwrap(), expected.to_string());
}

/// The export's CSV row as it was written from `to_public_feature`.
fn reference_csv_row(a: &Asset) -> String {
    let f = a.to_public_feature();
    let p = &f["properties"];
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let placement = a.placement().for_visibility(a.draft.visibility());
    let wkt = match a.draft.visibility() {
        Visibility::Exact => wkt::ToWkt::wkt_string(&a.draft.geometry),
        Visibility::AreaOnly => format!("POINT({} {})", placement.point[0], placement.point[1]),
    };
    crate::export::csv_line(crate::export::columns().map(|c| match c {
        "lon" => placement.point[0].to_string(),
        "lat" => placement.point[1].to_string(),
        "wkt" => wkt.clone(),
        "tags" => p["tags"].to_string(),
        other => text(&p[other]),
    }))
}

#[test]
fn csv_rows_are_the_public_feature() {
    let mut rng = SmallRng::seed_from_u64(9);
    for _ in 0..300 {
        let a = random_asset(&mut rng);
        assert_eq!(csv_row(&view_of(&a)), reference_csv_row(&a));
    }
}

#[test]
fn text_search_is_the_stores_search_text() {
    let mut rng = SmallRng::seed_from_u64(10);
    let needles = [
        "name",
        "NAME 1",
        "desc\nline",
        "é",
        "high st",
        "",
        "\"é\\",
        "zz",
    ];
    for _ in 0..300 {
        let a = random_asset(&mut rng);
        let v = view_of(&a);
        for n in needles {
            let n = n.to_lowercase();
            assert_eq!(v.matches(&n), a.draft.search_text().contains(&n), "{n:?}");
        }
    }
}

#[test]
fn views_are_compact() {
    assert!(
        std::mem::size_of::<PublicAsset>() <= 144,
        "{}",
        std::mem::size_of::<PublicAsset>()
    );
}

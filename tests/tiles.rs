//! Vector tiles from memory: every tile's features equal a brute-force
//! selection of the public assets (from the export) in the tile and its
//! buffer, clustered below zoom 14 (the tile's own points, by cell, with
//! a count of each capital); the ETag changes when the data does.

use crate::common;

use common::{Backend, TestApp};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

on_both_stores!(tiles_hold_exactly_the_assets_in_their_bounds);

const EXTENT: f64 = 4096.0;
const BUFFER: f64 = 64.0;
const CELL: i64 = 1024;
const CAPITALS: [&str; 5] = ["social", "human", "public", "physical", "financial"];

/// One decoded feature: its point and its properties as text.
type Decoded = ((i64, i64), BTreeMap<String, String>);

fn varint(b: &[u8], i: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*i];
        *i += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        if byte < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// The (field, wire type, payload) of each field of a message.
fn fields(b: &[u8]) -> Vec<(u64, Vec<u8>, u64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = varint(b, &mut i);
        match key & 7 {
            0 => out.push((key >> 3, Vec::new(), varint(b, &mut i))),
            2 => {
                let n = varint(b, &mut i) as usize;
                out.push((key >> 3, b[i..i + n].to_vec(), 0));
                i += n;
            }
            t => panic!("unexpected wire type {t}"),
        }
    }
    out
}

fn packed(b: &[u8]) -> Vec<u64> {
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        out.push(varint(b, &mut i));
    }
    out
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn decode(tile: &[u8]) -> Vec<Decoded> {
    let layers: Vec<_> = fields(tile).into_iter().filter(|f| f.0 == 3).collect();
    if layers.is_empty() {
        return Vec::new();
    }
    assert_eq!(layers.len(), 1);
    let layer = fields(&layers[0].1);
    let text = |n: u64| -> Vec<String> {
        layer
            .iter()
            .filter(|f| f.0 == n)
            .map(|f| f.1.clone())
            .map(|b| {
                if n == 3 {
                    return String::from_utf8(b).unwrap();
                }
                let v = fields(&b);
                match v[0].0 {
                    1 => String::from_utf8(v[0].1.clone()).unwrap(),
                    5 => v[0].2.to_string(),
                    other => panic!("value type {other}"),
                }
            })
            .collect()
    };
    let (keys, values) = (text(3), text(4));
    assert!(layer.iter().any(|f| f.0 == 1 && f.1 == b"assets"));
    assert!(layer.iter().any(|f| f.0 == 15 && f.2 == 2));
    assert!(layer.iter().any(|f| f.0 == 5 && f.2 == 4096));
    layer
        .iter()
        .filter(|f| f.0 == 2)
        .map(|f| {
            let feature = fields(&f.1);
            let get = |n: u64| feature.iter().find(|x| x.0 == n).unwrap();
            assert_eq!(get(3).2, 1, "a point");
            let g = packed(&get(4).1);
            assert_eq!(g[0], 9, "one MoveTo");
            let tags = packed(&get(2).1);
            let props = tags
                .chunks(2)
                .map(|kv| (keys[kv[0] as usize].clone(), values[kv[1] as usize].clone()))
                .collect();
            ((unzigzag(g[1]), unzigzag(g[2])), props)
        })
        .collect()
}

fn project(p: [f64; 2], z: u32, x: u32, y: u32) -> Option<(i64, i64)> {
    if p[1].abs() > 85.051_128_779_806_59 {
        return None;
    }
    let n = (1u64 << z) as f64;
    let lat = p[1].to_radians();
    let wx = (p[0] + 180.0) / 360.0;
    let wy = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    let px = ((wx * n - x as f64) * EXTENT).round();
    let py = ((wy * n - y as f64) * EXTENT).round();
    let ok = |v: f64| (-BUFFER..=EXTENT + BUFFER).contains(&v);
    (ok(px) && ok(py)).then_some((px as i64, py as i64))
}

/// An asset in a cluster cell: id, tile position and feature.
type Member<'a> = (String, String, i64, i64, &'a Value);

/// The tile computed from the public features, by brute force.
fn expected(features: &[Value], z: u32, x: u32, y: u32) -> BTreeSet<String> {
    let mut singles = Vec::new();
    let mut cells: BTreeMap<(i64, i64), Vec<Member>> = BTreeMap::new();
    for f in features {
        let p = &f["properties"];
        let point = [
            p["point"][0].as_f64().unwrap(),
            p["point"][1].as_f64().unwrap(),
        ];
        let Some((px, py)) = project(point, z, x, y) else {
            continue;
        };
        let capital = p["capital"].as_str().unwrap().to_string();
        let id = f["id"].as_str().unwrap().to_string();
        let inside = |v: i64| (0..EXTENT as i64).contains(&v);
        if z >= 14 {
            singles.push((px, py, f));
        } else if inside(px) && inside(py) {
            cells
                .entry((px.div_euclid(CELL), py.div_euclid(CELL)))
                .or_default()
                .push((capital, id, px, py, f));
        }
    }
    let single = |px: i64, py: i64, f: &Value| {
        let p = &f["properties"];
        format!(
            "{px},{py} id={} name={} capital={} category={}",
            f["id"].as_str().unwrap(),
            p["name"].as_str().unwrap(),
            p["capital"].as_str().unwrap(),
            p["category"].as_str().unwrap()
        )
    };
    let mut out: BTreeSet<String> = singles
        .iter()
        .map(|(px, py, f)| single(*px, *py, f))
        .collect();
    for members in cells.into_values() {
        if members.len() == 1 {
            let (_, _, px, py, f) = &members[0];
            out.insert(single(*px, *py, f));
        } else {
            let n = members.len() as i64;
            let sx: i64 = members.iter().map(|m| m.2).sum();
            let sy: i64 = members.iter().map(|m| m.3).sum();
            let mut text = format!("{},{} count={n}", sx / n, sy / n);
            for c in CAPITALS {
                let k = members.iter().filter(|m| m.0 == c).count();
                if k > 0 {
                    text.push_str(&format!(" {c}={k}"));
                }
            }
            out.insert(text);
        }
    }
    out
}

fn describe(decoded: Vec<Decoded>) -> BTreeSet<String> {
    decoded
        .into_iter()
        .map(|((x, y), p)| {
            let keys = ["id", "name", "capital", "category", "count"];
            let props: Vec<String> = keys
                .iter()
                .chain(CAPITALS.iter().filter(|_| p.contains_key("count")))
                .filter_map(|k| p.get(*k).map(|v| format!("{k}={v}")))
                .collect();
            assert_eq!(props.len(), p.len(), "no other properties: {p:?}");
            format!("{x},{y} {}", props.join(" "))
        })
        .collect()
}

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = (1u64 << z) as f64;
    let lat_r = lat.to_radians();
    let x = ((lon + 180.0) / 360.0 * n) as u32;
    let y =
        ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    (x, y)
}

async fn tiles_hold_exactly_the_assets_in_their_bounds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut rng = SmallRng::seed_from_u64(5);
    let mut features = Vec::new();
    for n in 0..400 {
        // Dense around one spot so that low zooms cluster, and people too.
        let lon = -2.3 + rng.gen_range(-0.05..0.05) * rng.gen::<f64>();
        let lat = 53.4 + rng.gen_range(-0.03..0.03) * rng.gen::<f64>();
        let (capital, category) = [
            ("public", "library"),
            ("social", "food_bank"),
            ("human", "skill"),
        ][n % 3];
        features.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": format!("A{n}"), "capital": capital, "category": category, "consent": true}}));
    }
    let r = app
        .request(Method::POST, "/api/import?dataset=t")
        .json(&json!({"type": "FeatureCollection", "features": features}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, export) = app.get_json("/api/export.geojson").await;
    let public = export["features"].as_array().unwrap().clone();
    assert_eq!(public.len(), 400);
    let mut checked = 0;
    for z in [0u32, 5, 9, 12, 13, 14, 15, 16] {
        let (cx, cy) = tile_of(-2.3, 53.4, z);
        for (dx, dy) in [(0i64, 0i64), (-1, 0), (0, -1), (1, 1), (-1, -1)] {
            let (x, y) = (cx as i64 + dx, cy as i64 + dy);
            if x < 0 || y < 0 || x >= 1 << z || y >= 1 << z {
                continue;
            }
            let (x, y) = (x as u32, y as u32);
            let r = app
                .client
                .get(app.url(&format!("/tiles/assets/{z}/{x}/{y}.mvt")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let got = describe(decode(&r.bytes().await.unwrap()));
            assert_eq!(got, expected(&public, z, x, y), "tile {z}/{x}/{y}");
            checked += got.len();
        }
    }
    assert!(checked > 400, "tiles held {checked} features");
    // Filters, and an ETag that changes with the data.
    let (cx, cy) = tile_of(-2.3, 53.4, 16);
    let path = format!("/tiles/assets/16/{cx}/{cy}.mvt?capital=public");
    let r = app.client.get(app.url(&path)).send().await.unwrap();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let only_public: Vec<Value> = public
        .iter()
        .filter(|f| f["properties"]["capital"] == "public")
        .cloned()
        .collect();
    assert_eq!(
        describe(decode(&r.bytes().await.unwrap())),
        expected(&only_public, 16, cx, cy)
    );
    let r = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    app.create(&common::point(
        "New library",
        "public",
        "library",
        -2.3,
        53.4,
    ))
    .await;
    let r = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag);
    // Text narrows the tiles to what /api/assets?q= finds, and the map's
    // counts are the list's, capital by capital.
    let (_, found) = app.get_json("/api/assets?q=%20a1%20&limit=10000").await;
    let ids: BTreeSet<&str> = found["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() > 10 && ids.len() < 200, "{} found", ids.len());
    let (_, export) = app.get_json("/api/export.geojson").await;
    let public = export["features"].as_array().unwrap().clone();
    let matching: Vec<Value> = public
        .iter()
        .filter(|f| ids.contains(f["id"].as_str().unwrap()))
        .cloned()
        .collect();
    for z in [9u32, 13, 16] {
        let (x, y) = tile_of(-2.3, 53.4, z);
        let path = format!("/tiles/assets/{z}/{x}/{y}.mvt?q=%20A1%20");
        let r = app.client.get(app.url(&path)).send().await.unwrap();
        let got = describe(decode(&r.bytes().await.unwrap()));
        assert_eq!(got, expected(&matching, z, x, y), "tile {z}/{x}/{y} with q");
    }
    let bbox = "bbox=-2.32,53.39,-2.29,53.41";
    let (status, counts) = app
        .get_json(&format!("/api/assets/counts?{bbox}&capital=public,social"))
        .await;
    assert_eq!(status, 200, "{counts}");
    let client = &app;
    let matched = |q: String| async move {
        let (_, body) = client.get_json(&format!("/api/assets?{q}&limit=1")).await;
        body["numberMatched"].as_u64().unwrap()
    };
    let both = matched(format!("{bbox}&capital=public,social")).await;
    assert!(both > 10);
    assert_eq!(counts["numberMatched"].as_u64(), Some(both));
    for c in CAPITALS {
        let n = matched(format!("{bbox}&capital={c}")).await;
        assert_eq!(counts["byCapital"][c].as_u64(), Some(n), "{c}");
    }
    let (status, body) = app.get_json("/api/assets/counts?bbox=1,2,3").await;
    assert_eq!((status, common::field(&body)), (400, "bbox"));
    let (status, tilejson) = app.get_json("/tiles/assets.json?capital=social").await;
    assert_eq!(status, 200);
    assert_eq!(tilejson["vector_layers"][0]["id"], "assets");
    assert!(tilejson["tiles"][0]
        .as_str()
        .unwrap()
        .contains("capital=social"));
    let (status, body) = app.get_json("/tiles/assets/23/0/0.mvt").await;
    assert_eq!((status, common::field(&body)), (400, "z"));
    app.stop().await;
}

//! A basemap of our own: a real MBTiles built by tilemaker from the Leeds
//! extract (and a PMTiles copy), served as tiles, style and glyphs; 404s
//! outside what the file has; damaged files refused at start-up and by
//! `assetmap basemap check`.

use crate::basemap_fixture;
use crate::common;

use basemap_fixture::*;
use common::{status_json, Backend};
use pbf_font_tools::prost::Message;
use reqwest::Client;
use std::io::Read;

on_both_stores!(
    an_mbtiles_basemap_is_served_with_style_and_glyphs,
    a_pmtiles_basemap_serves_the_same_tiles,
    without_a_file_the_page_gets_a_style_url_and_basemap_routes_404,
    a_damaged_basemap_stops_the_server_starting,
);

/// Leeds's two z14 tiles (XYZ): tilemaker writes TMS rows 11108.
const LEEDS_Z14: (u32, u32) = (8121, (1 << 14) - 1 - 11108);

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

async fn get(url: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut r = Client::new().get(url);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.send().await.unwrap()
}

async fn assert_404_json(url: &str) -> String {
    let (status, body) = status_json(get(url, &[]).await).await;
    assert_eq!(status, 404, "{url}: {body}");
    assert_eq!(body["error"]["code"], "not_found", "{url}");
    body["error"]["message"].as_str().unwrap().to_string()
}

async fn an_mbtiles_basemap_is_served_with_style_and_glyphs(backend: Backend) {
    let file = leeds_mbtiles();
    let server = BasemapServer::start(backend, Some(file.to_str().unwrap()))
        .await
        .unwrap();

    let (_, config) = status_json(get(&server.url("/api/config"), &[]).await).await;
    assert_eq!(config["basemap_style"], "/basemap/style.json");
    let attribution = config["attribution"].to_string();
    assert!(attribution.contains("OpenMapTiles"), "{attribution}");
    assert!(
        attribution.contains("OpenStreetMap contributors"),
        "{attribution}"
    );

    // The style: absolute URLs on the host asked for, the file's zooms and bounds.
    let (status, style) = status_json(get(&server.url("/basemap/style.json"), &[]).await).await;
    assert_eq!(status, 200);
    let source = &style["sources"]["openmaptiles"];
    assert_eq!(source["tiles"][0], server.url("/basemap/{z}/{x}/{y}.pbf"));
    assert_eq!(
        (source["minzoom"].as_u64(), source["maxzoom"].as_u64()),
        (Some(0), Some(14))
    );
    let west = source["bounds"][0].as_f64().unwrap();
    assert!((west - -1.561196).abs() < 1e-6, "{west}");
    assert_eq!(
        style["glyphs"],
        server.url("/fonts/{fontstack}/{range}.pbf")
    );
    let (_, proxied) = status_json(
        get(
            &server.url("/basemap/style.json"),
            &[("host", "map.example.org"), ("x-forwarded-proto", "https")],
        )
        .await,
    )
    .await;
    assert_eq!(
        proxied["glyphs"],
        "https://map.example.org/fonts/{fontstack}/{range}.pbf"
    );

    // A tile: gzip as stored, with ETag and Cache-Control; a vector tile
    // with the schema's roads inside.
    let (x, y) = LEEDS_Z14;
    let url = server.url(&format!("/basemap/14/{x}/{y}.pbf"));
    let r = get(&url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.headers()["content-type"], "application/x-protobuf");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let tile = gunzip(&r.bytes().await.unwrap());
    assert_eq!(tile[0], 0x1a, "a vector tile starts with a layer");
    assert!(tile.windows(14).any(|w| w == b"transportation"));
    let again = get(
        &url,
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), 304);
    // A client that cannot take gzip gets it unzipped.
    let plain = get(&url, &[]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().to_vec(), tile);

    // Inside the zoom range but where the file has nothing: empty, not an error.
    assert_eq!(
        get(&server.url("/basemap/14/0/0.pbf"), &[]).await.status(),
        204
    );
    // Outside what the file has: 404 in JSON, never 500.
    let message =
        assert_404_json(&server.url(&format!("/basemap/15/{}/{}.pbf", x * 2, y * 2))).await;
    assert!(message.contains("0-14"), "{message}");
    for bad in [
        "/basemap/14/99999/5.pbf",
        "/basemap/a/b/c.pbf",
        "/basemap/3/1/1.png",
        "/basemap/300/1/1.pbf",
    ] {
        assert_404_json(&server.url(bad)).await;
    }

    // Glyphs rendered from the installed fonts, for the style's font stacks.
    let fonts = style["layers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["layout"]["text-font"].as_array())
        .map(|f| {
            f.iter()
                .map(|s| s.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<std::collections::BTreeSet<_>>();
    assert!(!fonts.is_empty());
    for stack in &fonts {
        let r = get(&server.url(&format!("/fonts/{stack}/0-255.pbf")), &[]).await;
        assert_eq!(r.status(), 200, "{stack}");
        let glyphs = pbf_font_tools::Glyphs::decode(r.bytes().await.unwrap()).unwrap();
        let a = glyphs.stacks[0]
            .glyphs
            .iter()
            .find(|g| g.id == u32::from('A'))
            .expect("an A");
        assert!(
            a.width > 0 && a.bitmap.as_ref().is_some_and(|b| !b.is_empty()),
            "{stack}"
        );
    }
    let unknown = assert_404_json(&server.url("/fonts/Comic%20Nonsense%20Regular/0-255.pbf")).await;
    assert!(unknown.contains("Comic Nonsense Regular"), "{unknown}");
    for bad in ["1-256", "0-256", "65536-65791", "zero"] {
        assert_404_json(&server.url(&format!("/fonts/Noto%20Sans%20Regular/{bad}.pbf"))).await;
    }
}

async fn a_pmtiles_basemap_serves_the_same_tiles(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let file = leeds_pmtiles(dir.path()).await;
    let server = BasemapServer::start(backend, Some(file.to_str().unwrap()))
        .await
        .unwrap();
    let (_, style) = status_json(get(&server.url("/basemap/style.json"), &[]).await).await;
    assert_eq!(style["sources"]["openmaptiles"]["maxzoom"], 14);
    for (z, x, y, stored) in mbtiles_tiles(&leeds_mbtiles()).await {
        let r = get(
            &server.url(&format!("/basemap/{z}/{x}/{y}.pbf")),
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(r.status(), 200, "{z}/{x}/{y}");
        assert_eq!(r.headers()["content-encoding"], "gzip");
        assert_eq!(
            gunzip(&r.bytes().await.unwrap()),
            gunzip(&stored),
            "{z}/{x}/{y}"
        );
    }
    assert_404_json(&server.url("/basemap/15/0/0.pbf")).await;
}

async fn without_a_file_the_page_gets_a_style_url_and_basemap_routes_404(backend: Backend) {
    let server = BasemapServer::start(backend, None).await.unwrap();
    let (_, config) = status_json(get(&server.url("/api/config"), &[]).await).await;
    assert_eq!(config["basemap_style"], assetmap::basemap::PUBLIC_STYLE);
    assert_404_json(&server.url("/basemap/style.json")).await;
    assert_404_json(&server.url("/basemap/0/0/0.pbf")).await;
    drop(server);
    let plain = BasemapServer::start(backend, Some("none")).await.unwrap();
    let (_, config) = status_json(get(&plain.url("/api/config"), &[]).await).await;
    assert!(config["basemap_style"].is_null());
}

async fn a_damaged_basemap_stops_the_server_starting(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let cut = truncated(&leeds_mbtiles(), dir.path(), 0.5);
    let e = BasemapServer::start(backend, Some(cut.to_str().unwrap()))
        .await
        .err()
        .expect("a truncated basemap is refused");
    assert!(format!("{e:#}").contains("truncated"), "{e:#}");
}

/// `assetmap basemap check` on good and bad files.
fn check(file: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_assetmap"))
        .args(["basemap", "check"])
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(if out.status.success() {
        &out.stdout
    } else {
        &out.stderr
    });
    (out.status.success(), text.into_owned())
}

#[tokio::test]
async fn basemap_check_reports_a_good_file_and_refuses_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = leeds_mbtiles();
    let (ok, report) = check(&good);
    assert!(ok, "{report}");
    for want in [
        "MBTiles",
        "-1.561196,53.806303,-1.549845,53.809293",
        "zoom:      0-14",
        "transportation",
        "place",
        "quick_check passed",
    ] {
        assert!(report.contains(want), "{want} in {report}");
    }
    let pmtiles = leeds_pmtiles(dir.path()).await;
    let (ok, report) = check(&pmtiles);
    assert!(
        ok && report.contains("PMTiles") && report.contains("zoom:      0-14"),
        "{report}"
    );

    let not_omt = made_mbtiles(dir.path(), "roads.mbtiles", "pbf", &["roads", "earth"]).await;
    let raster = made_mbtiles(dir.path(), "raster.mbtiles", "png", &[]).await;
    let junk = dir.path().join("junk.mbtiles");
    std::fs::write(&junk, b"this is not a tile file at all").unwrap();
    let refusals = [
        (truncated(&good, dir.path(), 0.5), "truncated"),
        (truncated(&pmtiles, dir.path(), 0.6), "truncated"),
        (damaged(&good, dir.path()), "damaged"),
        (
            not_omt,
            "OpenMapTiles schema: no transportation, water, place layer",
        ),
        (raster, "needs vector tiles"),
        (junk, "neither an MBTiles"),
        (dir.path().join("missing.pmtiles"), "missing.pmtiles"),
    ];
    for (file, reason) in refusals {
        let (ok, message) = check(&file);
        assert!(!ok, "{} was accepted", file.display());
        assert!(message.contains(reason), "{reason} in {message}");
    }
}

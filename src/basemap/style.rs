//! The built-in light style (light-style.json, written for this map), with
//! its source pointed at the tiles we serve and its glyphs at our fonts.

use super::{TileInfo, ATTRIBUTION};
use serde_json::{json, Value};
use std::sync::OnceLock;

fn template() -> &'static Value {
    static STYLE: OnceLock<Value> = OnceLock::new();
    STYLE.get_or_init(|| {
        serde_json::from_str(include_str!("light-style.json")).expect("light-style.json is JSON")
    })
}

/// The style for tiles described by `info`, with absolute URLs under
/// `origin` (`http://host:port`): MapLibre needs absolute tile and glyph
/// URLs in a style given as an object.
pub fn light_style(origin: &str, info: &TileInfo) -> Value {
    let mut style = template().clone();
    let [w, s, e, n] = info.bounds;
    style["sources"] = json!({
        "openmaptiles": {
            "type": "vector",
            "tiles": [format!("{origin}/basemap/{{z}}/{{x}}/{{y}}.pbf")],
            "minzoom": info.minzoom,
            "maxzoom": info.maxzoom,
            "bounds": [w, s, e, n],
            "attribution": ATTRIBUTION,
        }
    });
    style["glyphs"] = json!(format!("{origin}/fonts/{{fontstack}}/{{range}}.pbf"));
    style["center"] = json!([(w + e) / 2.0, (s + n) / 2.0]);
    style
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basemap::Format;

    #[test]
    fn every_layer_uses_our_source_and_a_layer_the_schema_has() {
        let info = TileInfo {
            format: Format::MbTiles,
            name: None,
            bounds: [-1.6, 53.8, -1.5, 53.9],
            minzoom: 0,
            maxzoom: 14,
            layers: vec![],
            integrity: String::new(),
        };
        let style = light_style("http://127.0.0.1:8080", &info);
        assert_eq!(
            style["sources"]["openmaptiles"]["tiles"][0],
            "http://127.0.0.1:8080/basemap/{z}/{x}/{y}.pbf"
        );
        let schema = [
            "landcover",
            "landuse",
            "park",
            "water",
            "waterway",
            "building",
            "transportation",
            "boundary",
            "water_name",
            "transportation_name",
            "place",
        ];
        for layer in style["layers"].as_array().unwrap() {
            if layer["type"] == "background" {
                continue;
            }
            assert_eq!(layer["source"], "openmaptiles", "{}", layer["id"]);
            let source_layer = layer["source-layer"].as_str().unwrap();
            assert!(schema.contains(&source_layer), "{source_layer}");
        }
    }
}

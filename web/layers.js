// The map and its layers: the base style, asset points and shapes,
// clusters as buttons, area outlines and their labels.
import { t } from "./messages.js";
import { CAPITALS, STYLE, state, map, $, status, getJSON, shapeCanvas } from "./core.js";
import { select } from "./details.js";
import { nearest } from "./near.js";
import { showProfile } from "./gaps.js";

let clusterMarkers = new Map();
let areaMarkers = [];

export function bboxParam() {
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
    .map((v) => v.toFixed(6))
    .join(",");
}

// Whether the map's sources exist yet: controls can be used before the
// map has loaded.
export function mapReady() {
  return Boolean(map && map.getSource("assets"));
}

export async function baseStyle(url) {
  const plain = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": "#eef1ee" } }],
  };
  if (!url) return plain;
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4000);
    const response = await fetch(url, { signal: controller.signal });
    clearTimeout(timer);
    if (!response.ok) throw new Error(response.statusText);
    return await response.json();
  } catch {
    // No basemap reachable: the assets and areas still show.
    return plain;
  }
}

export function addLayers() {
  for (const c of CAPITALS) {
    const canvas = shapeCanvas(c, 40);
    map.addImage(`capital-${c}`, canvas.getContext("2d").getImageData(0, 0, 40, 40), { pixelRatio: 2 });
  }
  const empty = { type: "FeatureCollection", features: [] };
  map.addSource("areas", { type: "geojson", data: empty });
  map.addSource("gaps", { type: "geojson", data: empty });
  map.addSource("asset-shapes", { type: "geojson", data: empty });
  map.addSource("assets", { type: "geojson", data: empty, cluster: true, clusterMaxZoom: 13, clusterRadius: 45 });
  const colour = ["match", ["get", "capital"], ...CAPITALS.flatMap((c) => [c, STYLE[c].colour]), "#888"];
  map.addLayer({ id: "gaps-fill", type: "fill", source: "gaps", paint: { "fill-color": "#cccccc", "fill-opacity": 0.7 } });
  map.addLayer({ id: "gaps-flag", type: "line", source: "gaps", filter: ["==", ["get", "gap"], true], paint: { "line-color": "#b00020", "line-width": 3 } });
  map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": "#3d3d3d", "line-width": 1.5, "line-dasharray": [3, 2] } });
  map.on("click", "gaps-fill", (e) => {
    e.preventDefault();
    showProfile(e.features[0].properties.code);
  });
  map.addLayer({ id: "shapes-fill", type: "fill", source: "asset-shapes", minzoom: 12, paint: { "fill-color": colour, "fill-opacity": 0.25 } });
  map.addLayer({ id: "shapes-line", type: "line", source: "asset-shapes", minzoom: 12, paint: { "line-color": colour, "line-width": 1 } });
  map.addLayer({
    id: "assets-points",
    type: "symbol",
    source: "assets",
    filter: ["!", ["has", "point_count"]],
    layout: { "icon-image": ["concat", "capital-", ["get", "capital"]], "icon-allow-overlap": true, "icon-size": 1 },
  });
  map.on("click", "assets-points", (e) => {
    e.preventDefault();
    select(e.features[0].properties.id, false);
  });
  map.on("mouseenter", "assets-points", () => (map.getCanvas().style.cursor = "pointer"));
  map.on("mouseleave", "assets-points", () => (map.getCanvas().style.cursor = ""));
  map.on("click", (e) => {
    if (e.defaultPrevented) return;
    nearest(e.lngLat.lng, e.lngLat.lat, t("near_point"));
  });
}


// ---- clusters as HTML buttons, so that they carry counts without a font
// server and can be reached by keyboard -----------------------------------

export function renderClusters() {
  const source = map.getSource("assets");
  if (!source || !map.isSourceLoaded("assets")) return;
  const seen = new Set();
  for (const f of map.querySourceFeatures("assets")) {
    if (!f.properties.cluster) continue;
    const id = f.properties.cluster_id;
    if (seen.has(id)) continue;
    seen.add(id);
    let marker = clusterMarkers.get(id);
    if (!marker) {
      const n = f.properties.point_count;
      const el = document.createElement("button");
      el.type = "button";
      el.className = "cluster";
      const size = 26 + Math.min(24, Math.log2(n) * 4);
      el.style.width = el.style.height = `${size}px`;
      el.textContent = f.properties.point_count_abbreviated;
      el.setAttribute("aria-label", t("cluster_label", { n }));
      const at = f.geometry.coordinates;
      el.addEventListener("click", async (e) => {
        e.stopPropagation();
        const zoom = await source.getClusterExpansionZoom(id);
        map.easeTo({ center: at, zoom });
      });
      marker = new maplibregl.Marker({ element: el }).setLngLat(at);
      clusterMarkers.set(id, marker);
    }
    marker.addTo(map);
  }
  for (const [id, marker] of clusterMarkers) {
    if (!seen.has(id)) {
      marker.remove();
      clusterMarkers.delete(id);
    }
  }
}

// ---- areas --------------------------------------------------------------

export async function showAreas() {
  if (!mapReady()) return;
  areaMarkers.forEach((m) => m.remove());
  areaMarkers = [];
  const empty = { type: "FeatureCollection", features: [] };
  if (!state.areas) {
    map.getSource("areas").setData(empty);
    return;
  }
  try {
    const body = await getJSON(`/api/areas?level=${encodeURIComponent(state.areas)}`);
    map.getSource("areas").setData(body);
    for (const f of body.features) {
      const el = document.createElement("div");
      el.className = "area-label";
      el.textContent = f.properties.name;
      el.setAttribute("aria-hidden", "true");
      areaMarkers.push(new maplibregl.Marker({ element: el }).setLngLat(labelPoint(f.geometry)));
    }
    toggleAreaLabels();
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
  }
}

export function labelPoint(geometry) {
  const rings = geometry.type === "Polygon" ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  const ring = rings.reduce((a, b) => (b.length > a.length ? b : a));
  const xs = ring.map((c) => c[0]), ys = ring.map((c) => c[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

export function toggleAreaLabels() {
  const show = map.getZoom() >= 11.5;
  areaMarkers.forEach((m) => (show ? m.addTo(map) : m.remove()));
}

// The map and its layers: the base style, asset points and shapes,
// clusters as buttons, area outlines and their labels.
import { t } from "./messages.js";
import { CAPITALS, STYLE, state, map, status, getJSON, shapeCanvas } from "./core.js";
import { select } from "./details.js";
import { nearest } from "./near.js";
import { showProfile } from "./gaps.js";

let clusterMarkers = new Map();
let areaMarkers = [];
// Whether the tiles may have changed since the clusters were last drawn.
let clustersStale = true;
// The tiles draw every asset apart from this zoom on, as the server does.
const FULL_DETAIL_ZOOM = 14;

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

// The basemap: the server's style URL (/api/config's basemap_style) when
// it answers with a style, otherwise a plain background, on which the
// assets and areas still show.
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
    return plain;
  }
}

const EMPTY = { type: "FeatureCollection", features: [] };

export function addLayers() {
  for (const c of CAPITALS) {
    const canvas = shapeCanvas(c, 40);
    map.addImage(`capital-${c}`, canvas.getContext("2d").getImageData(0, 0, 40, 40), { pixelRatio: 2 });
  }
  map.addSource("areas", { type: "geojson", data: EMPTY });
  map.addSource("area-focus", { type: "geojson", data: EMPTY });
  map.addSource("gaps", { type: "geojson", data: EMPTY });
  map.addSource("asset-shapes", { type: "geojson", data: EMPTY });
  map.addSource("selected", { type: "geojson", data: EMPTY });
  // The assets come as vector tiles drawn from the server's memory, so a
  // national map costs only the tiles in view; below zoom 14 the server
  // clusters them and counts each capital, for the ring that shows the mix.
  map.addSource("assets", { type: "vector", tiles: [tileUrl()], minzoom: 0, maxzoom: FULL_DETAIL_ZOOM });
  map.on("sourcedata", (e) => {
    if (e.sourceId === "assets") clustersStale = true;
  });
  map.on("moveend", () => (clustersStale = true));
  const colour = ["match", ["get", "capital"], ...CAPITALS.flatMap((c) => [c, STYLE[c].colour]), "#888"];
  map.addLayer({ id: "gaps-fill", type: "fill", source: "gaps", paint: { "fill-color": "#cccccc", "fill-opacity": 0.7 } });
  map.addLayer({ id: "gaps-flag", type: "line", source: "gaps", filter: ["==", ["get", "gap"], true], paint: { "line-color": "#b00020", "line-width": 3 } });
  map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": "#3d3d3d", "line-width": 1.5, "line-dasharray": [3, 2] } });
  map.addLayer({ id: "area-focus-fill", type: "fill", source: "area-focus", paint: { "fill-color": "#005ea5", "fill-opacity": 0.06 } });
  map.addLayer({ id: "area-focus-line", type: "line", source: "area-focus", paint: { "line-color": "#005ea5", "line-width": 4 } });
  map.on("click", "gaps-fill", (e) => {
    e.preventDefault();
    showProfile(e.features[0].properties.code);
  });
  map.addLayer({ id: "shapes-fill", type: "fill", source: "asset-shapes", minzoom: 12, paint: { "fill-color": colour, "fill-opacity": 0.25 } });
  map.addLayer({ id: "shapes-line", type: "line", source: "asset-shapes", minzoom: 12, paint: { "line-color": colour, "line-width": 1 } });
  // The chosen asset: a dark ring with a white halo, under its symbol.
  map.addLayer({ id: "selected-halo", type: "circle", source: "selected", paint: { "circle-radius": 16, "circle-color": "rgba(255,191,71,0.45)", "circle-stroke-color": "#1b1b1b", "circle-stroke-width": 3 } });
  map.addLayer({
    id: "assets-points",
    type: "symbol",
    source: "assets",
    "source-layer": "assets",
    filter: ["!", ["has", "count"]],
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

/// The tiles' URL for the filters in force: the capitals turned on, the
/// category and the search text (the server matches it as the list does).
export function tileUrl() {
  const p = new URLSearchParams();
  // With every capital off nothing is drawn (see updateTiles).
  if (state.enabled.size && state.enabled.size < CAPITALS.length) p.set("capital", [...state.enabled].join(","));
  if (state.category) p.set("category", state.category);
  if (state.q) p.set("q", state.q);
  const query = p.toString();
  return `${location.origin}/tiles/assets/{z}/{x}/{y}.mvt${query ? `?${query}` : ""}`;
}

/// Points the map at the tiles for the current filters (no request when
/// they are unchanged).
export function updateTiles() {
  const source = mapReady() && map.getSource("assets");
  if (!source) return;
  map.setLayoutProperty("assets-points", "visibility", state.enabled.size ? "visible" : "none");
  clustersStale = true;
  const url = tileUrl();
  if (source.tiles?.[0] === url) return;
  // setTiles takes the new address only a moment later (its TileJSON
  // step is asynchronous). A search that moves the map asks for the new
  // view's tiles in that moment, and those came unfiltered and stayed so
  // (MapLibre reloads a tile still loading from what it fetched). The
  // address is therefore set at once as well.
  source.tiles = [url];
  source.setTiles([url]);
}

/// Rings the chosen asset on the map (or nothing, given null).
export function highlight(point) {
  if (!mapReady()) return;
  const features = point ? [{ type: "Feature", geometry: { type: "Point", coordinates: point }, properties: {} }] : [];
  map.getSource("selected").setData({ type: "FeatureCollection", features });
}

// ---- clusters as HTML buttons, so that they carry counts without a font
// server; one group in the tab order (arrow keys move within it) ---------

function abbreviate(n) {
  if (n >= 10000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(n);
}

function clusterElement(f) {
  const n = f.properties.count;
  const el = document.createElement("button");
  el.type = "button";
  el.className = "cluster";
  const size = 30 + Math.min(24, Math.log2(n) * 4);
  el.style.width = el.style.height = `${size}px`;
  // A ring of the capitals in the cluster, in proportion.
  let from = 0;
  const stops = CAPITALS.filter((c) => f.properties[c] > 0).map((c) => {
    const to = from + (f.properties[c] / n) * 360;
    const stop = `${STYLE[c].colour} ${from}deg ${to}deg`;
    from = to;
    return stop;
  });
  el.style.background = `conic-gradient(${stops.join(", ")})`;
  const inner = document.createElement("span");
  inner.textContent = abbreviate(n);
  el.append(inner);
  const mix = CAPITALS.filter((c) => f.properties[c] > 0).map((c) => `${f.properties[c]} ${t(`capital_${c}`)}`).join(", ");
  el.setAttribute("aria-label", t("cluster_label", { n, mix }));
  el.tabIndex = -1;
  const at = f.geometry.coordinates;
  el.addEventListener("click", (e) => {
    e.stopPropagation();
    // Two zooms closer each cell is a sixteenth of the size: the cluster
    // breaks up, and from zoom 14 every asset is its own point.
    map.easeTo({ center: at, zoom: Math.min(FULL_DETAIL_ZOOM, Math.floor(map.getZoom()) + 2) });
  });
  el.addEventListener("keydown", moveInClusters);
  return el;
}

// Clusters in reading order (top to bottom, left to right): the first is
// the group's one tab stop.
function orderedClusters() {
  return [...clusterMarkers.values()]
    .map((m) => ({ el: m.getElement(), at: map.project(m.getLngLat()) }))
    .sort((a, b) => Math.round(a.at.y / 40) - Math.round(b.at.y / 40) || a.at.x - b.at.x)
    .map((x) => x.el);
}

function moveInClusters(e) {
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
  if (!step) return;
  e.preventDefault();
  e.stopPropagation();
  const els = orderedClusters();
  const next = els[(els.indexOf(e.currentTarget) + step + els.length) % els.length];
  els.forEach((el) => (el.tabIndex = el === next ? 0 : -1));
  next.focus();
}

// The tiles' clusters as buttons, once the tiles in view have loaded.
// Each asset is in one cluster of one tile at a zoom, so a cluster is
// known by its place and its count.
export function renderClusters() {
  if (!clustersStale || !mapReady() || !map.isSourceLoaded("assets")) return;
  clustersStale = false;
  const seen = new Set();
  let changed = false;
  const zoom = Math.min(FULL_DETAIL_ZOOM, Math.floor(map.getZoom()));
  const clusters = zoom >= FULL_DETAIL_ZOOM || !state.enabled.size ? [] : map.querySourceFeatures("assets", { sourceLayer: "assets", filter: ["has", "count"] });
  for (const f of clusters) {
    const [lon, lat] = f.geometry.coordinates;
    const id = `${zoom}/${lon.toFixed(6)}/${lat.toFixed(6)}/${f.properties.count}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (!clusterMarkers.has(id)) {
      clusterMarkers.set(id, new maplibregl.Marker({ element: clusterElement(f) }).setLngLat(f.geometry.coordinates).addTo(map));
      changed = true;
    }
  }
  for (const [id, marker] of clusterMarkers) {
    if (!seen.has(id)) {
      marker.remove();
      clusterMarkers.delete(id);
      changed = true;
    }
  }
  const els = orderedClusters();
  if (changed && !els.some((el) => el.tabIndex === 0) && els.length) els[0].tabIndex = 0;
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
  // Shown from the first view of a whole place (about zoom 10 on a phone).
  const show = map.getZoom() >= 10;
  areaMarkers.forEach((m) => (show ? m.addTo(map) : m.remove()));
  if (show) placeAreaLabels();
}

// Each label goes where it hides neither a cluster nor another label: at
// its area's middle, or a little above, below or to a side; if nowhere, it
// waits for a closer zoom. Run once the map is idle, when the clusters are
// drawn. (Sideways places matter since clusters come from tiles, in a grid.)
const OFFSETS = [[0, 0], [0, -26], [0, 26], [0, -48], [0, 48], [-44, 0], [44, 0], [-44, -26], [44, -26], [-44, 26], [44, 26]];

export function placeAreaLabels() {
  if (!areaMarkers.length || map.getZoom() < 10) return;
  const overlaps = (r, k) => r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
  const taken = [...clusterMarkers.values()].map((m) => m.getElement().getBoundingClientRect());
  for (const m of areaMarkers) {
    const el = m.getElement();
    el.style.visibility = "";
    const placed = OFFSETS.some((offset) => {
      m.setOffset(offset);
      const r = el.getBoundingClientRect();
      if (taken.some((k) => overlaps(r, k))) return false;
      taken.push(r);
      return true;
    });
    if (!placed) {
      m.setOffset([0, 0]);
      el.style.visibility = "hidden";
    }
  }
}

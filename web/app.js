// The map page: "what we have" first. Plain modules, no framework: the map,
// a legend that is also the capital filter, the list of what is in view
// (the accessible alternative to the map), details, "near here", areas and
// export. State lives in the URL so that a link shares exactly this view.
import { t } from "./messages.js";

const CAPITALS = ["social", "human", "public", "physical", "financial"];
// Okabe–Ito colours, safe for the common colour-vision deficiencies, and a
// shape per capital so that colour is never the only cue.
const STYLE = {
  social: { colour: "#E69F00", shape: "circle" },
  human: { colour: "#CC79A7", shape: "triangle" },
  public: { colour: "#0072B2", shape: "square" },
  physical: { colour: "#009E73", shape: "diamond" },
  financial: { colour: "#56B4E9", shape: "star" },
};
const LIST_LIMIT = 100;
// ColorBrewer Blues: sequential and safe for colour-vision deficiencies;
// darker always means better provided.
const CLASS_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
const MEASURES = ["per_1000", "count", "coverage", "nearest_m"];
const FETCH_LIMIT = 10000;

const state = {
  enabled: new Set(CAPITALS),
  category: "",
  q: "",
  areas: "",
  gaps: "",
  distance: 800,
  features: [],
  matched: 0,
  labels: {},
  selected: null,
};
let map;
let clusterMarkers = new Map();
let areaMarkers = [];
let nearMarker = null;
let refreshToken = 0;

const $ = (id) => document.getElementById(id);

function translatePage() {
  document.querySelectorAll("[data-i18n]").forEach((el) => (el.textContent = t(el.dataset.i18n)));
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => (el.placeholder = t(el.dataset.i18nPlaceholder)));
  document.querySelectorAll("[data-i18n-aria-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel)));
}

function status(message, isError = false) {
  const el = $("status");
  el.textContent = message || "";
  el.classList.toggle("error", Boolean(isError));
}

async function getJSON(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body?.error?.message || `${response.status} ${response.statusText}`);
  }
  return body;
}

// ---- shapes -------------------------------------------------------------

function shapePath(ctx, shape, s) {
  const c = s / 2, r = s * 0.42;
  ctx.beginPath();
  if (shape === "circle") ctx.arc(c, c, r, 0, Math.PI * 2);
  else if (shape === "square") ctx.rect(c - r * 0.85, c - r * 0.85, r * 1.7, r * 1.7);
  else if (shape === "triangle") { ctx.moveTo(c, c - r); ctx.lineTo(c + r, c + r * 0.8); ctx.lineTo(c - r, c + r * 0.8); ctx.closePath(); }
  else if (shape === "diamond") { ctx.moveTo(c, c - r); ctx.lineTo(c + r, c); ctx.lineTo(c, c + r); ctx.lineTo(c - r, c); ctx.closePath(); }
  else {
    for (let i = 0; i < 10; i++) {
      const a = (Math.PI / 5) * i - Math.PI / 2, rr = i % 2 ? r * 0.45 : r;
      ctx.lineTo(c + rr * Math.cos(a), c + rr * Math.sin(a));
    }
    ctx.closePath();
  }
}

function shapeCanvas(capital, size) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  shapePath(ctx, STYLE[capital].shape, size);
  ctx.fillStyle = STYLE[capital].colour;
  ctx.fill();
  ctx.lineWidth = size / 12;
  ctx.strokeStyle = "#1b1b1b";
  ctx.stroke();
  return canvas;
}

function swatch(capital) {
  const c = shapeCanvas(capital, 32);
  c.className = "swatch";
  c.setAttribute("aria-hidden", "true");
  return c;
}

// ---- URL state ----------------------------------------------------------

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const off = (params.get("off") || "").split(",").filter((c) => CAPITALS.includes(c));
  state.enabled = new Set(CAPITALS.filter((c) => !off.includes(c)));
  state.category = params.get("category") || "";
  state.q = params.get("q") || "";
  // Absent means the default (wards, when there are any); "none" means off.
  state.areas = params.has("areas") ? params.get("areas").replace(/^none$/, "") : null;
  state.gaps = MEASURES.includes(params.get("gaps")) ? params.get("gaps") : "";
  state.distance = Number(params.get("distance")) || 800;
  const view = (params.get("map") || "").split("/").map(Number);
  return view.length === 3 && view.every(Number.isFinite) ? { zoom: view[0], center: [view[2], view[1]] } : null;
}

function writeHash() {
  const c = map.getCenter();
  const params = new URLSearchParams();
  params.set("map", `${map.getZoom().toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
  const off = CAPITALS.filter((x) => !state.enabled.has(x));
  if (off.length) params.set("off", off.join(","));
  if (state.category) params.set("category", state.category);
  if (state.q) params.set("q", state.q);
  params.set("areas", state.areas || "none");
  if (state.gaps) {
    params.set("gaps", state.gaps);
    params.set("distance", String(state.distance));
  }
  history.replaceState(null, "", `#${params.toString().replaceAll("%2F", "/").replaceAll("%2C", ",")}`);
}

// ---- queries ------------------------------------------------------------

function bboxParam() {
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
    .map((v) => v.toFixed(6))
    .join(",");
}

function filterParams({ withCapitals }) {
  const p = new URLSearchParams();
  if (withCapitals && state.enabled.size < CAPITALS.length) p.set("capital", [...state.enabled].join(","));
  if (state.category) p.set("category", state.category);
  if (state.q) p.set("q", state.q);
  return p;
}

// Whether the map's sources exist yet: controls can be used before the
// map has loaded.
function mapReady() {
  return Boolean(map && map.getSource("assets"));
}

async function refresh() {
  if (!mapReady()) return;
  const token = ++refreshToken;
  const bbox = bboxParam();
  const params = filterParams({ withCapitals: false });
  params.set("bbox", bbox);
  params.set("limit", String(FETCH_LIMIT));
  status(t("loading"));
  document.body.dataset.loading = "true";
  try {
    const body = await getJSON(`/api/assets?${params}`);
    if (token !== refreshToken) return;
    state.features = body.features;
    state.matched = body.numberMatched;
    document.body.dataset.bbox = bbox;
    status("");
    render();
  } catch (e) {
    if (token === refreshToken) status(t("load_error", { message: e.message }), true);
  } finally {
    if (token === refreshToken) document.body.dataset.loading = "false";
  }
  writeHash();
  updateExportLinks(bbox);
}

function visibleFeatures() {
  return state.features.filter((f) => state.enabled.has(f.properties.capital));
}

function render() {
  if (!mapReady()) return;
  const shown = visibleFeatures();
  const complete = state.features.length === state.matched;
  const points = shown.map((f) => ({
    type: "Feature",
    id: f.id,
    geometry: { type: "Point", coordinates: f.properties.point },
    properties: { id: f.id, name: f.properties.name, capital: f.properties.capital },
  }));
  map.getSource("assets").setData({ type: "FeatureCollection", features: points });
  map.getSource("asset-shapes").setData({
    type: "FeatureCollection",
    features: shown.filter((f) => f.geometry.type !== "Point"),
  });
  const counts = Object.fromEntries(CAPITALS.map((c) => [c, 0]));
  state.features.forEach((f) => counts[f.properties.capital]++);
  for (const c of CAPITALS) {
    $(`count-${c}`).textContent = String(counts[c]);
  }
  const inView = complete ? shown.length : state.matched;
  const count = $("count");
  count.dataset.count = String(inView);
  count.textContent = complete ? t("in_view", { n: inView }) : t("in_view_partial", { shown: shown.length, n: state.matched });
  renderList(shown);
}

function categoryLabel(code) {
  return state.labels[code] || code;
}

function formatDistance(m) {
  return m < 1000 ? t("distance_m", { d: Math.round(m / 10) * 10 }) : t("distance_km", { d: (m / 1000).toFixed(1) });
}

function listItem(f, distance) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.id = f.id;
  button.append(swatch(f.properties.capital));
  const text = document.createElement("span");
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = f.properties.name;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = ` ${t(`capital_${f.properties.capital}`)} · ${categoryLabel(f.properties.category)}`;
  text.append(name, document.createElement("br"), meta);
  button.append(text);
  if (distance !== undefined) {
    const d = document.createElement("span");
    d.className = "dist";
    d.textContent = formatDistance(distance);
    button.append(d);
  }
  button.addEventListener("click", () => select(f.id, true));
  li.append(button);
  return li;
}

function renderList(shown) {
  const list = $("list");
  list.replaceChildren(...shown.slice(0, LIST_LIMIT).map((f) => listItem(f)));
  const more = shown.length - LIST_LIMIT;
  $("list-more").textContent = shown.length === 0 ? t("list_empty") : more > 0 ? t("list_more", { n: more }) : "";
}

// ---- clusters as HTML buttons, so that they carry counts without a font
// server and can be reached by keyboard -----------------------------------

function renderClusters() {
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

// ---- details ------------------------------------------------------------

function attributionFor(source) {
  if (!source) return "";
  if (source.startsWith("osm:")) return "© OpenStreetMap contributors (ODbL)";
  if (source.startsWith("import:trafford_allotments")) return "© OpenStreetMap contributors (ODbL); Trafford Data Lab";
  if (source.startsWith("import:trafford")) return "Trafford Data Lab, Open Government Licence v3.0";
  return "";
}

async function select(id, fly) {
  let feature;
  try {
    feature = await getJSON(`/api/assets/${encodeURIComponent(id)}`);
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    return;
  }
  state.selected = id;
  const p = feature.properties;
  const panel = $("details");
  panel.replaceChildren();
  const header = document.createElement("div");
  const h = document.createElement("h2");
  h.id = "details-name";
  h.textContent = p.name;
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = t("details_close");
  close.addEventListener("click", () => {
    panel.hidden = true;
    state.selected = null;
  });
  header.append(swatch(p.capital), h, close);
  const dl = document.createElement("dl");
  const row = (label, value, href) => {
    if (!value) return;
    const dt = document.createElement("dt");
    dt.textContent = t(label);
    const dd = document.createElement("dd");
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = value;
      if (href.startsWith("http")) a.rel = "noopener noreferrer";
      dd.append(a);
    } else {
      dd.textContent = value;
    }
    dl.append(dt, dd);
  };
  row("field_category", `${t(`capital_${p.capital}`)} · ${categoryLabel(p.category)}`);
  row("field_description", p.description);
  row("field_address", [p.address, p.postcode].filter(Boolean).join(", "));
  row("field_opening_hours", p.opening_hours);
  row("field_accessibility", p.accessibility);
  // Only http(s) links: the API refuses other schemes, and the page checks again.
  if (p.website && /^https?:\/\//i.test(p.website)) row("field_website", p.website, p.website);
  if (p.email) row("field_email", p.email, `mailto:${p.email}`);
  if (p.phone) row("field_phone", p.phone, `tel:${p.phone.replace(/\s+/g, "")}`);
  row("field_source", [p.source, attributionFor(p.source)].filter(Boolean).join(" — "));
  row("field_verified", p.verified_at ? `${p.verified_at.slice(0, 10)}${p.verified_by ? ` (${p.verified_by})` : ""}` : t("never_verified"));
  row("field_updated", p.updated_at?.slice(0, 10));
  panel.append(header, dl);
  if (p.visibility === "area_only") {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = t("area_only_note");
    panel.append(note);
  }
  panel.hidden = false;
  panel.focus();
  if (fly) map.flyTo({ center: p.point, zoom: Math.max(map.getZoom(), 15) });
}

// ---- near here ----------------------------------------------------------

async function nearest(lon, lat, placeLabel) {
  const out = $("near-results");
  const params = filterParams({ withCapitals: true });
  params.set("lon", lon);
  params.set("lat", lat);
  params.set("k", "10");
  try {
    const body = await getJSON(`/api/assets/nearest?${params}`);
    const h = document.createElement("h3");
    h.textContent = t("near_results", { place: placeLabel });
    const ol = document.createElement("ol");
    ol.className = "list";
    ol.id = "near-list";
    body.features.forEach((f) => ol.append(listItem(f, f.properties.distance_m)));
    out.replaceChildren(h, body.features.length ? ol : Object.assign(document.createElement("p"), { textContent: t("near_none") }));
    if (nearMarker) nearMarker.remove();
    nearMarker = new maplibregl.Marker({ color: "#1b1b1b" }).setLngLat([lon, lat]).addTo(map);
  } catch (e) {
    out.textContent = t("load_error", { message: e.message });
  }
}

async function nearPostcode(event) {
  event.preventDefault();
  const pc = $("postcode").value.trim();
  if (!pc) return;
  const out = $("near-results");
  try {
    const place = await getJSON(`/api/postcodes/${encodeURIComponent(pc)}`);
    map.flyTo({ center: [place.lon, place.lat], zoom: Math.max(map.getZoom(), 14) });
    await nearest(place.lon, place.lat, place.postcode);
  } catch {
    out.textContent = t("postcode_unknown", { pc });
  }
}

// ---- areas --------------------------------------------------------------

async function showAreas() {
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

function labelPoint(geometry) {
  const rings = geometry.type === "Polygon" ? [geometry.coordinates[0]] : geometry.coordinates.map((p) => p[0]);
  const ring = rings.reduce((a, b) => (b.length > a.length ? b : a));
  const xs = ring.map((c) => c[0]), ys = ring.map((c) => c[1]);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

function toggleAreaLabels() {
  const show = map.getZoom() >= 11.5;
  areaMarkers.forEach((m) => (show ? m.addTo(map) : m.remove()));
}

// ---- export -------------------------------------------------------------

// ---- gaps -----------------------------------------------------------------

function gapParams() {
  const p = filterParams({ withCapitals: true });
  p.delete("q");
  p.set("level", state.areas || "ward");
  p.set("distance_m", String(state.distance));
  p.set("rank_by", state.gaps || "per_1000");
  return p;
}

function formatMeasure(measure, v) {
  if (v === null || v === undefined) return t("gaps_no_data");
  if (measure === "coverage") return `${Math.round(v * 100)}%`;
  if (measure === "nearest_m") return formatDistance(v);
  if (measure === "per_1000") return v.toFixed(2);
  return String(Math.round(v));
}

async function showGaps() {
  if (!mapReady()) return;
  const p = gapParams();
  $("gaps-csv").href = `/api/gaps.csv?${p}`;
  $("gaps-geojson").href = `/api/gaps.geojson?${p}`;
  const legend = $("gaps-legend");
  const empty = { type: "FeatureCollection", features: [] };
  if (!state.gaps || !state.areas) {
    map.getSource("gaps").setData(empty);
    legend.replaceChildren();
    $("gaps-list").replaceChildren();
    $("profile").replaceChildren();
    $("gaps-method").textContent = "";
    document.body.dataset.gaps = "off";
    return;
  }
  document.body.dataset.gaps = "loading";
  try {
    const body = await getJSON(`/api/gaps.geojson?${p}`);
    const breaks = body.gaps.breaks;
    const measure = state.gaps;
    const inner = breaks.slice(1, 5);
    // Darker is better: for distance, smaller is better, so the scale turns round.
    const colours = measure === "nearest_m" ? [...CLASS_COLOURS].reverse() : CLASS_COLOURS;
    const value = ["get", measure];
    // Class i holds values above the i-th inner break. Quantile breaks
    // repeat where many areas share a value (often 0), which a "step"
    // expression refuses, so the classes are tested from the top down.
    const classes = ["case", ["==", value, null], "#cccccc"];
    for (let i = inner.length - 1; i >= 0; i--) classes.push([">", ["to-number", value], inner[i]], colours[i + 1]);
    classes.push(colours[0]);
    map.setPaintProperty("gaps-fill", "fill-color", classes);
    map.getSource("gaps").setData(body);
    const items = colours.map((c, i) => {
      const li = document.createElement("li");
      li.dataset.from = String(breaks[i]);
      li.dataset.to = String(breaks[i + 1]);
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = c;
      const label = document.createElement("span");
      label.textContent = `${formatMeasure(measure, breaks[i])} – ${formatMeasure(measure, breaks[i + 1])}`;
      li.append(sw, label);
      return li;
    });
    const gapItem = document.createElement("li");
    const gapSwatch = document.createElement("span");
    gapSwatch.className = "gap-swatch";
    const gapLabel = document.createElement("span");
    gapLabel.textContent = t("gaps_flag");
    gapItem.append(gapSwatch, gapLabel);
    legend.replaceChildren(...items, gapItem);
    $("gaps-method").textContent = `${body.gaps.method}. ${body.gaps.gap_rule}.`;
    // The ranking as a list: what the shading says, for keyboards and
    // screen readers, least provided first.
    const ranked = [...body.features].sort((a, b) => (b.properties.rank ?? Infinity) - (a.properties.rank ?? Infinity));
    $("gaps-list").replaceChildren(
      ...ranked.map((f) => {
        const li = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.code = f.properties.code;
        const flag = f.properties.gap ? ` · ${t("gap_word")}` : "";
        button.textContent = `${f.properties.name}: ${formatMeasure(measure, f.properties[measure])}${flag}`;
        button.addEventListener("click", () => showProfile(f.properties.code));
        li.append(button);
        return li;
      }),
    );
    document.body.dataset.gaps = "ready";
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    document.body.dataset.gaps = "error";
  }
}

async function showProfile(code) {
  const out = $("profile");
  try {
    const p = await getJSON(`/api/areas/${encodeURIComponent(code)}/profile?distance_m=${state.distance}`);
    const h = document.createElement("h3");
    h.textContent = t("profile_heading", { name: p.name });
    const rows = p.capitals.map((c) => ({ capital: c.capital, area: c.area.per_1000, median: c.level_median.per_1000 }));
    const max = Math.max(0.001, ...rows.flatMap((r) => [r.area ?? 0, r.median ?? 0]));
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    const rowH = 34, width = 320, labelW = 80, barW = width - labelW - 50;
    svg.setAttribute("viewBox", `0 0 ${width} ${rows.length * rowH + 20}`);
    svg.setAttribute("class", "profile-chart");
    svg.setAttribute("role", "img");
    const summary = rows.map((r) => `${t(`capital_${r.capital}`)} ${formatMeasure("per_1000", r.area)} (${t("profile_median", { level: p.level })} ${formatMeasure("per_1000", r.median)})`).join("; ");
    svg.setAttribute("aria-label", summary);
    rows.forEach((r, i) => {
      const y = i * rowH + 4;
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", "0");
      text.setAttribute("y", String(y + 14));
      text.textContent = t(`capital_${r.capital}`);
      const bar = document.createElementNS(ns, "rect");
      bar.setAttribute("x", String(labelW));
      bar.setAttribute("y", String(y + 2));
      bar.setAttribute("height", "14");
      bar.setAttribute("width", String(((r.area ?? 0) / max) * barW));
      bar.setAttribute("fill", STYLE[r.capital].colour);
      bar.setAttribute("stroke", "#1b1b1b");
      const med = document.createElementNS(ns, "rect");
      med.setAttribute("x", String(labelW));
      med.setAttribute("y", String(y + 18));
      med.setAttribute("height", "6");
      med.setAttribute("width", String(((r.median ?? 0) / max) * barW));
      med.setAttribute("fill", "#4a4a4a");
      const value = document.createElementNS(ns, "text");
      value.setAttribute("x", String(labelW + ((r.area ?? 0) / max) * barW + 4));
      value.setAttribute("y", String(y + 14));
      value.textContent = formatMeasure("per_1000", r.area);
      svg.append(text, bar, med, value);
    });
    const key = document.createElement("p");
    key.className = "hint";
    key.textContent = `▬ ${t("profile_area")} · ▂ ${t("profile_median", { level: p.level })}`;
    out.replaceChildren(h, svg, key);
  } catch (e) {
    out.textContent = t("load_error", { message: e.message });
  }
}

function buildGapControls() {
  const select = $("gaps-measure");
  select.append(new Option(t("gaps_off"), ""));
  MEASURES.forEach((m) => select.append(new Option(t(`measure_${m}`), m)));
  select.value = state.gaps;
  const distance = $("gaps-distance");
  distance.value = String(state.distance);
  select.addEventListener("change", () => {
    state.gaps = select.value;
    if (state.gaps && !state.areas) {
      state.areas = $("areas-level").value || "ward";
      $("areas-toggle").checked = true;
      showAreas();
    }
    showGaps();
    writeHash();
  });
  distance.addEventListener("change", () => {
    const d = Number(distance.value);
    if (d > 0 && d <= 50000) {
      state.distance = d;
      showGaps();
      writeHash();
    }
  });
}

function updateExportLinks(bbox) {
  const p = filterParams({ withCapitals: true });
  p.set("bbox", bbox);
  $("export-geojson").href = `/api/export.geojson?${p}`;
  $("export-csv").href = `/api/export.csv?${p}`;
}

// ---- set-up -------------------------------------------------------------

function buildLegend() {
  const legend = $("legend");
  for (const c of CAPITALS) {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `toggle-${c}`;
    box.checked = state.enabled.has(c);
    box.addEventListener("change", () => {
      box.checked ? state.enabled.add(c) : state.enabled.delete(c);
      render();
      showGaps();
      writeHash();
      updateExportLinks(bboxParam());
    });
    const text = document.createElement("span");
    text.innerHTML = "";
    const name = document.createElement("strong");
    name.textContent = t(`capital_${c}`);
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = ` ${t(`capital_${c}_hint`)}`;
    text.append(name, hint);
    const count = document.createElement("span");
    count.className = "count";
    count.id = `count-${c}`;
    count.textContent = "0";
    label.append(box, swatch(c), text, count);
    li.append(label);
    legend.append(li);
  }
}

async function buildCategories() {
  const select = $("category");
  select.append(new Option(t("all_categories"), ""));
  const body = await getJSON("/api/categories");
  for (const { capital, categories } of body.capitals) {
    const group = document.createElement("optgroup");
    group.label = t(`capital_${capital}`);
    for (const c of categories) {
      state.labels[c.code] = c.label;
      group.append(new Option(c.label, c.code));
    }
    select.append(group);
  }
  select.value = state.category;
  select.addEventListener("change", () => {
    state.category = select.value;
    refresh();
    showGaps();
  });
}

function buildAreaControls(levels) {
  if (state.areas === null) state.areas = levels.includes("ward") ? "ward" : "";
  const select = $("areas-level");
  levels.forEach((l) => select.append(new Option(l, l)));
  const toggle = $("areas-toggle");
  toggle.checked = Boolean(state.areas);
  toggle.disabled = levels.length === 0;
  if (state.areas) select.value = state.areas;
  const apply = () => {
    state.areas = toggle.checked ? select.value : "";
    showAreas();
    showGaps();
    writeHash();
  };
  toggle.addEventListener("change", apply);
  select.addEventListener("change", apply);
}

async function baseStyle(url) {
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

function addLayers() {
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

async function main() {
  translatePage();
  const view = readHash();
  $("q").value = state.q;
  buildLegend();
  let config;
  try {
    config = await getJSON("/api/config");
    await buildCategories();
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    return;
  }
  buildAreaControls(config.levels || []);
  buildGapControls();
  const style = await baseStyle(config.basemap_style);
  map = new maplibregl.Map({
    container: "map",
    style,
    center: view?.center || config.center || [0, 0],
    zoom: view?.zoom ?? 11,
    attributionControl: false,
  });
  map.addControl(new maplibregl.AttributionControl({ compact: window.innerWidth < 700, customAttribution: config.attribution || [] }));
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  if (!view && config.bounds) map.fitBounds(config.bounds, { padding: 20, animate: false });
  map.on("load", async () => {
    addLayers();
    map.on("moveend", refresh);
    map.on("zoomend", toggleAreaLabels);
    map.on("render", renderClusters);
    await refresh();
    if (state.areas) showAreas();
    await showGaps();
    document.body.dataset.ready = "true";
    // For the browser tests, and for anyone scripting the page.
    window.assetmap = { map, state };
  });
  $("search").addEventListener("submit", async (event) => {
    event.preventDefault();
    state.q = $("q").value.trim();
    if (!state.q) return refresh();
    try {
      const p = filterParams({ withCapitals: false });
      p.set("limit", "1000");
      const body = await getJSON(`/api/assets?${p}`);
      if (body.features.length === 0) return refresh();
      // Show where the matches are, wherever they are.
      const pts = body.features.map((f) => f.properties.point);
      const lons = pts.map((p) => p[0]), lats = pts.map((p) => p[1]);
      const bounds = [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
      map.fitBounds(bounds, { padding: 60, maxZoom: 15, animate: false });
      await refresh();
    } catch (e) {
      status(t("load_error", { message: e.message }), true);
    }
  });
  $("clear-search").addEventListener("click", () => {
    $("q").value = "";
    state.q = "";
    refresh();
  });
  $("near").addEventListener("submit", nearPostcode);
}

main();

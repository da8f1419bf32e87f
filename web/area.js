// Area pages (#area=CODE): the area outlined and in view, everything in
// it grouped by capital and category with counts, its profile of the five
// capitals, a print layout (A4: the list and a small map) and a readable
// CSV made here from the assets (labels, not codes or ids).
import { t } from "./messages.js";
import { CAPITALS, state, map, $, status, getJSON, categoryLabel, swatch } from "./core.js";
import { mapReady } from "./layers.js";
import { writeHash } from "./url-state.js";
import { showProfile } from "./gaps.js";

const EMPTY = { type: "FeatureCollection", features: [] };
let areas = new Map();

/// Every area of every level, for area pages and for search by name.
export async function loadAreaIndex() {
  const body = await getJSON("/api/areas");
  areas = new Map(body.features.map((f) => [f.properties.code, f]));
  state.areaIndex = body.features.map((f) => ({ code: f.properties.code, name: f.properties.name, level: f.properties.level }));
}

export async function openArea(code) {
  state.area = code;
  await showArea();
  $("area-page").focus();
}

export function closeArea() {
  state.area = "";
  $("area-page").hidden = true;
  delete document.body.dataset.area;
  if (mapReady()) map.getSource("area-focus").setData(EMPTY);
  writeHash();
}

export async function showArea() {
  if (!state.area || !mapReady()) return;
  const area = areas.get(state.area);
  if (!area) {
    status(t("area_unknown", { code: state.area }), true);
    return;
  }
  map.getSource("area-focus").setData(area);
  map.fitBounds(bounds(area.geometry), { padding: 30, duration: 0 });
  document.body.dataset.area = "loading";
  try {
    const body = await getJSON(`/api/assets?within=${encodeURIComponent(state.area)}&limit=10000`);
    renderArea(area.properties, body.features);
    document.body.dataset.area = "ready";
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    document.body.dataset.area = "error";
  }
  writeHash();
}

/// Brings an area into view (a ward chosen in the gaps ranking).
export function zoomToArea(code) {
  const area = areas.get(code);
  if (area && mapReady()) map.fitBounds(bounds(area.geometry), { padding: 30, duration: 0 });
}

function bounds(geometry) {
  const pts = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates).flat(2);
  const lons = pts.map((p) => p[0]), lats = pts.map((p) => p[1]);
  return [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
}

function el(tag, text, props = {}) {
  return Object.assign(document.createElement(tag), text === undefined ? {} : { textContent: text }, props);
}

function renderArea(area, features) {
  const section = $("area-page");
  const head = el("div");
  head.append(el("h2", area.name, { id: "area-name" }));
  const close = el("button", t("area_close"), { type: "button" });
  close.addEventListener("click", closeArea);
  head.append(close);
  const summary = el("p", t("area_summary", { n: features.length, level: t(`level_${area.level}`), population: area.population?.toLocaleString("en-GB") ?? "?" }));
  summary.id = "area-summary";
  const actions = el("div", undefined, { className: "actions" });
  const print = el("button", t("area_print"), { type: "button", id: "area-print", className: "primary" });
  print.addEventListener("click", printArea);
  const csv = el("a", t("area_csv"), { className: "button", id: "area-csv", download: `${area.name}.csv` });
  csv.href = URL.createObjectURL(new Blob([areaCsv(features)], { type: "text/csv;charset=utf-8" }));
  actions.append(print, csv);
  const img = el("img", undefined, { className: "print-map", alt: t("area_map_alt", { name: area.name }) });
  const groups = el("div", undefined, { id: "area-groups" });
  groups.append(...inventory(features));
  const profile = el("div", undefined, { id: "area-profile" });
  section.replaceChildren(head, summary, actions, img, groups, profile);
  section.hidden = false;
  showProfile(area.code, profile);
}

// Capital by capital, category by category, with counts; each category
// folds open to its assets (all open in print).
function inventory(features) {
  const out = [];
  for (const c of CAPITALS) {
    const ofCapital = features.filter((f) => f.properties.capital === c);
    if (!ofCapital.length) continue;
    const h = el("h3");
    h.append(swatch(c), ` ${t(`capital_${c}`)} (${ofCapital.length})`);
    out.push(h);
    const byCategory = new Map();
    ofCapital.forEach((f) => byCategory.set(f.properties.category, [...(byCategory.get(f.properties.category) || []), f]));
    const sorted = [...byCategory].sort((a, b) => b[1].length - a[1].length || categoryLabel(a[0]).localeCompare(categoryLabel(b[0])));
    for (const [category, items] of sorted) {
      const details = el("details");
      details.dataset.category = category;
      details.append(el("summary", `${categoryLabel(category)} (${items.length})`));
      const ul = el("ul");
      ul.append(...lines(items).map((line) => el("li", line)));
      details.append(ul);
      out.push(details);
    }
  }
  if (!out.length) out.push(el("p", t("area_empty")));
  return out;
}

// One line per asset, name and address; identical lines (forty "Green
// space entrance") once, with how many.
function lines(items) {
  const counts = new Map();
  for (const f of items) {
    const where = [f.properties.address, f.properties.postcode].filter(Boolean).join(", ");
    const line = where ? `${f.properties.name} — ${where}` : f.properties.name;
    counts.set(line, (counts.get(line) || 0) + 1);
  }
  return [...counts]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
}

const CSV_FIELDS = ["name", "capital", "category", "address", "postcode", "opening_hours", "phone", "email", "website", "description"];

/// The area's assets as a spreadsheet a person can read: labels in
/// words, no ids, geometry or JSON.
export function areaCsv(features) {
  const header = CSV_FIELDS.map((f) => t(`csv_${f}`));
  const rows = features.map((f) => {
    const p = f.properties;
    return CSV_FIELDS.map((k) => (k === "capital" ? t(`capital_${p.capital}`) : k === "category" ? categoryLabel(p.category) : p[k] ?? ""));
  });
  const cell = (v) => (/[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `\ufeff${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/// Before printing: the map as a picture in the page, every category open.
export function preparePrint() {
  const img = document.querySelector("#area-page .print-map");
  if (img && map) img.src = map.getCanvas().toDataURL("image/png");
  document.querySelectorAll("#area-page details").forEach((d) => (d.open = true));
}

function printArea() {
  preparePrint();
  window.print();
}

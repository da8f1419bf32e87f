// The legend (also the capital filter), the category menu, and the list
// of what is in view: the accessible alternative to the map.
import { t } from "./messages.js";
import { CAPITALS, state, map, $, status, getJSON, categoryLabel, formatDistance, swatch } from "./core.js";
import { bboxParam, mapReady } from "./layers.js";
import { writeHash } from "./url-state.js";
import { select } from "./details.js";
import { showGaps } from "./gaps.js";
import { updateExportLinks } from "./export.js";

const LIST_LIMIT = 100;
const FETCH_LIMIT = 10000;
let refreshToken = 0;

export function filterParams({ withCapitals }) {
  const p = new URLSearchParams();
  if (withCapitals && state.enabled.size < CAPITALS.length) p.set("capital", [...state.enabled].join(","));
  if (state.category) p.set("category", state.category);
  if (state.q) p.set("q", state.q);
  return p;
}

export async function refresh() {
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

export function visibleFeatures() {
  return state.features.filter((f) => state.enabled.has(f.properties.capital));
}

export function render() {
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

export function listItem(f, distance) {
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

export function renderList(shown) {
  const list = $("list");
  list.replaceChildren(...shown.slice(0, LIST_LIMIT).map((f) => listItem(f)));
  const more = shown.length - LIST_LIMIT;
  $("list-more").textContent = shown.length === 0 ? t("list_empty") : more > 0 ? t("list_more", { n: more }) : "";
}

export function buildLegend() {
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

export async function buildCategories() {
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

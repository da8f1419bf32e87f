// The legend (also the capital filter), the category menu, and the list
// of what is in view: the accessible alternative to the map.
import { t, formatCount } from "./messages.js";
import { CAPITALS, state, map, $, status, getJSON, categoryLabel, formatDistance, swatch } from "./core.js";
import { bboxParam, mapReady, updateTiles } from "./layers.js";
import { writeHash } from "./url-state.js";
import { select } from "./details.js";
import { showGaps } from "./gaps.js";
import { updateExportLinks } from "./export.js";
import { rankByName } from "./search.js";
import { runNear } from "./near.js";

const LIST_LIMIT = 100;
// Up to this many in view the list holds all of them (sorted by name, any
// capital, so turning one off needs no request); beyond it, a page at a
// time from the server, nearest the middle of the map first.
const FULL_LIMIT = 2000;
let refreshToken = 0;
let fetchingMore = null;

export function filterParams({ withCapitals }) {
  const p = new URLSearchParams();
  if (withCapitals && state.enabled.size < CAPITALS.length) p.set("capital", [...state.enabled].join(","));
  if (state.category) p.set("category", state.category);
  if (state.q) p.set("q", state.q);
  return p;
}

/// The counts of what is in view, then the list: all of it when it is
/// small, else its first page. The map itself draws from the tiles.
export function refresh() {
  latest = load();
  return latest;
}

/// Resolves once the latest refresh is done, whichever started it: a
/// camera move's own refresh may supersede the one a caller awaited, and
/// what it read (say, the count) is only current after the newer one.
export async function refreshed() {
  let run;
  do {
    run = latest;
    await run;
  } while (run !== latest);
}

let latest = Promise.resolve();

async function load() {
  if (!mapReady()) return;
  const token = ++refreshToken;
  const bbox = bboxParam();
  updateTiles();
  const params = filterParams({ withCapitals: false });
  params.set("bbox", bbox);
  status(t("loading"));
  document.body.dataset.loading = "true";
  try {
    const counts = await getJSON(`/api/assets/counts?${params}`);
    if (token !== refreshToken) return;
    const total = CAPITALS.reduce((a, c) => a + counts.byCapital[c], 0);
    const complete = total <= FULL_LIMIT;
    const list = complete ? params : filterParams({ withCapitals: true });
    list.set("bbox", bbox);
    list.set("limit", String(complete ? Math.max(1, total) : LIST_LIMIT));
    const wanted = complete ? total : enabledCount(counts.byCapital);
    const body = wanted ? await getJSON(`/api/assets?${list}`) : { features: [] };
    if (token !== refreshToken) return;
    state.counts = counts.byCapital;
    state.complete = complete;
    state.features = body.features;
    state.matched = enabledCount(counts.byCapital);
    listShown = LIST_LIMIT;
    fetchingMore = null;
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

const enabledCount = (byCapital) => CAPITALS.filter((c) => state.enabled.has(c)).reduce((a, c) => a + (byCapital?.[c] || 0), 0);

/// The list's assets: all in view of the capitals turned on, or (a big
/// view) the pages fetched so far, which the server already filtered.
export function visibleFeatures() {
  return state.features.filter((f) => state.enabled.has(f.properties.capital));
}

export function render() {
  if (!mapReady()) return;
  updateTiles();
  const shown = visibleFeatures();
  map.getSource("asset-shapes").setData({
    type: "FeatureCollection",
    features: shown.filter((f) => f.geometry.type !== "Point"),
  });
  for (const c of CAPITALS) {
    const n = state.counts?.[c] || 0;
    $(`count-${c}`).textContent = formatCount(n);
    $(`count-${c}`).dataset.count = String(n);
  }
  state.matched = enabledCount(state.counts);
  const count = $("count");
  count.dataset.count = String(state.matched);
  count.textContent = t("in_view", { n: state.matched });
  renderList(shown);
}

/// The next page of a big view's list, from the server.
async function fetchMore() {
  if (fetchingMore) return fetchingMore;
  const token = refreshToken;
  const params = filterParams({ withCapitals: true });
  params.set("bbox", document.body.dataset.bbox);
  params.set("limit", String(LIST_LIMIT));
  params.set("offset", String(state.features.length));
  fetchingMore = getJSON(`/api/assets?${params}`)
    .then((body) => {
      if (token === refreshToken) state.features = state.features.concat(body.features);
    })
    .catch((e) => status(t("load_error", { message: e.message }), true))
    .finally(() => (fetchingMore = null));
  return fetchingMore;
}

// Tags worth showing in a list (how to get help, for whom), by key.
const USEFUL_TAGS = ["referral", "type", "sport", "ages", "classification"];

export function tagText(p) {
  const tags = p.tags || {};
  const parts = USEFUL_TAGS.filter((k) => tags[k]).map((k) => `${t(`tag_${k}`)}: ${tags[k]}`);
  if (p.opening_hours) parts.push(`${t("field_opening_hours")}: ${p.opening_hours}`);
  return parts.join(" · ");
}

/// One asset as a button that opens its details; with a distance, a
/// number (as on the map) and its useful tags when asked.
export function listItem(f, { distance, number, tags, generic } = {}) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.id = f.id;
  if (f.id === state.selected) button.classList.add("selected");
  if (number !== undefined) {
    const n = document.createElement("span");
    n.className = "num";
    n.textContent = String(number);
    button.append(n);
  }
  button.append(swatch(f.properties.capital));
  const text = document.createElement("span");
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = f.properties.name;
  const where = generic?.has(f.properties.name) ? placeOf(f.properties) : "";
  const place = Object.assign(document.createElement("span"), { className: "where", textContent: where ? `, ${where}` : "" });
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = ` ${t(`capital_${f.properties.capital}`)} · ${categoryLabel(f.properties.category)}`;
  text.append(name, place, document.createElement("br"), meta);
  const useful = tags ? tagText(f.properties) : "";
  if (useful) {
    const tg = document.createElement("span");
    tg.className = "tags";
    tg.textContent = useful;
    text.append(tg);
  }
  button.append(text);
  if (distance !== undefined) {
    const d = document.createElement("span");
    d.className = "dist";
    d.textContent = formatDistance(distance);
    d.title = t("straight_line");
    button.append(d);
  }
  button.addEventListener("click", () => select(f.id, true));
  li.append(button);
  return li;
}

/// Names that say too little in a list: shared by several of its assets
/// ("Trussell Trust", "Post office") or only their category's label.
export function genericNames(features) {
  const seen = new Map();
  features.forEach((f) => seen.set(f.properties.name, (seen.get(f.properties.name) || 0) + 1));
  return new Set(features.map((f) => f.properties.name).filter((n, i) => seen.get(n) > 1 || n === categoryLabel(features[i].properties.category)));
}

// Where an asset is, to tell it from others of the same name: the first
// part of its address, else its postcode.
function placeOf(p) {
  return (p.address || "").split(",")[0].trim() || p.postcode || "";
}

// How many of the list to show: a page at a time, so that every asset in
// view can be reached from the keyboard without the map.
let listShown = LIST_LIMIT;

export function renderList(shown) {
  const list = $("list");
  const ordered = !state.complete ? shown : state.q ? rankByName(shown, state.q) : [...shown].sort(byName);
  const generic = genericNames(ordered);
  // Drawn again (the map moved): focus stays on the same asset.
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
  list.replaceChildren(...ordered.slice(0, listShown).map((f) => listItem(f, { generic })));
  if (focused) list.querySelector(`button[data-id="${CSS.escape(focused)}"]`)?.focus();
  const more = (state.complete ? ordered.length : state.matched) - listShown;
  const out = $("list-more");
  out.replaceChildren();
  if (ordered.length === 0) out.textContent = t("list_empty");
  else if (more > 0) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = "list-more-button";
    button.textContent = more > LIST_LIMIT ? t("list_more", { n: LIST_LIMIT, rest: more }) : t("list_more_rest", { n: more });
    button.addEventListener("click", async () => {
      const first = listShown;
      if (!state.complete && state.features.length < first + LIST_LIMIT) {
        if (fetchingMore) return;
        await fetchMore();
        shown = visibleFeatures();
      }
      listShown = first + LIST_LIMIT;
      renderList(shown);
      list.children[first]?.querySelector("button")?.focus();
    });
    out.append(button);
  }
}

const byName = (a, b) => (a.properties.name || "").localeCompare(b.properties.name || "");

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
      // A big view's list comes filtered from the server: ask again.
      if (state.complete) render();
      else refresh();
      showGaps();
      runNear();
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
      group.append(new Option(categoryLabel(c.code), c.code));
    }
    select.append(group);
  }
  setCategory(state.category, false);
  select.addEventListener("change", () => setCategory(select.value));
}

/// Filters by a category, or several ("group,sports_club", from a search
/// for "walking group"), and shows it in the menu.
export function setCategory(codes, run = true) {
  state.category = codes;
  const select = $("category");
  if (codes && ![...select.options].some((o) => o.value === codes)) {
    select.append(new Option(codes.split(",").map(categoryLabel).join(", "), codes));
  }
  select.value = codes;
  if (run) {
    refresh();
    showGaps();
    runNear();
  }
}

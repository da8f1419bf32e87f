// "Near here" and referral lists: the nearest assets to a postcode or a
// point, for one or several needs at once, within a distance, numbered
// on the map and in the list. The postcode, needs, distance and the
// assets kept live in the URL, so a link or a printout keeps them.
import { t } from "./messages.js";
import { map, state, $, getJSON, categoryLabel } from "./core.js";
import { filterParams, listItem, genericNames } from "./list.js";
import { writeHash } from "./url-state.js";

// The needs officers refer for most, offered first; every other
// category is under "more needs".
const COMMON_NEEDS = ["food_bank", "gp", "pharmacy", "dentist", "library", "sports_club", "group", "community_centre", "childrens_centre", "credit_union", "green_space", "charity"];
const DISTANCES = [500, 1000, 2000, 5000, 0];
const PER_NEED = 3;

let place = null;
let placeMarker = null;
let pins = [];

/// Near a point: from a postcode (kept in the URL) or a click on the map.
export async function nearest(lon, lat, label, postcode = "") {
  place = { lon, lat, label };
  state.near.postcode = postcode;
  await runNear();
}

// The place and its numbered results in view together.
function fitResults() {
  const pts = [[place.lon, place.lat], ...pins.map((m) => m.getLngLat().toArray())];
  const lons = pts.map((p) => p[0]), lats = pts.map((p) => p[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 60, maxZoom: 15, duration: 0 });
}

function nearParams(categories, k) {
  const params = filterParams({ withCapitals: !categories });
  if (categories) {
    params.delete("category");
    params.delete("q");
    params.set("category", categories);
  }
  params.set("lon", place.lon);
  params.set("lat", place.lat);
  params.set("k", String(k));
  if (state.near.within > 0) params.set("max_distance_m", String(state.near.within));
  return params;
}

/// The groups to show: one per need (its nearest few), or, with no need
/// chosen, the ten nearest of what the filters select.
async function fetchGroups() {
  const needs = state.near.needs;
  if (!needs.length) {
    const body = await getJSON(`/api/assets/nearest?${nearParams(null, 10)}`);
    return [{ need: null, features: body.features }];
  }
  return Promise.all(
    needs.map(async (need) => ({ need, features: (await getJSON(`/api/assets/nearest?${nearParams(need, PER_NEED)}`)).features })),
  );
}

export async function runNear() {
  // Needs chosen before the postcode was sent: send it now.
  if (!place) return $("postcode").value.trim() ? nearPostcode() : undefined;
  const out = $("near-results");
  document.body.dataset.near = "loading";
  try {
    const groups = await fetchGroups();
    renderResults(out, groups);
    showPins(groups);
    // From a postcode, bring the place and every result into view; a
    // click on the map already shows where.
    if (state.near.postcode) fitResults();
    document.body.dataset.near = "ready";
  } catch (e) {
    out.textContent = t("load_error", { message: e.message });
    document.body.dataset.near = "error";
  }
  writeHash();
}

function renderResults(out, groups) {
  const h = document.createElement("h3");
  h.textContent = t("near_results", { place: place.label });
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = state.near.within > 0 ? t("near_within", { d: distanceLabel(state.near.within) }) : t("straight_line_note");
  const keep = document.createElement("p");
  keep.className = "hint";
  keep.textContent = t("near_keep_hint");
  const parts = [h, note, keep];
  let number = 1;
  const generic = genericNames(groups.flatMap((g) => g.features));
  for (const { need, features } of groups) {
    if (need) {
      const h4 = document.createElement("h4");
      h4.textContent = `${categoryLabel(need)} (${features.length})`;
      parts.push(h4);
    }
    if (!features.length) parts.push(Object.assign(document.createElement("p"), { textContent: t("near_none"), className: "hint" }));
    if (!features.length && !need) continue;
    const ol = document.createElement("ol");
    ol.className = "list";
    if (need) ol.dataset.need = need;
    else ol.id = "near-list";
    for (const f of features) ol.append(keepable(listItem(f, { distance: f.properties.distance_m, number: number++, tags: true, generic }), f.id));
    parts.push(ol);
  }
  parts.push(referralActions());
  out.replaceChildren(...parts);
  markKept();
}

// A result the officer may keep for the referral (kept ones go in the link).
function keepable(li, id) {
  const label = document.createElement("label");
  label.className = "keep";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = state.near.picks.includes(id);
  box.setAttribute("aria-label", t("near_keep", { name: li.querySelector(".name").textContent }));
  li.classList.toggle("kept", box.checked);
  box.addEventListener("change", () => {
    const picks = state.near.picks.filter((p) => p !== id);
    state.near.picks = box.checked ? [...picks, id] : picks;
    li.classList.toggle("kept", box.checked);
    markKept();
    writeHash();
  });
  label.append(box);
  li.prepend(label);
  return li;
}

// With some kept, a printout lists only those.
function markKept() {
  $("near-results").classList.toggle("has-kept", state.near.picks.length > 0);
}

function referralActions() {
  const p = document.createElement("p");
  p.className = "actions";
  const print = document.createElement("button");
  print.type = "button";
  print.id = "near-print";
  print.textContent = t("near_print");
  print.addEventListener("click", () => {
    document.body.dataset.print = "referral";
    // Until the printing is over: some browsers (Safari on iOS) return from
    // print() at once and print afterwards.
    window.addEventListener("afterprint", () => delete document.body.dataset.print, { once: true });
    window.print();
  });
  const link = document.createElement("a");
  link.id = "near-link";
  link.href = location.href;
  link.textContent = t("near_link");
  p.append(print, " ", link);
  return p;
}

// Numbered pins on the map, as in the list; the list is their accessible form.
function showPins(groups) {
  pins.forEach((m) => m.remove());
  pins = [];
  let number = 1;
  for (const { features } of groups) {
    for (const f of features) {
      const el = document.createElement("div");
      el.className = "pin";
      el.textContent = String(number++);
      el.setAttribute("aria-hidden", "true");
      pins.push(new maplibregl.Marker({ element: el }).setLngLat(f.properties.point).addTo(map));
    }
  }
  if (placeMarker) placeMarker.remove();
  placeMarker = new maplibregl.Marker({ color: "#1b1b1b" }).setLngLat([place.lon, place.lat]).addTo(map);
}

function distanceLabel(m) {
  return m >= 1000 ? t("distance_km", { d: m / 1000 }) : t("distance_m", { d: m });
}

export async function nearPostcode(event) {
  event?.preventDefault();
  const pc = $("postcode").value.trim();
  if (!pc) return;
  const out = $("near-results");
  try {
    const found = await getJSON(`/api/postcodes/${encodeURIComponent(pc)}`);
    await nearest(found.lon, found.lat, found.postcode, found.postcode);
  } catch {
    out.textContent = t("postcode_unknown", { pc });
  }
}

/// The needs checkboxes and the distance menu; each change runs the
/// referral again at once.
export function buildNeeds() {
  const common = COMMON_NEEDS.filter((c) => state.labels[c]);
  const others = Object.keys(state.labels).filter((c) => !common.includes(c));
  const box = $("needs-list");
  box.append(...common.map(needBox));
  const more = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = t("needs_more");
  more.append(summary, ...others.map(needBox));
  more.open = others.some((c) => state.near.needs.includes(c));
  box.after(more);
  const distance = $("near-distance");
  DISTANCES.forEach((d) => distance.append(new Option(d ? distanceLabel(d) : t("near_any_distance"), String(d))));
  distance.value = String(state.near.within);
  distance.addEventListener("change", () => {
    state.near.within = Number(distance.value);
    runNear();
  });
  $("postcode").value = state.near.postcode;
}

function needBox(code) {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.value = code;
  input.id = `need-${code}`;
  input.checked = state.near.needs.includes(code);
  input.addEventListener("change", () => {
    const needs = state.near.needs.filter((n) => n !== code);
    state.near.needs = input.checked ? [...needs, code] : needs;
    runNear();
  });
  label.append(input, ` ${categoryLabel(code)}`);
  return label;
}

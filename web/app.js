// The map page: "what we have" first. Plain modules, no framework: the map,
// a legend that is also the capital filter, the list of what is in view
// (the accessible alternative to the map), details, "near here", areas and
// export. State lives in the URL so that a link shares exactly this view.
import { t, language, otherLanguage, setLanguage } from "./messages.js";
import { state, map, setMap, setView, $, status, getJSON } from "./core.js";
import { readHash, writeHash } from "./url-state.js";
import { baseStyle, addLayers, renderClusters, showAreas, toggleAreaLabels, placeAreaLabels } from "./layers.js";
import { refresh, buildLegend, buildCategories, setCategory } from "./list.js";
import { nearPostcode, buildNeeds } from "./near.js";
import { showGaps, buildGapControls } from "./gaps.js";
import { select, closeDetails } from "./details.js";
import { loadAreaIndex, showArea, closeArea, preparePrint } from "./area.js";
import { find } from "./find.js";
import { startCommunity } from "./community.js";
import { placeByClick } from "./contribute.js";
import { startInvite } from "./account.js";

function translatePage() {
  document.querySelectorAll("[data-i18n]").forEach((el) => (el.textContent = t(el.dataset.i18n)));
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => (el.placeholder = t(el.dataset.i18nPlaceholder)));
  document.querySelectorAll("[data-i18n-aria-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel)));
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

// The header names the place; "back to the whole area" returns to it.
function showPlace(config) {
  const place = config.place || "";
  $("place").textContent = place;
  document.title = place ? `${place}: ${t("title")}` : t("title");
  $("whole-area").textContent = place ? t("whole_area_named", { place }) : t("whole_area");
  $("whole-area").addEventListener("click", () => {
    closeArea();
    closeDetails();
    if (config.bounds) map.fitBounds(config.bounds, { padding: 20, duration: 0 });
  });
}

// "Back to the whole area" only while the whole area is not in view: there
// it would do nothing.
function followWholeArea(map, config) {
  if (!config.bounds) return;
  const [sw, ne] = config.bounds;
  const update = () => {
    const view = map.getBounds();
    const whole = view.contains(sw) && view.contains(ne) && $("area-page").hidden;
    $("whole-area").parentElement.hidden = whole;
  };
  map.on("moveend", update);
  update();
}

// MapLibre's own words (its buttons' labels), from the catalogue.
function mapLocale() {
  return {
    "NavigationControl.ZoomIn": t("ml_zoom_in"),
    "NavigationControl.ZoomOut": t("ml_zoom_out"),
    "NavigationControl.ResetBearing": t("ml_reset_bearing"),
    "AttributionControl.ToggleAttribution": t("ml_attribution"),
  };
}

function makeMap(config, style, view) {
  const map = setMap(new maplibregl.Map({
    container: "map",
    style,
    center: view?.center || config.center || [0, 0],
    zoom: view?.zoom ?? 11,
    attributionControl: false,
    locale: mapLocale(),
    // So that the map can be printed as a picture in an area's page.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  }));
  // Collapsed to an (i) button: it must not cover a phone's map.
  const attribution = new maplibregl.AttributionControl({ compact: true, customAttribution: config.attribution || [] });
  map.addControl(attribution);
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  map.once("load", () => map.getContainer().querySelector(".maplibregl-ctrl-attrib")?.classList.remove("maplibregl-compact-show"));
  if (!view && config.bounds) map.fitBounds(config.bounds, { padding: 20, animate: false });
  return map;
}

function wireControls() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    find($("q").value);
  });
  $("clear-search").addEventListener("click", () => {
    $("q").value = "";
    $("search-result").replaceChildren();
    state.q = "";
    setCategory("");
  });
  $("near").addEventListener("submit", nearPostcode);
  for (const b of document.querySelectorAll(".view-switch button")) b.addEventListener("click", () => setView(b.dataset.view));
  // The skip link's list is in the list view on a phone.
  document.querySelector(".skip").addEventListener("click", () => setView("list"));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && closeDetails()) e.preventDefault();
  });
  window.addEventListener("beforeprint", preparePrint);
  const other = otherLanguage();
  const lang = $("lang-switch");
  lang.textContent = t("lang_switch");
  lang.lang = other;
  lang.hreflang = other;
  lang.addEventListener("click", (e) => {
    e.preventDefault();
    setLanguage(other);
  });
}

async function main() {
  document.documentElement.lang = language();
  translatePage();
  startInvite();
  const view = readHash();
  $("q").value = state.q;
  buildLegend();
  wireControls();
  let config;
  try {
    config = await getJSON("/api/config");
    state.config = config;
    await buildCategories();
    await loadAreaIndex();
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    return;
  }
  showPlace(config);
  buildNeeds();
  buildAreaControls(config.levels || []);
  buildGapControls();
  const map = makeMap(config, await baseStyle(config.basemap_style), view);
  followWholeArea(map, config);
  map.on("load", async () => {
    // Before the layers' own: placing an asset takes the click.
    map.on("click", placeByClick);
    addLayers();
    map.on("moveend", refresh);
    map.on("zoomend", toggleAreaLabels);
    map.on("render", renderClusters);
    map.on("idle", placeAreaLabels);
    if (state.area) await showArea();
    await refresh();
    if (state.areas) await showAreas();
    await showGaps();
    if (state.near.postcode) await nearPostcode();
    // The map works without it (say, the server's account store is down).
    await startCommunity().catch((e) => status(t("load_error", { message: e.message }), true));
    if (state.selected) await select(state.selected, false);
    document.body.dataset.ready = "true";
    // For the browser tests, and for anyone scripting the page.
    window.assetmap = { map, state };
  });
}

main();

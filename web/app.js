// The map page: "what we have" first. Plain modules, no framework: the map,
// a legend that is also the capital filter, the list of what is in view
// (the accessible alternative to the map), details, "near here", areas and
// export. State lives in the URL so that a link shares exactly this view.
import { t } from "./messages.js";
import { state, setMap, $, status, getJSON } from "./core.js";
import { readHash, writeHash } from "./url-state.js";
import { baseStyle, addLayers, renderClusters, showAreas, toggleAreaLabels } from "./layers.js";
import { filterParams, refresh, buildLegend, buildCategories } from "./list.js";
import { nearPostcode } from "./near.js";
import { showGaps, buildGapControls } from "./gaps.js";

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
  const map = setMap(new maplibregl.Map({
    container: "map",
    style,
    center: view?.center || config.center || [0, 0],
    zoom: view?.zoom ?? 11,
    attributionControl: false,
  }));
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

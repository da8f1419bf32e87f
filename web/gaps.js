// Gaps mode: areas shaded by what they have, the ranking as a list, and
// one area's profile of all five capitals.
import { t } from "./messages.js";
import { STYLE, state, map, $, status, getJSON, formatDistance } from "./core.js";
import { mapReady, showAreas } from "./layers.js";
import { filterParams } from "./list.js";
import { writeHash } from "./url-state.js";
import { zoomToArea } from "./area.js";
import { renderGapsTable } from "./gaps-table.js";

// ColorBrewer Blues: sequential and safe for colour-vision deficiencies;
// darker always means better provided.
const CLASS_COLOURS = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
export const MEASURES = ["per_1000", "count", "coverage", "nearest_m"];

export function gapParams() {
  const p = filterParams({ withCapitals: true });
  p.delete("q");
  p.set("level", state.areas || "ward");
  p.set("distance_m", String(state.distance));
  p.set("rank_by", state.gaps || "per_1000");
  return p;
}

export function formatMeasure(measure, v) {
  if (v === null || v === undefined) return t("gaps_no_data");
  if (measure === "coverage") return `${Math.round(v * 100)}%`;
  if (measure === "nearest_m") return formatDistance(v);
  if (measure === "per_1000") return v.toFixed(2);
  return String(Math.round(v));
}

export async function showGaps() {
  if (!mapReady()) return;
  const p = gapParams();
  $("gaps-csv").href = `/api/gaps.csv?${p}`;
  $("gaps-geojson").href = `/api/gaps.geojson?${p}`;
  const legend = $("gaps-legend");
  const empty = { type: "FeatureCollection", features: [] };
  if (!state.gaps || !state.areas) {
    map.getSource("gaps").setData(empty);
    legend.replaceChildren();
    $("gaps-table").replaceChildren();
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
    const items = legendItems(body.features, measure, inner, colours);
    const gapItem = document.createElement("li");
    const gapSwatch = document.createElement("span");
    gapSwatch.className = "gap-swatch";
    const gapLabel = document.createElement("span");
    gapLabel.textContent = t("gaps_flag");
    gapItem.append(gapSwatch, gapLabel);
    legend.replaceChildren(...items, gapItem);
    $("gaps-method").textContent = t(`method_${measure}`, { d: formatDistance(state.distance) });
    // The ranking as a table: what the shading says, for keyboards and
    // screen readers, sortable by each figure.
    renderGapsTable($("gaps-table"), body.features, measure, formatMeasure, (code) => {
      zoomToArea(code);
      showProfile(code);
    });
    document.body.dataset.gaps = "ready";
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    document.body.dataset.gaps = "error";
  }
}

// The legend lists only the classes some area falls in, each with the
// range of its areas' values and how many areas: quantile breaks repeat
// where areas tie (often at 0), and empty classes would repeat them.
function legendItems(features, measure, inner, colours) {
  const classOf = (v) => {
    for (let i = inner.length - 1; i >= 0; i--) if (v > inner[i]) return i + 1;
    return 0;
  };
  const values = colours.map(() => []);
  for (const f of features) {
    const v = f.properties[measure];
    if (v !== null && v !== undefined) values[classOf(Number(v))].push(Number(v));
  }
  return colours.flatMap((c, i) => {
    if (!values[i].length) return [];
    const lo = Math.min(...values[i]), hi = Math.max(...values[i]);
    const li = document.createElement("li");
    li.dataset.count = String(values[i].length);
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = c;
    const label = document.createElement("span");
    const [from, to] = [formatMeasure(measure, lo), formatMeasure(measure, hi)];
    const range = from === to ? from : `${from} – ${to}`;
    label.textContent = `${range}: ${t("areas_count", { n: values[i].length })}`;
    li.append(sw, label);
    return [li];
  });
}

export async function showProfile(code, out = $("profile")) {
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
    const summary = rows.map((r) => `${t(`capital_${r.capital}`)} ${formatMeasure("per_1000", r.area)} (${t("profile_median", { level: t(`levels_${p.level}`) })} ${formatMeasure("per_1000", r.median)})`).join("; ");
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
    key.textContent = `▬ ${t("profile_area")} · ▂ ${t("profile_median", { level: t(`levels_${p.level}`) })}`;
    out.replaceChildren(h, svg, key);
  } catch (e) {
    out.textContent = t("load_error", { message: e.message });
  }
}

export function buildGapControls() {
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

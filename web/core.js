// What every part of the page shares: the capitals and their look, the
// state that the URL mirrors, the map handle, and small helpers.
import { t } from "./messages.js";

export const CAPITALS = ["social", "human", "public", "physical", "financial"];
// Okabe–Ito colours, safe for the common colour-vision deficiencies, and a
// shape per capital so that colour is never the only cue.
export const STYLE = {
  social: { colour: "#E69F00", shape: "circle" },
  human: { colour: "#CC79A7", shape: "triangle" },
  public: { colour: "#0072B2", shape: "square" },
  physical: { colour: "#009E73", shape: "diamond" },
  financial: { colour: "#56B4E9", shape: "star" },
};

export const state = {
  enabled: new Set(CAPITALS),
  category: "",
  q: "",
  areas: "",
  gaps: "",
  distance: 800,
  features: [],
  matched: 0,
  // What /api/assets/counts said of the view, by capital, and whether the
  // list holds all of the view (else a page at a time).
  counts: {},
  complete: true,
  labels: {},
  selected: null,
  // An area page's code (#area=CODE), or "".
  area: "",
  // A referral: the postcode, the needs (category codes), the distance
  // limit in metres (0: none) and the assets kept.
  near: { postcode: "", needs: [], within: 2000, picks: [] },
  // /api/config, and every area of every level ({code, name, level}).
  config: {},
  areaIndex: [],
};

// The MapLibre map, once made (a live binding: importers see it set).
export let map;
export function setMap(m) {
  map = m;
  return m;
}

export const $ = (id) => document.getElementById(id);

/// On a narrow screen, the map or the list (panel); wide screens show both.
export function setView(view) {
  // The hidden map keeps the size it had, so the view it lists is the same.
  const box = map?.getContainer();
  if (view === "list" && box?.clientHeight) {
    document.body.style.setProperty("--map-w", `${box.clientWidth}px`);
    document.body.style.setProperty("--map-h", `${box.clientHeight}px`);
  }
  document.body.dataset.view = view;
  for (const b of document.querySelectorAll(".view-switch button")) b.setAttribute("aria-pressed", String(b.dataset.view === view));
  if (view === "map") map?.resize();
}

export function status(message, isError = false) {
  const el = $("status");
  el.textContent = message || "";
  el.classList.toggle("error", Boolean(isError));
}

export async function getJSON(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body?.error?.message || `${response.status} ${response.statusText}`);
  }
  return body;
}

/// A category's label: the catalogue's (in the page's language) if it has
/// one, else the server's.
export function categoryLabel(code) {
  const key = `cat_${code}`;
  const label = t(key);
  return label !== key ? label : state.labels[code] || code;
}

export function formatDistance(m) {
  return m < 1000 ? t("distance_m", { d: Math.round(m / 10) * 10 }) : t("distance_km", { d: (m / 1000).toFixed(1) });
}

// ---- shapes -------------------------------------------------------------

export function shapePath(ctx, shape, s) {
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

export function shapeCanvas(capital, size) {
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

export function swatch(capital) {
  const c = shapeCanvas(capital, 32);
  c.className = "swatch";
  c.setAttribute("aria-hidden", "true");
  return c;
}

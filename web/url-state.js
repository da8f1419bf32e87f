// The URL's hash holds the view, the filters, an area page and a referral,
// so that a link shares exactly this view.
import { CAPITALS, state, map } from "./core.js";
import { MEASURES } from "./gaps.js";

const list = (v) => (v || "").split(",").filter(Boolean);

export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const off = list(params.get("off")).filter((c) => CAPITALS.includes(c));
  state.enabled = new Set(CAPITALS.filter((c) => !off.includes(c)));
  state.category = params.get("category") || "";
  state.q = params.get("q") || "";
  // Absent means the default (wards, when there are any); "none" means off.
  state.areas = params.has("areas") ? params.get("areas").replace(/^none$/, "") : null;
  state.gaps = MEASURES.includes(params.get("gaps")) ? params.get("gaps") : "";
  state.distance = Number(params.get("distance")) || 800;
  state.area = params.get("area") || "";
  state.selected = params.get("sel") || null;
  state.near = {
    postcode: params.get("pc") || "",
    needs: list(params.get("needs")),
    within: params.has("within") ? Number(params.get("within")) || 0 : 2000,
    picks: list(params.get("pick")),
  };
  const view = (params.get("map") || "").split("/").map(Number);
  return view.length === 3 && view.every(Number.isFinite) ? { zoom: view[0], center: [view[2], view[1]] } : null;
}

export function writeHash() {
  if (!map) return;
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
  if (state.area) params.set("area", state.area);
  if (state.selected) params.set("sel", state.selected);
  const near = state.near;
  if (near.postcode) {
    params.set("pc", near.postcode);
    if (near.needs.length) params.set("needs", near.needs.join(","));
    params.set("within", String(near.within));
    if (near.picks.length) params.set("pick", near.picks.join(","));
  }
  history.replaceState(null, "", `#${params.toString().replaceAll("%2F", "/").replaceAll("%2C", ",")}`);
  // The referral's own link is copied or shared as it stands (a long press
  // on a phone hovers and focuses nothing): keep it the page's address.
  const link = document.getElementById("near-link");
  if (link) link.href = location.href;
}

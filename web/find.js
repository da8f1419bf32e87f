// The search box: a postcode goes "near here", an area's name opens its
// area page, a category's name or synonym ("GP", "food bank") filters by
// it, anything else searches names (exact matches first); a misspelling
// is corrected, and nothing found says so with suggestions.
import { t } from "./messages.js";
import { state, map, $, getJSON, setView, categoryLabel } from "./core.js";
import { filterParams, refresh, refreshed, setCategory } from "./list.js";
import { nearest } from "./near.js";
import { openArea } from "./area.js";
import { buildTerms, understand, isPostcode, normalise, editDistance } from "./search.js";

function say(...parts) {
  $("search-result").replaceChildren(...parts);
}

function para(text) {
  return Object.assign(document.createElement("p"), { textContent: text });
}

export async function find(text) {
  say();
  document.body.dataset.search = "busy";
  try {
    await interpret(text.trim());
  } finally {
    document.body.dataset.search = "done";
  }
}

async function interpret(text) {
  if (!text) {
    state.q = "";
    return refresh();
  }
  setView("list");
  if (isPostcode(text)) return findPostcode(text);
  // The server's labels and the page's (Welsh ones, in Welsh) both count.
  const labels = Object.keys(state.labels).map((code) => [code, [state.labels[code], categoryLabel(code)]]);
  const terms = buildTerms(Object.fromEntries(labels), state.areaIndex);
  const { exact, close } = understand(text, terms);
  if (exact) return apply(exact, text, false);
  if (await findNames(text)) return;
  if (close.length) return apply(close[0], text, true, close.slice(1));
  state.q = "";
  say(para(t("search_none", { q: text })), suggestions(nearestTerms(text, terms)));
  await refresh();
}

async function findPostcode(text) {
  try {
    const place = await getJSON(`/api/postcodes/${encodeURIComponent(text)}`);
    state.q = "";
    $("postcode").value = place.postcode;
    say(para(t("search_postcode", { pc: place.postcode })));
    await nearest(place.lon, place.lat, place.postcode, place.postcode);
  } catch {
    say(para(t("postcode_unknown", { pc: text })));
  }
}

// Names (and descriptions, addresses) through the API; the map shows
// where they are. Whether anything matched.
async function findNames(text) {
  state.q = text;
  setCategory("", false);
  const p = filterParams({ withCapitals: false });
  p.set("limit", "1000");
  const body = await getJSON(`/api/assets?${p}`);
  if (body.features.length === 0) return false;
  const pts = body.features.map((f) => f.properties.point);
  const lons = pts.map((q) => q[0]), lats = pts.map((q) => q[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 60, maxZoom: 15, animate: false });
  say(para(t("search_names", { n: body.numberMatched, q: text })), toList());
  await refresh();
  return true;
}

/// Acts on what a query was understood to mean: a category (or several)
/// over the whole place, or an area's page.
async function apply(term, text, corrected, others = []) {
  state.q = "";
  const lead = corrected ? [para(t("search_corrected", { q: text, label: termLabel(term) }))] : [];
  if (term.kind === "area") {
    setCategory("", false);
    say(...lead, others.length ? suggestions(others) : "");
    await openArea(term.code);
    return;
  }
  setCategory(term.codes.join(","), false);
  if (state.config.bounds) map.fitBounds(state.config.bounds, { padding: 20, animate: false });
  await refresh();
  await refreshed();
  const place = state.config.place;
  const shown = para(t(place ? "search_category" : "search_category_anywhere", { label: termLabel(term), n: state.matched, place }));
  say(...lead, shown, toList(), others.length ? suggestions(others) : "");
}

// On a phone the list is further down the panel: a way straight to it.
function toList() {
  const a = Object.assign(document.createElement("a"), { href: "#list-heading", id: "to-list", textContent: t("search_to_list") });
  const p = document.createElement("p");
  p.append(a);
  return p;
}

function termLabel(term) {
  return term.kind === "area" ? term.label : term.codes.map(categoryLabel).join(", ");
}

// The closest terms, however far: something to try after "no results".
function nearestTerms(text, terms) {
  const q = normalise(text);
  const seen = new Set();
  return terms
    .map((term) => ({ term, d: editDistance(q, term.text) / Math.max(q.length, term.text.length) }))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.term)
    .filter((term) => {
      const key = termLabel(term);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, 3);
}

function suggestions(terms) {
  const p = document.createElement("p");
  p.append(t("search_try"), " ");
  for (const term of terms) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "suggestion";
    b.textContent = termLabel(term);
    b.addEventListener("click", () => {
      $("q").value = termLabel(term);
      say();
      apply(term, termLabel(term), false);
    });
    p.append(b);
  }
  return p;
}

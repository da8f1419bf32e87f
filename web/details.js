// One asset's details, with its source's attribution.
import { t } from "./messages.js";
import { map, state, $, status, getJSON, categoryLabel, swatch, setView } from "./core.js";
import { highlight } from "./layers.js";
import { writeHash } from "./url-state.js";
import { historySection } from "./history.js";

// Where focus was when details opened, to return it there on close.
let opener = null;

/// Closes the details (the close button, or Escape) and unrings the asset.
export function closeDetails() {
  const panel = $("details");
  if (panel.hidden) return false;
  panel.hidden = true;
  const was = state.selected;
  state.selected = null;
  highlight(null);
  markSelected();
  writeHash();
  // Back where it was; the list may have been drawn again meanwhile.
  const target = opener?.isConnected ? opener : document.querySelector(`#list button[data-id="${CSS.escape(was || "")}"]`);
  target?.focus();
  opener = null;
  return true;
}

function markSelected() {
  document.querySelectorAll(".list button[data-id]").forEach((b) => b.classList.toggle("selected", b.dataset.id === state.selected));
}

export function attributionFor(source) {
  if (!source) return "";
  if (source.startsWith("osm:")) return "© OpenStreetMap contributors (ODbL)";
  if (source.startsWith("import:trafford_allotments")) return "© OpenStreetMap contributors (ODbL); Trafford Data Lab";
  if (source.startsWith("import:trafford")) return "Trafford Data Lab, Open Government Licence v3.0";
  return "";
}

export async function select(id, fly) {
  let feature;
  try {
    feature = await getJSON(`/api/assets/${encodeURIComponent(id)}`);
  } catch (e) {
    status(t("load_error", { message: e.message }), true);
    return;
  }
  if (!opener || !opener.isConnected) opener = document.activeElement;
  state.selected = id;
  const p = feature.properties;
  const panel = $("details");
  panel.replaceChildren();
  const header = document.createElement("div");
  const h = document.createElement("h2");
  h.id = "details-name";
  h.textContent = p.name;
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = t("details_close");
  close.addEventListener("click", closeDetails);
  // On a phone the map is the other view: a way back to it, ringed.
  const onMap = document.createElement("button");
  onMap.type = "button";
  onMap.className = "narrow-only";
  onMap.textContent = t("details_on_map");
  onMap.addEventListener("click", () => {
    setView("map");
    map.flyTo({ center: p.point, zoom: Math.max(map.getZoom(), 15) });
  });
  header.append(swatch(p.capital), h, onMap, close);
  const dl = document.createElement("dl");
  const row = (label, value, href) => {
    if (!value) return;
    const dt = document.createElement("dt");
    dt.textContent = t(label);
    const dd = document.createElement("dd");
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = value;
      if (href.startsWith("http")) a.rel = "noopener noreferrer";
      dd.append(a);
    } else {
      dd.textContent = value;
    }
    dl.append(dt, dd);
  };
  row("field_category", `${t(`capital_${p.capital}`)} · ${categoryLabel(p.category)}`);
  row("field_description", p.description);
  row("field_address", [p.address, p.postcode].filter(Boolean).join(", "));
  row("field_opening_hours", p.opening_hours);
  row("field_accessibility", p.accessibility);
  // Only http(s) links: the API refuses other schemes, and the page checks again.
  if (p.website && /^https?:\/\//i.test(p.website)) row("field_website", p.website, p.website);
  if (p.email) row("field_email", p.email, `mailto:${p.email}`);
  if (p.phone) row("field_phone", p.phone, `tel:${p.phone.replace(/\s+/g, "")}`);
  // The publisher, not an import's internal key; an OSM id is worth keeping.
  const publisher = attributionFor(p.source);
  row("field_source", p.source?.startsWith("osm:") ? `${publisher} (${p.source})` : publisher || p.source);
  // The publisher's own date for the record, where the data gives one.
  if (publisher || p.source) row("field_source_date", p.tags?.source_date || t("date_not_given"));
  row("field_verified", p.verified_at ? `${p.verified_at.slice(0, 10)}${p.verified_by ? ` (${p.verified_by})` : ""}` : t("never_verified"));
  row("field_updated", p.updated_at?.slice(0, 10));
  for (const [k, v] of Object.entries(p.tags || {})) {
    if (!v || k === "source_date") continue;
    const dt = document.createElement("dt");
    dt.textContent = tagLabel(k);
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  }
  panel.append(header, dl);
  if (p.visibility === "area_only") {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = t("area_only_note");
    panel.append(note);
  }
  // Other modules add what a person can do with it (community.js).
  panel.dispatchEvent(new CustomEvent("asset-shown", { detail: feature }));
  historySection(panel, { ...p, id }, () => select(id, false));
  panel.hidden = false;
  highlight(p.point);
  markSelected();
  // Chosen on the map of a phone: show the details, which are in the list view.
  if (!fly) setView("list");
  panel.focus();
  if (fly) map.flyTo({ center: p.point, zoom: Math.max(map.getZoom(), 15) });
  writeHash();
}

// A tag's key in words: the catalogue's name for it, or the key itself.
function tagLabel(key) {
  const label = t(`tag_${key}`);
  return label === `tag_${key}` ? key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) : label;
}

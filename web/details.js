// One asset's details, with its source's attribution.
import { t } from "./messages.js";
import { map, state, $, status, getJSON, categoryLabel, swatch } from "./core.js";

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
  close.addEventListener("click", () => {
    panel.hidden = true;
    state.selected = null;
  });
  header.append(swatch(p.capital), h, close);
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
  row("field_source", [p.source, attributionFor(p.source)].filter(Boolean).join(" — "));
  row("field_verified", p.verified_at ? `${p.verified_at.slice(0, 10)}${p.verified_by ? ` (${p.verified_by})` : ""}` : t("never_verified"));
  row("field_updated", p.updated_at?.slice(0, 10));
  panel.append(header, dl);
  if (p.visibility === "area_only") {
    const note = document.createElement("p");
    note.className = "hint";
    note.textContent = t("area_only_note");
    panel.append(note);
  }
  panel.hidden = false;
  panel.focus();
  if (fly) map.flyTo({ center: p.point, zoom: Math.max(map.getZoom(), 15) });
}

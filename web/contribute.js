// "Add what we have", "Offer a skill" and "Suggest a change": one form.
// A place is chosen by clicking or tapping the map, by postcode, or with
// the map's centre (so the keyboard alone is enough). What is sent depends
// on the role, as the server's matrix says: a moderator's or admin's add
// is published, a contributor's becomes a proposal (202), and anyone
// else's a suggestion (POST /api/proposals). A person's offer is always a
// proposal, with their consent and a withdrawal code shown once.
import { t } from "./messages.js";
import { map, state, $, getJSON, categoryLabel, CAPITALS } from "./core.js";
import { session, can, send, field, formError, openWork, closeWork, para, button } from "./account.js";
import { remember } from "./mine.js";
import { refresh } from "./list.js";
import { touch, startPlacing, takeClick } from "./placing.js";

let marker = null;
// The place chosen for the form open now: {lon, lat, postcode?, how}.
let place = null;
let placeOut = null;

function clearMarker() {
  marker?.remove();
  marker = null;
}
for (const type of ["work-closed", "work-replaced"]) {
  document.addEventListener(type, () => {
    clearMarker();
    place = null;
    placeOut = null;
  });
}

/// While a form with a place is open, a click or tap on the map places it
/// (and nothing else happens: no "near here"); in the placing mode the
/// tap also brings the form back.
export function placeByClick(e) {
  if (!placeOut) return;
  e.preventDefault();
  if (takeClick(e)) return;
  setPlace({ lon: e.lngLat.lng, lat: e.lngLat.lat, how: touch(e.originalEvent) ? "tap" : "map" });
}

function setPlace(p) {
  place = p;
  if (!marker) marker = new maplibregl.Marker({ color: "#b00020" });
  marker.setLngLat([p.lon, p.lat]).addTo(map);
  const words = { centre: "placed_centre", tap: "placed_tapped", map: "placed_map" };
  placeOut.textContent = p.postcode ? t("placed_postcode", { pc: p.postcode }) : t(words[p.how]);
  placeOut.classList.add("ok");
}

/// The "where is it" part: postcode, map centre, or a click on the map.
function placeFieldset(form, { person }) {
  const fs = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = t(person ? "offer_where" : "add_where");
  fs.append(legend);
  para(fs, t(person ? "offer_where_hint" : "add_where_hint"), "hint");
  const row = document.createElement("div");
  row.className = "inline";
  const label = document.createElement("label");
  label.htmlFor = "add-postcode";
  label.textContent = t("near_label");
  const pc = document.createElement("input");
  pc.id = "add-postcode";
  pc.name = "postcode";
  pc.autocomplete = "postal-code";
  const find = button(t("add_find_postcode"), async () => {
    const text = pc.value.trim();
    if (!text) return pc.focus();
    try {
      const found = await getJSON(`/api/postcodes/${encodeURIComponent(text)}`);
      setPlace({ lon: found.lon, lat: found.lat, postcode: found.postcode, how: "postcode" });
      map.flyTo({ center: [found.lon, found.lat], zoom: Math.max(map.getZoom(), 15), duration: 0 });
    } catch {
      placeOut.textContent = t("postcode_unknown", { pc: text });
      placeOut.classList.remove("ok");
    }
  });
  find.id = "add-find-postcode";
  // Enter in the postcode looks it up rather than sending the whole form.
  pc.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      find.click();
    }
  });
  row.append(label, pc, find);
  fs.append(row);
  if (!person) {
    const centre = button(t("add_use_centre"), () => {
      const c = map.getCenter();
      setPlace({ lon: c.lng, lat: c.lat, how: "centre" });
    });
    centre.id = "add-use-centre";
    const onMap = button(t(touch() ? "add_tap_map" : "add_choose_map"), () => {
      startPlacing((at, event) => setPlace({ lon: at.lng, lat: at.lat, how: touch(event) ? "tap" : "map" }), onMap);
    });
    onMap.id = "add-on-map";
    fs.append(centre, " ", onMap);
  }
  placeOut = document.createElement("p");
  placeOut.id = "add-place";
  placeOut.setAttribute("role", "status");
  placeOut.textContent = t("add_not_placed");
  fs.append(placeOut);
  form.append(fs);
}

/// The capital and category menus; a person's offer is human capital only.
function categoryFields(form, { capital, category, person }) {
  let capitalSelect = null;
  if (!person) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    const l = document.createElement("label");
    l.htmlFor = "add-capital";
    l.textContent = t("add_capital");
    capitalSelect = document.createElement("select");
    capitalSelect.id = "add-capital";
    capitalSelect.name = "capital";
    // People offer their own skills with consent, by "Offer a skill".
    for (const c of CAPITALS.filter((c) => c !== "human")) capitalSelect.append(new Option(`${t(`capital_${c}`)}: ${t(`capital_${c}_hint`)}`, c));
    capitalSelect.value = capital || "social";
    wrap.append(l, capitalSelect);
    form.append(wrap);
  }
  const wrap = document.createElement("div");
  wrap.className = "field";
  const l = document.createElement("label");
  l.htmlFor = "add-category";
  l.textContent = t(person ? "offer_kind" : "category_label");
  const select = document.createElement("select");
  select.id = "add-category";
  select.name = "category";
  select.required = true;
  wrap.append(l, select);
  form.append(wrap);
  const fill = () => {
    const cap = person ? "human" : capitalSelect.value;
    select.replaceChildren();
    for (const code of state.categories?.[cap] || []) select.append(new Option(categoryLabel(code), code));
    if (category && [...select.options].some((o) => o.value === category)) select.value = category;
  };
  capitalSelect?.addEventListener("change", fill);
  fill();
  return () => (person ? "human" : capitalSelect.value);
}

const TEXT_FIELDS = ["name", "description", "address", "opening_hours", "website", "email", "phone", "accessibility"];

function textFields(form, p, person) {
  const inputs = {};
  const add = (key, opts) => {
    inputs[key] = field(form, { id: `add-${key}`, ...opts });
    inputs[key].name = key;
    if (p?.[key]) inputs[key].value = p[key];
  };
  add("name", { label: t(person ? "offer_name" : "add_name"), required: true, hint: person ? t("offer_name_hint") : undefined });
  add("description", { label: t(person ? "offer_description" : "field_description"), rows: 3 });
  if (!person) {
    add("address", { label: t("add_address"), hint: t("add_address_hint") });
    add("opening_hours", { label: t("add_when"), hint: t("add_when_hint") });
  }
  const contact = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = t(person ? "offer_contact" : "add_contact");
  contact.append(legend);
  if (person) para(contact, t("offer_contact_hint"), "hint");
  form.append(contact);
  if (!person) inputs.website = field(contact, { id: "add-website", label: t("field_website"), type: "url", hint: t("add_website_hint") });
  inputs.email = field(contact, { id: "add-email", label: t("field_email"), type: "email", autocomplete: person ? "email" : "off" });
  inputs.phone = field(contact, { id: "add-phone", label: t("field_phone"), type: "tel", autocomplete: person ? "tel" : "off" });
  for (const k of ["website", "email", "phone"]) {
    if (!inputs[k]) continue;
    inputs[k].name = k;
    if (p?.[k]) inputs[k].value = p[k];
  }
  if (!person) add("accessibility", { label: t("field_accessibility"), rows: 2, hint: t("add_accessibility_hint") });
  return inputs;
}

/// The words a person agrees to, from the server (GET /api/consent).
async function consentFields(form) {
  const words = await getJSON("/api/consent");
  const fs = document.createElement("fieldset");
  fs.className = "consent";
  const legend = document.createElement("legend");
  legend.textContent = t("consent_legend");
  fs.append(legend);
  const dl = document.createElement("dl");
  for (const key of ["shown", "to_whom", "withdraw"]) {
    const dt = document.createElement("dt");
    dt.textContent = t(`consent_${key}`);
    const dd = document.createElement("dd");
    dd.textContent = words[key] || "";
    dl.append(dt, dd);
  }
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = "add-consent";
  box.name = "consent";
  box.required = true;
  label.append(box, ` ${t("consent_agree")}`);
  fs.append(dl, label);
  form.append(fs);
  return box;
}

function submitButton(form, text) {
  const b = document.createElement("button");
  b.type = "submit";
  b.textContent = text;
  b.id = "add-submit";
  form.append(b);
}

/// "Add what we have" (capital given, or chosen) and "Offer a skill"
/// (person: true).
export async function openAdd({ person = false } = {}) {
  const panel = openWork(t(person ? "offer_heading" : "add_heading"), person ? "offer" : "add");
  para(panel, t(person ? "offer_intro" : session.signed_in && can("create_asset") !== "queue" ? "add_intro_direct" : "add_intro_review"), "hint");
  const form = document.createElement("form");
  form.id = "add-form";
  form.className = "stack";
  form.noValidate = true;
  placeFieldset(form, { person });
  const capitalOf = categoryFields(form, { person });
  const inputs = textFields(form, null, person);
  const consent = person ? await consentFields(form) : null;
  submitButton(form, t(person ? "offer_submit" : "add_submit"));
  panel.append(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!place) return formError(form, { message: t("add_place_first"), field: "postcode" });
    if (!inputs.name.value.trim()) return formError(form, { message: t("add_name_first"), field: "name" });
    if (consent && !consent.checked) return formError(form, { message: t("consent_needed"), field: "consent" });
    const properties = { capital: capitalOf(), category: form.elements.category.value };
    for (const k of TEXT_FIELDS) if (inputs[k]?.value.trim()) properties[k] = inputs[k].value.trim();
    if (place.postcode) properties.postcode = place.postcode;
    if (person) Object.assign(properties, { consent: true, visibility: "area_only" });
    const feature = { type: "Feature", geometry: { type: "Point", coordinates: [place.lon, place.lat] }, properties };
    try {
      // A person's offer is always a proposal; so is anyone's add the
      // matrix does not let them write straight away.
      const direct = !person && session.signed_in && can("create_asset") !== "deny";
      const { status, body } = direct ? await send("POST", "/api/assets", feature) : await send("POST", "/api/proposals", { kind: "create", feature });
      done({ status, body, name: properties.name, person });
    } catch (err) {
      formError(form, err);
    }
  });
}

/// What happened, in words, and for a person the code to withdraw.
function done({ status, body, name, person }) {
  clearMarker();
  placeOut = null;
  const panel = openWork(t(status === 201 && body.type === "Feature" ? "added_heading" : "sent_heading"), "sent");
  if (body.type === "Feature") {
    para(panel, t("added", { name }), "ok");
    refresh();
    return;
  }
  remember(body.proposal);
  para(panel, t(person ? "offer_sent" : "sent_for_review", { name }), "ok");
  if (body.withdrawal_code) {
    const box = document.createElement("div");
    box.className = "code-box";
    para(box, t("withdraw_code_intro"));
    const code = document.createElement("code");
    code.id = "withdrawal-code";
    code.textContent = body.withdrawal_code;
    box.append(code);
    para(box, t("withdraw_code_keep"), "hint");
    panel.append(box);
  }
  para(panel, t("sent_next"), "hint");
}

/// "Suggest a change" to an asset shown in details: the same form, filled
/// in; only what changed is sent (a merge patch).
export function openEdit(feature) {
  const p = feature.properties;
  const panel = openWork(t("edit_heading", { name: p.name }), "edit");
  const direct = session.signed_in && ["allow", "in_area"].includes(can("edit_asset"));
  para(panel, t(direct ? "edit_intro_direct" : "edit_intro_review"), "hint");
  const form = document.createElement("form");
  form.id = "add-form";
  form.className = "stack";
  form.noValidate = true;
  placeFieldset(form, { person: false });
  placeOut.textContent = t("edit_place_same");
  const capitalOf = categoryFields(form, { capital: p.capital, category: p.category });
  const inputs = textFields(form, p, false);
  submitButton(form, t("edit_submit"));
  panel.append(form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const changes = {};
    const capital = capitalOf();
    if (capital !== p.capital) changes.capital = capital;
    if (form.elements.category.value !== p.category) changes.category = form.elements.category.value;
    for (const k of TEXT_FIELDS) {
      const v = inputs[k]?.value.trim() || null;
      if (v !== (p[k] || null)) changes[k] = v;
    }
    const patch = {};
    if (Object.keys(changes).length) patch.properties = changes;
    if (place) patch.geometry = { type: "Point", coordinates: [place.lon, place.lat] };
    if (!Object.keys(patch).length) return formError(form, { message: t("edit_nothing") });
    try {
      const { status, body } = session.signed_in && can("edit_asset") !== "deny"
        ? await send("PATCH", `/api/assets/${feature.id}`, patch, { "If-Match": `"${p.version}"` })
        : await send("POST", "/api/proposals", { kind: "edit", asset_id: feature.id, patch });
      if (status === 200) {
        closeWork();
        refresh();
        return;
      }
      done({ status, body, name: p.name, person: false });
    } catch (err) {
      formError(form, err);
    }
  });
}

/// The categories of each capital, from /api/categories, for the menus.
export async function loadCategories() {
  const body = await getJSON("/api/categories");
  state.categories = Object.fromEntries(body.capitals.map(({ capital, categories }) => [capital, categories.map((c) => c.code)]));
}


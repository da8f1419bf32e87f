// The moderators' queue (GET /api/proposals: their areas' pending
// proposals): new assets and changes, each as a diff against the asset as
// it is now, approved (optionally edited first) or rejected with a reason
// the proposer sees; reports of problems and requests to be introduced,
// marked done or dismissed. And "what most needs checking" (GET
// /api/verification), oldest first.
import { t } from "./messages.js";
import { map, state, getJSON, categoryLabel } from "./core.js";
import { session, send, openWork, para, button, formError, field } from "./account.js";
import { select } from "./details.js";
import { refresh } from "./list.js";

const EDITABLE = ["name", "description", "address", "opening_hours", "website", "email", "phone", "accessibility"];

/// A property's value in words (never markup).
function shown(key, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "geometry") {
    const c = value.type === "Point" ? value.coordinates : null;
    return c ? t("diff_point", { lat: c[1].toFixed(5), lon: c[0].toFixed(5) }) : value.type;
  }
  if (key === "category") return categoryLabel(value);
  if (key === "capital") return t(`capital_${value}`);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function label(key) {
  const k = `field_${key}`;
  const l = t(k);
  return l === k ? key.replace(/_/g, " ") : l;
}

/// The diff as a table: field, now, proposed (an input when editing).
function diffTable(p, editing) {
  const table = document.createElement("table");
  table.className = "diff";
  const cap = document.createElement("caption");
  cap.className = "visually-hidden";
  cap.textContent = t("diff_caption");
  const head = table.createTHead().insertRow();
  for (const h of ["diff_field", "diff_now", "diff_proposed"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(h);
    head.append(th);
  }
  table.append(cap);
  const body = table.createTBody();
  for (const [key, { from, to }] of Object.entries(p.diff || {})) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label(key);
    row.append(th);
    row.insertCell().textContent = shown(key, from);
    const cell = row.insertCell();
    if (editing && EDITABLE.includes(key) && typeof to === "string") {
      const input = document.createElement("input");
      input.value = to;
      input.name = key;
      input.dataset.key = key;
      input.setAttribute("aria-label", t("diff_edit_label", { field: label(key) }));
      cell.append(input);
    } else {
      cell.textContent = shown(key, to);
    }
    if (key === "geometry" && to?.type === "Point") {
      cell.append(" ", button(t("details_on_map"), () => map.flyTo({ center: to.coordinates, zoom: 16 })));
    }
  }
  return table;
}

/// The approve body with the moderator's edits, if any.
function edited(p, li) {
  const inputs = [...li.querySelectorAll("input[data-key]")];
  if (!inputs.length) return {};
  if (p.kind === "create") {
    const feature = structuredClone(p.payload.feature);
    for (const i of inputs) feature.properties[i.dataset.key] = i.value.trim() || null;
    return { feature };
  }
  const patch = structuredClone(p.payload.patch);
  patch.properties = patch.properties || {};
  for (const i of inputs) patch.properties[i.dataset.key] = i.value.trim() || null;
  return { patch };
}

function reasonForm(li, p, onDone) {
  const form = document.createElement("form");
  form.className = "stack reject";
  const reason = field(form, { id: `reason-${p.id}`, label: t(p.kind === "create" || p.kind === "edit" ? "reject_reason" : "dismiss_reason"), rows: 2, required: true, hint: t("reject_reason_hint") });
  reason.name = "reason";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("reject_send");
  form.append(submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await send("POST", `/api/proposals/${p.id}/reject`, { reason: reason.value.trim() });
      onDone(t("rejected_done"));
    } catch (err) {
      formError(form, err);
    }
  });
  li.append(form);
  reason.focus();
}

function summary(p) {
  const props = p.payload?.feature?.properties;
  if (p.kind === "create") return `${props?.name || ""} · ${t(`capital_${props?.capital}`)} · ${categoryLabel(props?.category)}`;
  if (p.kind === "report") return t("queue_report", { reason: t(`reason_${p.payload.reason}`) });
  if (p.kind === "introduction") return t("queue_introduction");
  return t("queue_edit");
}

function item(p) {
  const li = document.createElement("li");
  li.className = `proposal kind-${p.kind}`;
  li.dataset.id = p.id;
  const h = document.createElement("h3");
  h.textContent = `${t(`kind_${p.kind}`)}: ${summary(p)}`;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = t("queue_meta", { who: !p.proposer || p.proposer === "public" ? t("queue_visitor") : p.proposer, when: (p.created_at || "").slice(0, 16).replace("T", " ") });
  li.append(h, meta);
  if (p.asset_id) li.append(button(t("queue_open_asset"), () => select(p.asset_id, true)));
  if (p.kind === "report") {
    if (p.payload.details) para(li, p.payload.details, "quote");
  } else if (p.kind === "introduction") {
    para(li, t("intro_from", { name: p.payload.name || t("intro_no_name"), contact: p.payload.contact || "" }));
    para(li, p.payload.message || "", "quote");
    para(li, t("intro_hint"), "hint");
  } else {
    li.append(diffTable(p, false));
  }
  const actions = document.createElement("div");
  actions.className = "actions";
  const result = document.createElement("p");
  result.setAttribute("role", "status");
  const finish = (message) => {
    actions.remove();
    li.querySelector("form.reject")?.remove();
    li.classList.add("decided");
    result.textContent = message;
    refresh();
  };
  const approve = async () => {
    try {
      const { body } = await send("POST", `/api/proposals/${p.id}/approve`, edited(p, li));
      finish(body.asset ? t("approved_done", { name: body.asset.properties.name }) : t("handled_done"));
    } catch (err) {
      result.textContent = err.message;
      result.className = "form-error";
    }
  };
  const writes = p.kind === "create" || p.kind === "edit";
  actions.append(button(t(writes ? "approve" : "mark_done"), approve, "primary"));
  if (writes) {
    actions.append(button(t("edit_then_approve"), (e) => {
      li.querySelector("table.diff").replaceWith(diffTable(p, true));
      e.target.remove();
      li.querySelector("table.diff input")?.focus();
    }));
  }
  actions.append(button(t(writes ? "reject" : "dismiss"), (e) => {
    e.target.disabled = true;
    reasonForm(li, p, finish);
  }));
  li.append(actions, result);
  return li;
}

export async function openQueue() {
  const panel = openWork(t("queue_heading"), "queue");
  let body;
  try {
    body = await getJSON("/api/proposals?status=pending");
  } catch (e) {
    para(panel, t("load_error", { message: e.message }), "form-error");
    return;
  }
  para(panel, t("queue_count", { n: body.count }), "hint");
  const ul = document.createElement("ul");
  ul.id = "queue-list";
  ul.className = "proposals";
  for (const p of body.proposals) ul.append(item(p));
  panel.append(ul);
}

/// What most needs checking: least recently verified first, everywhere
/// the moderator moderates or in one area of their choice.
export async function openChecking() {
  const panel = openWork(t("checking_heading"), "checking");
  const wrap = document.createElement("div");
  wrap.className = "field";
  const l = document.createElement("label");
  l.htmlFor = "checking-area";
  l.textContent = t("checking_area");
  const menu = document.createElement("select");
  menu.id = "checking-area";
  menu.append(new Option(t("checking_all_areas"), ""));
  const areas = session.areas?.length ? state.areaIndex.filter((a) => session.areas.includes(a.code)) : state.areaIndex.filter((a) => a.level === "ward");
  for (const a of areas) menu.append(new Option(a.name, a.code));
  wrap.append(l, menu);
  const intro = para(panel, "", "hint");
  intro.setAttribute("role", "status");
  const ol = document.createElement("ol");
  ol.id = "checking-list";
  ol.className = "checking";
  const more = button("", () => {
    ol.replaceChildren(...all.map(checkingItem));
    more.hidden = true;
  });
  more.id = "checking-all";
  panel.append(wrap, intro, ol, more);
  let all = [];
  const show = async () => {
    let body;
    try {
      body = await getJSON(`/api/verification${menu.value ? `?area=${encodeURIComponent(menu.value)}` : ""}`);
    } catch (e) {
      intro.textContent = t("load_error", { message: e.message });
      return;
    }
    intro.textContent = t(body.count > SHOWN ? "checking_intro_first" : "checking_intro", { n: body.count, shown: SHOWN });
    all = body.assets;
    ol.replaceChildren(...all.slice(0, SHOWN).map(checkingItem));
    more.textContent = t("checking_all", { n: all.length });
    more.hidden = all.length <= SHOWN;
  };
  menu.addEventListener("change", show);
  await show();
}

const SHOWN = 100;

function checkingItem(a) {
  const li = document.createElement("li");
  const when = a.verified_at ? t("checked_on", { date: a.verified_at.slice(0, 10) }) : t("never_checked", { date: a.created_at.slice(0, 10) });
  const b = button(`${a.name} · ${categoryLabel(a.category)}`, () => select(a.id, true));
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = a.may_be_out_of_date ? `${when} · ${t("out_of_date")}` : when;
  li.append(b, " ", meta);
  return li;
}

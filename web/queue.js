// The moderators' queue (GET /api/proposals: their areas' pending
// proposals): new assets and changes, each as a diff against the asset as
// it is now, approved (optionally edited first) or rejected with a reason
// the proposer sees; reports of problems and requests to be introduced,
// marked done or dismissed. And "what most needs checking" (GET
// /api/verification), oldest first.
import { t } from "./messages.js";
import { map, state, getJSON, categoryLabel, setView } from "./core.js";
import { session, send, openWork, para, button, formError, field } from "./account.js";
import { select } from "./details.js";
import { refresh } from "./list.js";

const EDITABLE = ["name", "description", "address", "opening_hours", "website", "email", "phone", "accessibility"];

/// A property's value in words (never markup, never raw codes).
function shown(key, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (key === "geometry") return t("diff_see_map");
  if (key === "category") return categoryLabel(value);
  if (key === "capital") return t(`capital_${value}`);
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  if (key === "visibility") {
    const words = t(`visibility_${value}`);
    return words === `visibility_${value}` ? String(value) : words;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function label(key) {
  const k = `field_${key}`;
  const l = t(k);
  return l === k ? key.replace(/_/g, " ") : l;
}

// The name first, then the text a moderator reads, then the rest.
const ORDER = ["name", "capital", "category", ...EDITABLE.slice(1), "geometry", "postcode", "visibility", "consent"];
const rank = (key) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
const editable = (key, to) => EDITABLE.includes(key) && (typeof to === "string" || to === null);

// The pin for "Show on the map": one at a time, gone with the queue.
let pin = null;
for (const type of ["work-closed", "work-replaced"]) {
  document.addEventListener(type, () => {
    pin?.remove();
    pin = null;
  });
}

function showPin(coordinates) {
  if (!pin) pin = new maplibregl.Marker({ color: "#b00020" });
  pin.setLngLat(coordinates).addTo(map);
  // On a phone the map is behind the list: show it ("List" comes back).
  setView("map");
  map.flyTo({ center: coordinates, zoom: 16, duration: 0 });
}

/// The diff as a table: field, now, proposed. Editing, the fields a
/// moderator may change move out of the table into labelled, full-width
/// boxes below it (name first), the description a multi-line one.
function diffTable(p, editing) {
  const wrap = document.createElement("div");
  wrap.className = "diff-wrap";
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
  const boxes = document.createElement("div");
  boxes.className = "edit-fields";
  const entries = Object.entries(p.diff || {}).sort(([a], [b]) => rank(a) - rank(b));
  for (const [key, { from, to }] of entries) {
    if (editing && editable(key, to)) {
      const rows = key === "description" ? 4 : key === "accessibility" ? 2 : undefined;
      const input = field(boxes, { id: `edit-${p.id}-${key}`, label: label(key), rows, hint: from ? `${t("diff_now")}: ${shown(key, from)}` : undefined });
      input.value = to || "";
      input.name = key;
      input.dataset.key = key;
      continue;
    }
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label(key);
    row.append(th);
    row.insertCell().textContent = shown(key, from);
    const cell = row.insertCell();
    cell.textContent = shown(key, to);
    if (key === "geometry" && to?.type === "Point") {
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.setAttribute("role", "status");
      cell.append(" ", button(t("details_on_map"), () => {
        showPin(to.coordinates);
        hint.textContent = t("diff_pin");
      }), hint);
    }
  }
  wrap.append(table);
  if (boxes.children.length) wrap.append(boxes);
  return wrap;
}

/// The approve body with the moderator's edits, if any.
function edited(p, li) {
  const inputs = [...li.querySelectorAll(".edit-fields [data-key]")];
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

/// What a decided card is called in its one-line outcome.
function nameOf(p) {
  const details = p.kind === "report" && p.payload?.details ? ` (${p.payload.details})` : "";
  return p.payload?.feature?.properties?.name || p.diff?.name?.to || p.diff?.name?.from || `${summary(p)}${details}`;
}

function item(p, onDecided) {
  const li = document.createElement("li");
  li.className = `proposal kind-${p.kind}`;
  li.dataset.id = p.id;
  const h = document.createElement("h3");
  h.textContent = `${t(`kind_${p.kind}`)}: ${summary(p)}`;
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = t("queue_meta", { who: !p.proposer || p.proposer === "public" ? t("queue_visitor") : p.proposer, when: (p.created_at || "").slice(0, 16).replace("T", " ") });
  li.append(h, meta);
  const open = p.asset_id ? button(t("queue_open_asset"), () => select(p.asset_id, true)) : null;
  if (open) li.append(open);
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
  result.tabIndex = -1;
  // Decided: the card shrinks to one line saying what became of it (the
  // status line itself stays, so that it is announced), and the count drops.
  const finish = (message, { approved = false, name = nameOf(p) } = {}) => {
    // "Open the asset" stays: the next thing is often to look at it.
    for (const child of [...li.children]) if (child !== result && child !== open) child.remove();
    if (open) li.append(open);
    li.classList.add("decided", approved ? "approved" : "rejected");
    result.className = "outcome";
    result.textContent = message.includes(name) ? message : `${name} — ${message}`;
    result.focus();
    onDecided();
    refresh();
  };
  const approve = async () => {
    try {
      const { body } = await send("POST", `/api/proposals/${p.id}/approve`, edited(p, li));
      const name = body.asset?.properties?.name;
      if (!name) finish(t("handled_done"), { approved: true });
      else finish(t(p.kind === "edit" ? "approved_edit_done" : "approved_done", { name }), { approved: true, name });
    } catch (err) {
      result.textContent = err.message;
      result.className = "form-error";
    }
  };
  const writes = p.kind === "create" || p.kind === "edit";
  actions.append(button(t(writes ? "approve" : "mark_done"), approve, "primary"));
  if (writes) {
    actions.append(button(t("edit_then_approve"), (e) => {
      li.querySelector(".diff-wrap").replaceWith(diffTable(p, true));
      e.target.remove();
      li.querySelector(".edit-fields [data-key]")?.focus();
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
  const count = para(panel, "", "hint");
  count.id = "queue-count";
  count.setAttribute("role", "status");
  let n = body.count;
  const show = () => {
    count.textContent = t(n ? "queue_count" : "queue_none", { n });
    const opener = document.getElementById("open-queue");
    if (opener) opener.textContent = t("queue_button_n", { n });
  };
  show();
  const ul = document.createElement("ul");
  ul.id = "queue-list";
  ul.className = "proposals";
  const decided = () => {
    n = Math.max(0, n - 1);
    show();
  };
  for (const p of body.proposals) ul.append(item(p, decided));
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

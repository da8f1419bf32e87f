// An asset's history in its details: each version, when, by whom (a role
// for the public; the person for moderators, as the server decides), and
// what changed, field by field. A moderator may go back to an earlier
// version, which the server writes as a new version.
import { t } from "./messages.js";
import { getJSON } from "./core.js";

// Who is signed in, asked once per page: the role matrix's answer for
// reverting and the CSRF token a cookie call must carry.
let session;
async function currentSession() {
  if (!session) session = getJSON("/api/session").catch(() => ({ can: {} }));
  return session;
}

const SHOWN = 3;

/// A "History" section for the asset `p` (its public properties), added to
/// `panel`; `reopen` shows the details again after a revert.
export function historySection(panel, p, reopen) {
  // People's offers are shown by area only: their history (which holds
  // exact places and contacts) is for moderators, and the server says so.
  const section = document.createElement("section");
  section.className = "history";
  section.setAttribute("aria-labelledby", "history-heading");
  const h = document.createElement("h3");
  h.id = "history-heading";
  h.textContent = t("history_heading");
  const body = document.createElement("div");
  body.textContent = t("loading");
  section.append(h, body);
  panel.append(section);
  fill(body, p, reopen);
}

async function fill(body, p, reopen) {
  let history, who;
  // Not asked for when the server would refuse (a 403 in everyone's console).
  if (p.visibility === "area_only" && !["moderator", "admin"].includes((await currentSession()).role)) {
    body.textContent = t("history_moderators_only");
    return;
  }
  try {
    [history, who] = await Promise.all([getJSON(`/api/assets/${encodeURIComponent(p.id)}/history`), currentSession()]);
  } catch (e) {
    body.textContent = p.visibility === "area_only" ? t("history_moderators_only") : t("history_error", { message: e.message });
    return;
  }
  const canRevert = who.can?.revert_asset && who.can.revert_asset !== "deny";
  const ol = document.createElement("ol");
  ol.className = "history-list";
  history.versions.forEach((v, i) => {
    const li = document.createElement("li");
    if (i >= SHOWN) li.hidden = true;
    const line = document.createElement("p");
    const when = v.changed_at.slice(0, 10);
    const by = v.by_role ? t(`who_${v.by_role}`) : v.by;
    line.textContent = t(`history_${v.op}`, { n: v.version, when, who: by });
    li.append(line);
    if (!v.recorded) {
      const note = document.createElement("p");
      note.className = "hint";
      note.textContent = t("history_not_recorded");
      li.append(note);
    } else if (v.op !== "create" && v.changes.length) {
      li.append(changeList(v.changes));
    }
    if (canRevert && v.revertible) li.append(revertButton(p, history.version, v.version, who.csrf_token, reopen));
    ol.append(li);
  });
  body.replaceChildren(ol);
  if (history.versions.length > SHOWN) {
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = t("history_more", { n: history.versions.length - SHOWN });
    more.addEventListener("click", () => {
      ol.querySelectorAll("li[hidden]").forEach((li) => (li.hidden = false));
      more.remove();
      ol.querySelectorAll("li")[SHOWN]?.querySelector("p")?.setAttribute("tabindex", "-1");
      ol.querySelectorAll("li")[SHOWN]?.querySelector("p")?.focus();
    });
    body.append(more);
  }
}

function changeList(changes) {
  const ul = document.createElement("ul");
  ul.className = "history-changes";
  for (const c of changes) {
    const li = document.createElement("li");
    li.textContent = t("history_change", { field: fieldLabel(c.field), before: shown(c.before), after: shown(c.after) });
    ul.append(li);
  }
  return ul;
}

// A field's name in words: the details' own label where there is one.
function fieldLabel(field) {
  const key = field.startsWith("tags.") ? `tag_${field.slice(5)}` : `field_${field}`;
  const label = t(key);
  if (label !== key) return label;
  return field.replace(/^tags\./, "").replace(/_/g, " ");
}

function shown(value) {
  if (value === null || value === undefined || value === "") return t("history_empty");
  if (typeof value === "object") return value.type ? t("history_place") : JSON.stringify(value);
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function revertButton(p, current, version, csrf, reopen) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "revert";
  button.textContent = t("history_revert", { n: version });
  button.addEventListener("click", async () => {
    if (!confirm(t("history_revert_confirm", { n: version }))) return;
    button.disabled = true;
    const response = await fetch(`/api/assets/${encodeURIComponent(p.id)}/revert`, {
      method: "POST",
      headers: { "content-type": "application/json", "if-match": `"${current}"`, "x-csrf-token": csrf || "" },
      body: JSON.stringify({ version }),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      button.disabled = false;
      const error = document.createElement("p");
      error.className = "error";
      error.setAttribute("role", "alert");
      error.textContent = answer?.error?.message || `${response.status}`;
      button.after(error);
      return;
    }
    reopen();
  });
  return button;
}

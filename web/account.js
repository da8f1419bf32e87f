// Who is using the page: signing in and out (POST/DELETE /api/session),
// accepting an invite link (/#invite=TOKEN) to set a password, and the one
// way every other module sends a change (`send`), with the session's CSRF
// token. What a role may do comes from the server's matrix (`can`).
import { t } from "./messages.js";
import { $, setView } from "./core.js";

// Read before anything rewrites the hash (url-state keeps only the view).
const inviteToken = new URLSearchParams(location.hash.slice(1)).get("invite");

export const session = { signed_in: false, role: "public", email: null, areas: [], csrf_token: null, can: {} };
const listeners = [];

/// Called now and on every change of who is signed in.
export function onSession(fn) {
  listeners.push(fn);
  fn(session);
}

// Bumped by every sign-in, sign-out or accepted invite: an older answer
// to "who is this" (asked at start-up) must not undo a newer one.
let sessionSeq = 0;

function setSession(body) {
  sessionSeq++;
  Object.assign(session, { signed_in: false, role: "public", email: null, areas: [], csrf_token: null, can: {} }, body);
  drawAccount();
  for (const fn of listeners) fn(session);
}

/// What the matrix says this caller may do with an action: "allow",
/// "in_area", "queue" or "deny".
export function can(action) {
  return session.can[action] || "deny";
}

export const moderates = () => ["moderator", "admin"].includes(session.role);

/// A change to the server, as JSON; the CSRF token goes with every call
/// made with a session cookie. Resolves to {status, body}; an error answer
/// throws an Error carrying the field the server names.
export async function send(method, url, body, headers = {}) {
  const h = { ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  if (session.csrf_token) h["X-CSRF-Token"] = session.csrf_token;
  const response = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = new Error(errorText(response.status, data));
    err.field = data?.error?.field || null;
    err.status = response.status;
    throw err;
  }
  return { status: response.status, body: data };
}

function errorText(status, data) {
  if (status === 429) return t("error_rate_limited");
  const e = data?.error;
  if (!e) return `${status}`;
  return e.field ? t("error_field", { field: e.field, message: e.message }) : e.message;
}

/// A labelled input in a form; returns the input.
export function field(form, { id, label, type = "text", required = false, autocomplete, hint, rows }) {
  const wrap = document.createElement("div");
  wrap.className = "field";
  const l = document.createElement("label");
  l.htmlFor = id;
  l.textContent = required ? `${label} ${t("required_mark")}` : label;
  const input = document.createElement(rows ? "textarea" : "input");
  input.id = id;
  input.name = id;
  if (rows) input.rows = rows;
  else input.type = type;
  if (required) input.required = true;
  if (autocomplete) input.autocomplete = autocomplete;
  wrap.append(l, input);
  if (hint) {
    const p = document.createElement("p");
    p.className = "hint";
    p.id = `${id}-hint`;
    p.textContent = hint;
    input.setAttribute("aria-describedby", p.id);
    wrap.append(p);
  }
  form.append(wrap);
  return input;
}

/// Shows an error under a form, and marks the field the server named.
export function formError(form, err) {
  let out = form.querySelector(".form-error");
  if (!out) {
    out = document.createElement("p");
    out.className = "form-error";
    out.setAttribute("role", "alert");
    form.append(out);
  }
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  out.textContent = err ? err.message : "";
  const bad = err?.field && form.querySelector(`[name="${CSS.escape(err.field)}"]`);
  if (bad) {
    bad.setAttribute("aria-invalid", "true");
    bad.focus();
  }
}

// ---- the workspace: one panel section for the current form or list -----

let workOpener = null;

/// Empties the workspace and gives it a heading and a close button;
/// returns the section to fill.
export function openWork(title, name) {
  const panel = $("workspace");
  if (panel.hidden || !workOpener?.isConnected) workOpener = document.activeElement;
  // What the last view left (a pin on the map) goes with it.
  else document.dispatchEvent(new CustomEvent("work-replaced"));
  panel.replaceChildren();
  panel.dataset.work = name;
  const header = document.createElement("div");
  header.className = "work-header";
  const h = document.createElement("h2");
  h.id = "work-heading";
  h.textContent = title;
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = t("work_close");
  close.addEventListener("click", closeWork);
  header.append(h, close);
  panel.append(header);
  panel.hidden = false;
  setView("list");
  panel.scrollIntoView({ block: "start" });
  panel.focus();
  return panel;
}

export function closeWork() {
  const panel = $("workspace");
  if (panel.hidden) return false;
  panel.hidden = true;
  panel.replaceChildren();
  delete panel.dataset.work;
  document.dispatchEvent(new CustomEvent("work-closed"));
  // Back where it was, or to the start of this part of the page.
  if (workOpener?.isConnected && workOpener !== document.body && !$("workspace").contains(workOpener)) workOpener.focus();
  else $("contribute-heading").focus();
  workOpener = null;
  return true;
}

/// A line of text in a new paragraph (never HTML).
export function para(parent, text, className) {
  const p = document.createElement("p");
  if (className) p.className = className;
  p.textContent = text;
  parent.append(p);
  return p;
}

export function button(text, onClick, className) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener("click", onClick);
  return b;
}

// ---- signing in --------------------------------------------------------

function drawAccount() {
  const box = $("account");
  box.replaceChildren();
  if (session.signed_in) {
    const who = document.createElement("span");
    who.id = "who";
    who.textContent = t("signed_in_as", { email: session.email || "", role: t(`role_${session.role}`) });
    box.append(who, button(t("sign_out"), signOut));
  } else {
    const b = button(t("sign_in"), showSignIn);
    b.id = "sign-in";
    box.append(b);
  }
}

function showSignIn() {
  const panel = openWork(t("sign_in_heading"), "sign-in");
  const form = document.createElement("form");
  form.id = "sign-in-form";
  form.className = "stack";
  const email = field(form, { id: "si-email", label: t("email_label"), type: "email", required: true, autocomplete: "username" });
  const password = field(form, { id: "si-password", label: t("password_label"), type: "password", required: true, autocomplete: "current-password" });
  email.name = "email";
  password.name = "password";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("sign_in");
  form.append(submit);
  para(form, t("sign_in_hint"), "hint");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const { body } = await send("POST", "/api/session", { email: email.value.trim(), password: password.value });
      setSession(body);
      closeWork();
      $("account").querySelector("button")?.focus();
    } catch (err) {
      if (err.status === 401) err.message = t("sign_in_failed");
      formError(form, err);
    }
  });
  panel.append(form);
  email.focus();
}

async function signOut() {
  try {
    await send("DELETE", "/api/session");
  } catch {
    // The cookie may have expired already: signed out either way.
  }
  setSession({});
  closeWork();
  $("sign-in")?.focus();
}

function showInvite(token) {
  const panel = openWork(t("invite_heading"), "invite");
  para(panel, t("invite_intro"));
  const form = document.createElement("form");
  form.id = "invite-form";
  form.className = "stack";
  const password = field(form, { id: "inv-password", label: t("new_password_label"), type: "password", required: true, autocomplete: "new-password", hint: t("password_hint") });
  const again = field(form, { id: "inv-again", label: t("password_again_label"), type: "password", required: true, autocomplete: "new-password" });
  password.name = "password";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("invite_submit");
  form.append(submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (password.value !== again.value) {
      formError(form, { message: t("password_mismatch"), field: "password" });
      return;
    }
    try {
      const { body } = await send("POST", `/api/invites/${encodeURIComponent(token)}`, { password: password.value });
      setSession(body);
      panel.replaceChildren();
      openWork(t("invite_done_heading"), "invite-done");
      para($("workspace"), t("invite_done", { email: body.email || "", role: t(`role_${body.role}`) }), "ok");
    } catch (err) {
      formError(form, err);
    }
  });
  panel.append(form);
  password.focus();
}

let inviteShown = false;

/// An invite link's form, at once: it needs nothing from the map or its
/// data, which can take many seconds to load on a busy machine.
export function startInvite() {
  if (!inviteToken || inviteShown) return;
  inviteShown = true;
  showInvite(inviteToken);
}

/// Asks the server who this is, draws the header's account part, and
/// opens an invite's form when the page was opened from one (if it is not
/// open already).
export async function startAccount() {
  const seq = sessionSeq;
  let body = {};
  try {
    const response = await fetch("/api/session");
    if (response.ok) body = await response.json();
  } catch {
    // Not signed in, as far as the page can tell.
  }
  if (seq === sessionSeq) setSession(body);
  startInvite();
}

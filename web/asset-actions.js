// What a person can do with the asset shown in details: suggest a change,
// report a problem (reasons from the server), ask to be introduced to a
// person who offers a skill (moderators broker it; nothing personal is
// shown), and, for moderators, mark it verified.
import { t } from "./messages.js";
import { getJSON } from "./core.js";
import { session, can, send, field, formError, openWork, para, button } from "./account.js";
import { openEdit } from "./contribute.js";
import { remember } from "./mine.js";

let reasons = null;

async function openReport(feature) {
  const panel = openWork(t("report_heading", { name: feature.properties.name }), "report");
  reasons ??= (await getJSON("/api/report-reasons")).reasons;
  const form = document.createElement("form");
  form.id = "report-form";
  form.className = "stack";
  const fs = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.textContent = t("report_reason");
  fs.append(legend);
  for (const r of reasons) {
    const l = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "reason";
    radio.value = r;
    radio.required = true;
    l.append(radio, ` ${t(`reason_${r}`)}`);
    fs.append(l);
  }
  form.append(fs);
  const details = field(form, { id: "report-details", label: t("report_details"), rows: 3 });
  details.name = "details";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("report_submit");
  form.append(submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const reason = form.elements.reason.value;
    if (!reason) return formError(form, { message: t("report_choose"), field: "reason" });
    try {
      const { body } = await send("POST", `/api/assets/${feature.id}/reports`, { reason, details: details.value.trim() || null });
      remember(body.proposal);
      const done = openWork(t("report_heading", { name: feature.properties.name }), "sent");
      para(done, t("report_sent"), "ok");
    } catch (err) {
      formError(form, err);
    }
  });
  panel.append(form);
  fs.querySelector("input")?.focus();
}

function openIntroduction(feature) {
  const panel = openWork(t("intro_heading", { name: feature.properties.name }), "introduce");
  para(panel, t("intro_intro"), "hint");
  const form = document.createElement("form");
  form.id = "intro-form";
  form.className = "stack";
  const name = field(form, { id: "intro-name", label: t("intro_your_name"), autocomplete: "name" });
  const contact = field(form, { id: "intro-contact", label: t("intro_contact"), required: true, hint: t("intro_contact_hint"), autocomplete: "email" });
  const message = field(form, { id: "intro-message", label: t("intro_message"), required: true, rows: 3, hint: t("intro_message_hint") });
  name.name = "name";
  contact.name = "contact";
  message.name = "message";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("intro_submit");
  form.append(submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await send("POST", `/api/assets/${feature.id}/introductions`, {
        name: name.value.trim() || null,
        contact: contact.value.trim(),
        message: message.value.trim(),
      });
      const done = openWork(t("intro_heading", { name: feature.properties.name }), "sent");
      para(done, t("intro_sent"), "ok");
    } catch (err) {
      formError(form, err);
    }
  });
  panel.append(form);
  name.focus();
}

async function verify(feature, out) {
  try {
    const { body } = await send("POST", `/api/assets/${feature.id}/verify`);
    feature.properties = body.properties;
    out.textContent = t("verified_done", { date: (body.properties.verified_at || "").slice(0, 10) });
  } catch (err) {
    out.textContent = err.message;
  }
}

/// Adds the actions to the details panel just drawn for `feature`.
export function addActions(panel, feature) {
  const p = feature.properties;
  const box = document.createElement("div");
  box.className = "actions asset-actions";
  const person = p.capital === "human";
  if (person) box.append(button(t("intro_button"), () => openIntroduction(feature), "primary"));
  else box.append(button(t("suggest_change"), () => openEdit(feature)));
  box.append(button(t("report_problem"), () => openReport(feature)));
  const out = document.createElement("p");
  out.setAttribute("role", "status");
  out.id = "verify-status";
  if (session.signed_in && can("verify_asset") !== "deny") {
    box.append(button(t("mark_verified"), () => verify(feature, out)));
  }
  panel.append(box, out);
}

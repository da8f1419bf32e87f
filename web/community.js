// The page's community part: "Add what we have", "Offer a skill", my
// proposals, and for moderators the queue and what most needs checking.
// Which buttons show follows who is signed in and the server's matrix.
import { t } from "./messages.js";
import { $, getJSON } from "./core.js";
import { session, onSession, closeWork, button, moderates, startAccount, openWork, field, formError, send, para } from "./account.js";
import { openAdd, loadCategories } from "./contribute.js";
import { openMine } from "./mine.js";
import { openQueue, openChecking } from "./queue.js";
import { addActions } from "./asset-actions.js";
import { wirePlacing } from "./placing.js";

async function queueCount() {
  try {
    return (await getJSON("/api/proposals?status=pending")).count;
  } catch {
    return null;
  }
}

async function drawButtons() {
  const box = $("contribute-actions");
  box.replaceChildren();
  const add = button(t("add_button"), () => openAdd(), "primary");
  add.id = "add-asset";
  const offer = button(t("offer_button"), () => openAdd({ person: true }));
  offer.id = "offer-skill";
  const mine = button(t("mine_button"), openMine);
  mine.id = "my-proposals";
  const withdraw = button(t("withdraw_button"), openWithdraw);
  withdraw.id = "withdraw-offer";
  box.append(add, offer, mine, withdraw);
  if (session.signed_in && moderates()) {
    const n = await queueCount();
    const queue = button(n === null ? t("queue_button") : t("queue_button_n", { n }), openQueue);
    queue.id = "open-queue";
    const checking = button(t("checking_button"), openChecking);
    checking.id = "open-checking";
    box.append(queue, checking);
  }
}

/// A person takes their offer back with the code they were given.
function openWithdraw() {
  const panel = openWork(t("withdraw_heading"), "withdraw");
  para(panel, t("withdraw_intro"), "hint");
  const form = document.createElement("form");
  form.id = "withdraw-form";
  form.className = "stack";
  const code = field(form, { id: "withdraw-code", label: t("withdraw_code_label"), required: true, autocomplete: "off" });
  code.name = "code";
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = t("withdraw_submit");
  form.append(submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await send("POST", "/api/withdrawals", { code: code.value.trim() });
      const done = openWork(t("withdraw_heading"), "withdrawn");
      para(done, t("withdraw_done"), "ok");
    } catch (err) {
      formError(form, err);
    }
  });
  panel.append(form);
  code.focus();
}

/// Wires the community part; called once the map exists.
export async function startCommunity() {
  await loadCategories();
  wirePlacing();
  // On a phone's map view the panel is hidden: the same button over the map.
  $("map-add").addEventListener("click", () => openAdd());
  $("map-add").hidden = false;
  onSession(() => drawButtons());
  document.addEventListener("work-closed", () => session.signed_in && moderates() && drawButtons());
  document.addEventListener("keydown", (e) => {
    // Before the page's own Escape (which closes details).
    if (e.key === "Escape" && !$("workspace").hidden && $("workspace").contains(document.activeElement) && closeWork()) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
  $("details").addEventListener("asset-shown", (e) => addActions($("details"), e.detail));
  await startAccount();
}

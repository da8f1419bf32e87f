// "My proposals": what I sent and what became of it (pending, approved,
// or rejected with the moderator's reason). Signed in, the server lists
// them; a visitor without an account sees what this browser sent, by the
// ids it kept (anyone holding an id may read its status).
import { t } from "./messages.js";
import { getJSON, categoryLabel } from "./core.js";
import { session, openWork, para } from "./account.js";

const KEY = "assetmap-sent";

function kept() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]").filter((x) => typeof x?.id === "string");
  } catch {
    return [];
  }
}

/// Keeps a suggestion's id and name in this browser.
export function remember(proposal) {
  if (!proposal?.id) return;
  const name = proposal.payload?.feature?.properties?.name || "";
  const list = kept().filter((x) => x.id !== proposal.id);
  list.unshift({ id: proposal.id, name });
  localStorage.setItem(KEY, JSON.stringify(list.slice(0, 50)));
}

/// A proposal's name: the new asset's, or the changed name.
function nameOf(p, fallback) {
  return p.payload?.feature?.properties?.name || p.diff?.name?.to || fallback || t(`kind_${p.kind}`);
}

/// The name as it went on the map: a moderator may have corrected it
/// before approving, and the proposal keeps what the proposer sent.
async function approvedName(p) {
  if (p.status !== "approved" || !p.asset_id || !["create", "edit"].includes(p.kind)) return null;
  // A person's offer is read back by its withdrawal code, not by id.
  if (p.payload?.feature?.properties?.capital === "human") return null;
  try {
    return (await getJSON(`/api/assets/${encodeURIComponent(p.asset_id)}`)).properties?.name || null;
  } catch {
    return null; // Withdrawn or gone since: what was sent will do.
  }
}

async function item(p, fallback) {
  const li = document.createElement("li");
  li.className = `proposal status-${p.status}`;
  li.dataset.id = p.id;
  const h = document.createElement("h3");
  h.textContent = (await approvedName(p)) || nameOf(p, fallback);
  const meta = document.createElement("p");
  meta.className = "meta";
  const props = p.payload?.feature?.properties;
  const what = props?.category ? ` · ${categoryLabel(props.category)}` : "";
  meta.textContent = `${t(`kind_${p.kind}`)}${what} · ${(p.created_at || "").slice(0, 10)}`;
  const status = document.createElement("p");
  status.className = "proposal-status";
  status.textContent = t(`status_${p.status}`);
  li.append(h, meta, status);
  if (p.status === "rejected" && p.reason) para(li, t("rejected_because", { reason: p.reason }), "reason");
  else if (p.status === "approved" && p.reason) para(li, p.reason, "reason");
  return li;
}

export async function openMine() {
  const panel = openWork(t("mine_heading"), "mine");
  const ul = document.createElement("ul");
  ul.id = "mine-list";
  ul.className = "proposals";
  try {
    if (session.signed_in) {
      const body = await getJSON("/api/proposals?status=all");
      // A moderator's list is the queue too: only their own here.
      const mine = body.proposals.filter((p) => !("proposer" in p) || p.proposer === session.email);
      ul.append(...(await Promise.all(mine.map((p) => item(p)))));
    } else {
      for (const { id, name } of kept()) {
        try {
          const { proposal } = await getJSON(`/api/proposals/${encodeURIComponent(id)}`);
          ul.append(await item(proposal, name));
        } catch {
          // Gone (a withdrawn offer): nothing to show.
        }
      }
    }
  } catch (e) {
    para(panel, t("load_error", { message: e.message }), "form-error");
  }
  if (!ul.children.length) para(panel, t("mine_empty"));
  panel.append(ul);
}

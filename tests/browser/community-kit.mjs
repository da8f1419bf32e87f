// What the community tests share: the API, new accounts by invite, the
// keyboard's Tab, signing in, and a moderator's page.
import assert from "node:assert/strict";
import { openMap } from "./harness.mjs";

/// `ctx` gets {server, browser} once they are started.
export function communityKit(ctx, { ADMIN, PASSWORD }) {
  async function api(path, { method = "GET", body, token } = {}) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(`${ctx.server.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }

  let people = 0;
  /// A new account of `role`, as the CLI or an admin makes it: an invite path.
  async function invite(role) {
    const email = `${role}${++people}@forum.example`;
    const { status, body } = await api("/api/users", { method: "POST", body: { email, role }, token: ADMIN });
    assert.equal(status, 201);
    assert.match(body.invite_path, /^\/#invite=/);
    return { email, path: body.invite_path };
  }

  /// Presses Tab until `selector` has focus: what a keyboard user does.
  async function tabTo(page, selector, max = 200) {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  /// Signs in with the header's form.
  async function signIn(page, email) {
    await page.click("#sign-in");
    await page.fill("#si-email", email);
    await page.fill("#si-password", PASSWORD);
    await page.press("#si-password", "Enter");
    await page.waitForSelector("#who");
  }

  /// A moderator's page, signed in (invite accepted over the API).
  async function moderatorPage(width, height) {
    const mod = await invite("moderator");
    const token = mod.path.split("=")[1];
    assert.equal((await api(`/api/invites/${token}`, { method: "POST", body: { password: PASSWORD } })).status, 200);
    const { page, errors } = await openMap(ctx.browser, ctx.server.base, { width, height });
    await signIn(page, mod.email);
    assert.match(await page.textContent("#who"), /moderator/);
    return { page, errors };
  }

  return { api, invite, tabTo, signIn, moderatorPage };
}

// An asset's history in its details, at a desktop size (1280x800) and a
// phone's (375x812): a visitor sees what changed and when, by role only; a
// moderator signed in sees who, and reverts to an earlier version, which
// becomes a new version on the map. Also: the publisher's date in details.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launch, openMap, artifacts } from "./harness.mjs";

const TOKEN = "history-test-admin-token";
let server;
let browser;

before(async () => {
  server = await startServer({ args: ["--admin-token", TOKEN] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const api = async (path, init = {}) => {
  const r = await fetch(`${server.base}${path}`, init);
  return { status: r.status, body: await r.json().catch(() => null) };
};
const admin = (method, body, headers = {}) => ({
  method,
  headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const SIZES = [["desktop", 1280, 800], ["phone", 375, 812]];

async function details(page, id) {
  await page.evaluate((id) => { location.hash = `sel=${id}`; location.reload(); }, id);
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector("#details:not([hidden]) .history-list");
}

test("a visitor reads an asset's history; a moderator reverts it", async () => {
  const found = await api("/api/assets?q=altrincham%20library");
  const library = found.body.features.find((f) => f.properties.name === "Altrincham Library");
  const id = library.id;
  const edited = await api(`/api/assets/${id}`, admin("PATCH", { properties: { description: "Closed on Mondays for works" } }, { "if-match": "1" }));
  assert.equal(edited.status, 200);

  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height, hash: `#sel=${id}` });
    await page.waitForSelector("#details:not([hidden]) .history-list");
    const lines = await page.$$eval(".history-list > li > p:first-child", (ps) => ps.map((p) => p.textContent));
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^Version 2: changed on \d{4}-\d\d-\d\d by an administrator$/);
    assert.match(lines[1], /^Version 1: added on .* by a data import$/);
    assert.deepEqual(await page.$$eval(".history-changes li", (lis) => lis.map((l) => l.textContent)), ["About: “nothing” → “Closed on Mondays for works”"]);
    // No names and no way to revert for the public.
    assert.equal(await page.$$eval("#details button.revert", (b) => b.length), 0);
    assert.doesNotMatch(await page.textContent("#details .history-list"), /admin\b|@/);
    // The publisher's date: none in the libraries' data, so said so.
    assert.match(await page.textContent("#details dl"), /Publisher's datedate not given/);
    await page.locator("#details .history").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, `history-public-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }

  // A moderator, invited by the admin, signs in on the page.
  const invite = await api("/api/users", admin("POST", { email: "mod@example.org", role: "moderator" }));
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  const token = invite.body.invite_path.split("#invite=")[1];
  let version = 2;
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    if (name === "desktop") {
      const status = await page.evaluate(async (token) => (await fetch(`/api/invites/${token}`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "a long enough passphrase" }),
      })).status, token);
      assert.equal(status, 200);
    } else {
      const status = await page.evaluate(async () => (await fetch("/api/session", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "mod@example.org", password: "a long enough passphrase" }),
      })).status);
      assert.equal(status, 200);
    }
    await details(page, id);
    const lines = await page.$$eval(".history-list > li > p:first-child", (ps) => ps.map((p) => p.textContent));
    assert.match(lines[0], new RegExp(`^Version ${version}: changed on .* by (admin|mod@example.org)$`));
    // The current version cannot be "reverted to"; every earlier one can.
    const buttons = await page.$$eval("#details button.revert", (b) => b.map((x) => x.textContent));
    assert.equal(buttons.length, version - 1);
    await page.locator("#details button.revert").last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, `history-moderator-${name}.png`) });
    page.once("dialog", (d) => d.accept());
    // By keyboard: on the desktop back to version 1 (the record as
    // published), then on the phone forward again to version 2's text.
    const target = page.locator("#details button.revert");
    await (name === "desktop" ? target.last() : target.first()).focus();
    await page.keyboard.press("Enter");
    version += 1;
    await page.waitForFunction((v) => document.querySelector(".history-list > li > p")?.textContent.startsWith(`Version ${v}:`), version);
    const now = await api(`/api/assets/${id}`);
    assert.equal(now.body.properties.version, version);
    const expected = name === "desktop" ? null : "Closed on Mondays for works";
    assert.equal(now.body.properties.description, expected);
    assert.match(await page.textContent(".history-list > li > p"), /by mod@example\.org$/);
    await page.screenshot({ path: join(artifacts, `history-reverted-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("details show the publisher's own date where the data has one", async () => {
  const facilities = await api("/api/assets?category=sports_facility&limit=1");
  const f = facilities.body.features[0];
  assert.match(f.properties.tags.source_date, /^\d{4}-\d\d-\d\d$/);
  const { page, errors } = await openMap(browser, server.base, { hash: `#sel=${f.id}` });
  await page.waitForSelector("#details:not([hidden]) dl");
  assert.match(await page.textContent("#details dl"), new RegExp(`Publisher's date${f.properties.tags.source_date}`));
  assert.deepEqual(errors, []);
  await page.close();
});

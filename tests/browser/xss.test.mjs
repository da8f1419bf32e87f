// Stored XSS: names, descriptions, addresses, tags and links holding
// <script>, <img onerror> and javascript: stay text on every page view
// (details, list, search results, area page, referral and its printout,
// the moderators' queue diff, the OGC HTML pages). Each payload would set
// window.__xss; the flag must never be set, no element the payload names
// may appear, and no link may point at javascript:.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openMap, settled } from "./harness.mjs";

const ADMIN = "xss-test-admin-token";
const PASSWORD = "a long enough password";
const POSTCODE = "WA14 1AH";
const NAME = `Zyxwv hall <img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`;
const PAYLOAD = {
  name: NAME,
  capital: "physical",
  category: "community_centre",
  description: `<svg onload="window.__xss=1"></svg><a href="javascript:window.__xss=1">click me</a> javascript:window.__xss=1`,
  address: `<iframe src="javascript:window.__xss=1"></iframe> 1 High St`,
  opening_hours: `"><img src=x onerror=window.__xss=1>`,
  accessibility: `<body onload=window.__xss=1>`,
  email: "hall@example.org",
  website: "https://example.org/?a=<script>window.__xss=1</script>",
  tags: { referral: `<img src=x onerror="window.__xss=1">` },
};

let server;
let browser;
let asset;
let pc;
let ward;

async function api(path, { method = "GET", body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(`${server.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

const feature = (properties) => ({ type: "Feature", geometry: { type: "Point", coordinates: [pc.lon, pc.lat] }, properties });

before(async () => {
  server = await startServer({ args: ["--admin-token", ADMIN] });
  browser = await launch();
  pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  const created = await api("/api/assets", { method: "POST", body: feature(PAYLOAD), token: ADMIN });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  asset = created.body;
  // And as a suggestion, for the moderators' queue.
  assert.equal((await api("/api/proposals", { method: "POST", body: { kind: "create", feature: feature(PAYLOAD) } })).status, 201);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/// The flag is unset, nothing the payloads name was made, no javascript:
/// link exists, and the name is shown as the text it is.
async function inert(page, where, { showsName = true } = {}) {
  const found = await page.evaluate(() => ({
    flag: window.__xss,
    made: [...document.querySelectorAll("[onerror], [onload], iframe, script:not([src]), img[src='x']")].map((e) => e.outerHTML.slice(0, 80)),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")).filter((h) => /^\s*javascript:/i.test(h)),
    text: document.body.innerText,
  }));
  assert.equal(found.flag, undefined, `${where}: the payload ran`);
  assert.deepEqual(found.made, [], `${where}: elements from the payload`);
  assert.deepEqual(found.links, [], `${where}: javascript: links`);
  if (showsName) assert.ok(found.text.includes(`<img src=x onerror="window.__xss=1">`), `${where}: the name shown as text`);
}

test("a javascript: website is refused by the API", async () => {
  for (const website of ["javascript:window.__xss=1", " JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>"]) {
    const r = await api("/api/assets", { method: "POST", body: feature({ ...PAYLOAD, website }), token: ADMIN });
    assert.equal(r.status, 422, website);
    assert.equal(r.body.error.field, "website");
  }
});

test("details, list and search show the payloads as text", async () => {
  for (const [width, height] of [[1280, 800], [375, 812]]) {
    const { page, errors } = await openMap(browser, server.base, { width, height, hash: `#map=17/${pc.lat}/${pc.lon}&sel=${asset.id}` });
    await page.waitForSelector("#details:not([hidden])");
    assert.equal(await page.textContent("#details-name"), NAME);
    await inert(page, `details ${width}`);
    // The website is a link to itself, never run.
    assert.equal(await page.getAttribute("#details a[href^=https]", "href"), PAYLOAD.website);
    await page.keyboard.press("Escape");
    if (width < 700) await page.click("#show-list");
    await page.locator("#list button", { hasText: "Zyxwv" }).first().waitFor();
    await inert(page, `list ${width}`);
    await page.fill("#q", "Zyxwv");
    await page.press("#q", "Enter");
    await page.waitForFunction(() => document.body.dataset.search === "done");
    await settled(page);
    await inert(page, `search ${width}`);
    // Suggest a change fills the form with the payloads, as values.
    await page.locator("#list button", { hasText: "Zyxwv" }).first().click();
    await page.click("text=Suggest a change");
    assert.equal(await page.inputValue("#add-name"), NAME);
    await inert(page, `edit form ${width}`);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the area page, the referral and its printout show the payloads as text", async () => {
  const wards = (await api("/api/areas?level=ward")).body.features;
  for (const w of wards) {
    if ((await api(`/api/assets?within=${w.properties.code}&q=Zyxwv`)).body.features.length) ward = w.properties.code;
  }
  assert.ok(ward, "the asset lies in a ward");
  const area = await openMap(browser, server.base, { hash: `#area=${ward}` });
  await area.page.waitForFunction(() => document.body.dataset.area === "ready");
  await area.page.$$eval("#area-groups details", (ds) => ds.forEach((d) => (d.open = true)));
  await inert(area.page, "area page");
  await area.page.emulateMedia({ media: "print" });
  await inert(area.page, "area print", { showsName: false });
  await area.page.close();

  const near = await openMap(browser, server.base, { hash: `#pc=${encodeURIComponent(POSTCODE)}&needs=community_centre&within=2000` });
  await near.page.locator("#near-results", { hasText: "Zyxwv" }).waitFor();
  await inert(near.page, "referral");
  await near.page.emulateMedia({ media: "print" });
  await inert(near.page, "referral print", { showsName: false });
  assert.deepEqual(near.errors, []);
  await near.page.close();
});

test("the moderators' queue shows the suggestion's diff as text", async () => {
  const mod = await api("/api/users", { method: "POST", body: { email: "mod@xss.example", role: "moderator" }, token: ADMIN });
  const token = mod.body.invite_path.split("=")[1];
  await api(`/api/invites/${token}`, { method: "POST", body: { password: PASSWORD } });
  const { page, errors } = await openMap(browser, server.base);
  await page.click("#sign-in");
  await page.fill("#si-email", "mod@xss.example");
  await page.fill("#si-password", PASSWORD);
  await page.press("#si-password", "Enter");
  await page.click("#open-queue");
  await page.locator("#queue-list li", { hasText: "Zyxwv" }).first().waitFor();
  await inert(page, "queue");
  await page.locator("#queue-list li", { hasText: "Zyxwv" }).first().getByRole("button", { name: "Edit before approving" }).click();
  assert.equal(await page.inputValue("#queue-list input[name=name]"), NAME);
  await inert(page, "queue editing");
  // What needs checking, in the asset's ward (the newest come last).
  await page.click("#open-checking");
  await page.waitForSelector("#checking-list li");
  const answered = page.waitForResponse((r) => r.url().includes("/api/verification?area="));
  await page.selectOption("#checking-area", ward);
  await (await answered).finished();
  await page.waitForTimeout(100);
  if (await page.isVisible("#checking-all")) await page.click("#checking-all");
  await page.locator("#checking-list", { hasText: "Zyxwv" }).waitFor();
  await inert(page, "what needs checking");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the OGC HTML pages escape the payloads", async () => {
  const page = await browser.newPage();
  for (const path of [`/ogc/collections/assets/items/${asset.id}?f=html`, `/ogc/collections/assets/items?f=html&bbox=${pc.lon - 0.001},${pc.lat - 0.001},${pc.lon + 0.001},${pc.lat + 0.001}`]) {
    await page.goto(`${server.base}${path}`);
    await inert(page, path);
  }
  await page.close();
});

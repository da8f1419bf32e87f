// A forum's evening on the page, at 1280x800 and 375x812: a contributor
// accepts an invite and adds what we have by keyboard alone, a moderator
// approves it from the queue, and an anonymous visitor then finds it on
// the map and in the list; a resident offers a skill with consent, and the
// public sees it only generalised, with "ask to be introduced". And the
// new views pass axe in English and Welsh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, launch, openMap, settled, axePath, artifacts } from "./harness.mjs";
import { communityKit } from "./community-kit.mjs";

const ADMIN = "community-test-admin-token";
const PASSWORD = "a long enough password";
const POSTCODE = "WA14 1AH";
const SIZES = [["desktop", 1280, 800], ["phone", 375, 812]];

let server;
let browser;

before(async () => {
  // A whole workshop signs in from one address here: more than the default limit.
  server = await startServer({ args: ["--admin-token", ADMIN, "--sign-in-limit", "1000"] });
  browser = await launch();
  Object.assign(ctx, { server, browser });
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const ctx = {};
const { api, invite, tabTo, signIn, moderatorPage } = communityKit(ctx, { ADMIN, PASSWORD });

test("a contributor adds by keyboard, a moderator approves it, everyone sees it", async () => {
  const pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  for (const [size, width, height] of SIZES) {
    const name = `Altrincham knit and natter (${size})`;
    // The invite link opens a form to set a password, and signs in.
    const contributor = await invite("contributor");
    const { page, errors } = await openMap(browser, server.base, { width, height, hash: contributor.path.slice(1) });
    await page.waitForSelector("#invite-form");
    await page.fill("#inv-password", PASSWORD);
    await page.fill("#inv-again", PASSWORD);
    await page.press("#inv-again", "Enter");
    await page.waitForSelector("[data-work=invite-done]");
    assert.match(await page.textContent("#who"), new RegExp(`${contributor.email}.*contributor`));
    await page.keyboard.press("Escape");

    // Keyboard only from here: Tab, typing and Enter (on a phone, the
    // list view first: the panel is there).
    if (await page.evaluate(() => document.body.dataset.view) === "map") {
      await tabTo(page, "#show-list");
      await page.keyboard.press("Enter");
    }
    await tabTo(page, "#add-asset");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#add-form");
    await tabTo(page, "#add-postcode");
    await page.keyboard.type(POSTCODE);
    await page.keyboard.press("Enter");
    await page.waitForFunction((pc) => document.querySelector("#add-place").textContent.includes(pc), POSTCODE);
    await tabTo(page, "#add-capital");
    assert.equal(await page.$eval("#add-capital", (s) => s.value), "social");
    await tabTo(page, "#add-category");
    await tabTo(page, "#add-name");
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    await page.keyboard.type("Knitting, crochet and a cuppa; all welcome.");
    await tabTo(page, "#add-opening_hours");
    await page.keyboard.type("Thursdays 14:00-16:00");
    await tabTo(page, "#add-accessibility");
    await page.keyboard.type("Step-free, hearing loop");
    await tabTo(page, "#add-submit");
    await page.keyboard.press("Enter");
    await page.waitForSelector("[data-work=sent]");
    assert.match(await page.textContent("#workspace"), /sent for review/);
    await page.screenshot({ path: join(artifacts, `community-sent-${size}.png`) });
    // Not on the public map until a moderator says so.
    assert.equal((await api(`/api/assets?q=${encodeURIComponent(name)}`)).body.features.length, 0);
    await page.keyboard.press("Escape");
    await tabTo(page, "#my-proposals");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#mine-list li");
    assert.match(await page.textContent("#mine-list"), /Waiting for review/);

    // The moderator's queue: the proposal as a diff, approved.
    const mod = await moderatorPage(width, height);
    await mod.page.click("#open-queue");
    const item = mod.page.locator("#queue-list li", { hasText: name });
    await item.waitFor();
    assert.match(await item.locator("table.diff").textContent(), /Thursdays 14:00-16:00/);
    await mod.page.screenshot({ path: join(artifacts, `community-queue-${size}.png`) });
    await item.getByRole("button", { name: "Approve", exact: true }).click();
    await item.getByText(`Approved: ${name} is on the map.`).waitFor();
    assert.deepEqual(mod.errors, []);
    await mod.page.close();

    // An anonymous visitor: on the map and in the list near the postcode.
    const anon = await openMap(browser, server.base, { width, height, hash: `#map=16/${pc.lat}/${pc.lon}` });
    const onMap = await anon.page.evaluate((n) => window.assetmap.state.features.some((f) => f.properties.name === n), name);
    assert.ok(onMap, "on the map");
    if (size === "phone") await anon.page.click("#show-list");
    await anon.page.locator("#list button", { hasText: name }).waitFor();
    await anon.page.close();

    // The contributor sees it approved.
    await page.reload();
    await page.waitForSelector("#who");
    if (size === "phone") await page.click("#show-list");
    await page.click("#my-proposals");
    await page.waitForSelector("#mine-list li");
    assert.match(await page.textContent("#mine-list"), /Approved/);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("on a phone, Janet places by a tap from the map view; the approved card collapses", async () => {
  const pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  const janet = await invite("contributor");
  const page = await browser.newPage({ viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The invite's form comes before the map's data: hold /api/config back.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route("**/api/config", async (route) => (await held, route.continue()));
  await page.goto(`${server.base}/${janet.path.slice(1).replace("#", `#map=16/${pc.lat}/${pc.lon}&`)}`);
  await page.waitForSelector("#invite-form");
  assert.equal(await page.evaluate(() => document.body.dataset.ready), undefined);
  await page.fill("#inv-password", PASSWORD);
  await page.fill("#inv-again", PASSWORD);
  await page.tap("#invite-form button[type=submit]");
  await page.waitForSelector("[data-work=invite-done]");
  release();
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  assert.match(await page.textContent("#who"), /contributor/);
  // From the map view: the button over the map, then "tap the map".
  await page.tap("#show-map");
  await page.tap("#map-add");
  await page.waitForSelector("#add-form");
  await page.tap("#add-on-map");
  await page.waitForSelector("#placing-banner:not([hidden])");
  assert.equal(await page.evaluate(() => document.body.dataset.view), "map");
  assert.match(await page.textContent("#placing-banner"), /Tap where it is[\s\S]*Cancel/);
  await page.screenshot({ path: join(artifacts, "community-placing-phone.png") });
  await page.tap("#placing-cancel");
  assert.equal(await page.evaluate(() => document.body.dataset.view), "list");
  assert.equal(await page.textContent("#add-place"), "Not placed yet.");
  await page.tap("#add-on-map");
  const box = await page.locator("#map").boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.body.dataset.view === "list");
  assert.equal(await page.textContent("#add-place"), "Placed where you tapped on the map.");
  assert.ok(await page.locator("#placing-banner").isHidden());
  await page.screenshot({ path: join(artifacts, "community-placed-phone.png") });
  await page.fill("#add-name", "Stretford Knit and Nattter");
  await page.fill("#add-description", "Knitting and a cuppa.");
  await page.tap("#add-submit");
  await page.waitForSelector("[data-work=sent]");

  // The moderator corrects the name in labelled boxes (name first), sees
  // the place as a pin, approves: one line, and one fewer waiting.
  const mod = await moderatorPage(1280, 800);
  await mod.page.click("#open-queue");
  const item = mod.page.locator("#queue-list li", { hasText: "Nattter" });
  await item.waitFor();
  const waiting = () => mod.page.textContent("#queue-count").then((s) => Number(s.match(/\d+/)?.[0] ?? 0));
  const before = await waiting();
  const diff = await item.locator("table.diff").textContent();
  assert.match(diff, /Place—see map/);
  assert.doesNotMatch(diff, /\d+\.\d{4}/);
  await item.getByRole("button", { name: "Show on the map" }).click();
  assert.ok(await mod.page.locator(".maplibregl-marker").first().isVisible());
  await item.getByRole("button", { name: "Edit before approving" }).click();
  assert.equal(await item.locator(".edit-fields [data-key]").first().getAttribute("name"), "name");
  assert.equal(await item.getByLabel("About").evaluate((e) => e.tagName), "TEXTAREA");
  await item.getByLabel("Name", { exact: true }).fill("Stretford Knit and Natter");
  await mod.page.screenshot({ path: join(artifacts, "community-queue-edit-desktop.png") });
  await item.getByRole("button", { name: "Approve", exact: true }).click();
  const done = mod.page.locator("#queue-list li.decided", { hasText: "Approved: Stretford Knit and Natter is on the map." });
  await done.waitFor();
  assert.equal(await done.locator("input, textarea, table, button").count(), 0); // a new asset: nothing to open
  assert.equal(await waiting(), before - 1);
  assert.match(await mod.page.textContent("#open-queue"), new RegExp(`\\(${before - 1}\\)`));
  await mod.page.close();

  // "My proposals" shows the name as approved, not the typo.
  await page.tap("#my-proposals");
  await page.waitForSelector("#mine-list li");
  assert.equal(await page.textContent("#mine-list h3"), "Stretford Knit and Natter");
  assert.doesNotMatch(await page.textContent("#mine-list"), /Nattter/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a moderator rejects with a reason the proposer sees", async () => {
  const pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  const feature = { type: "Feature", geometry: { type: "Point", coordinates: [pc.lon, pc.lat] }, properties: { name: "Duplicate hall", capital: "physical", category: "community_centre" } };
  const sent = await api("/api/proposals", { method: "POST", body: { kind: "create", feature } });
  assert.equal(sent.status, 201);
  const { page, errors } = await moderatorPage(1280, 800);
  await page.click("#open-queue");
  const item = page.locator("#queue-list li", { hasText: "Duplicate hall" });
  await item.getByRole("button", { name: "Reject" }).click();
  await item.locator("textarea").fill("Already on the map as St John's Hall");
  await item.getByRole("button", { name: "Send" }).click();
  await item.getByText("Done: not taken up.").waitFor();
  const seen = await api(`/api/proposals/${sent.body.proposal.id}`);
  assert.equal(seen.body.proposal.status, "rejected");
  assert.equal(seen.body.proposal.reason, "Already on the map as St John's Hall");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a visitor suggests a change and reports a problem; both reach the queue", async () => {
  const pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  const target = (await api(`/api/assets/nearest?lon=${pc.lon}&lat=${pc.lat}&limit=1&capital=physical`)).body.features[0];
  const { page, errors } = await openMap(browser, server.base, { hash: `#map=16/${pc.lat}/${pc.lon}&sel=${target.id}` });
  await page.waitForSelector("#details:not([hidden])");
  await page.click("#details >> text=Suggest a change");
  assert.equal(await page.inputValue("#add-name"), target.properties.name);
  await page.fill("#add-opening_hours", "Mondays 9:00-17:00");
  await page.click("#add-submit");
  await page.waitForSelector("[data-work=sent]");
  await page.keyboard.press("Escape");
  await page.click("#details >> text=Report a problem");
  // The reasons are the server's (the form asks for them when it opens).
  const reasons = (await api("/api/report-reasons")).body.reasons;
  await page.locator("#report-form input[name=reason]").first().waitFor();
  assert.equal(await page.locator("#report-form input[name=reason]").count(), reasons.length);
  await page.check("#report-form input[value=closed]");
  await page.fill("#report-details", "Shut since the summer.");
  await page.click("#report-form button[type=submit]");
  await page.getByText("the moderators will look at it").waitFor();
  // The visitor's own list, kept by this browser.
  await page.keyboard.press("Escape");
  await page.click("#my-proposals");
  await page.waitForSelector("#mine-list li");
  assert.equal(await page.locator("#mine-list li").count(), 2);
  assert.deepEqual(errors, []);
  await page.close();

  const mod = await moderatorPage(1280, 800);
  await mod.page.click("#open-queue");
  const found = mod.page.locator("#queue-list li.kind-edit", { hasText: "Mondays 9:00-17:00" });
  await found.waitFor();
  // Editing turns the proposed text into inputs: find it by its id after.
  const edit = mod.page.locator(`#queue-list li[data-id="${await found.getAttribute("data-id")}"]`);
  await edit.getByRole("button", { name: "Edit before approving" }).click();
  await edit.locator("input[name=opening_hours]").fill("Mondays 9:00-16:00");
  await edit.getByRole("button", { name: "Approve", exact: true }).click();
  await edit.getByText("Approved:").waitFor();
  assert.equal((await api(`/api/assets/${target.id}`)).body.properties.opening_hours, "Mondays 9:00-16:00");
  const report = mod.page.locator("#queue-list li.kind-report", { hasText: "Shut since the summer." });
  await report.getByRole("button", { name: "Mark done" }).click();
  await report.getByText("Marked done.").waitFor();
  // A moderator marks the asset verified from its details.
  await report.getByRole("button", { name: "Open the asset" }).click();
  await mod.page.click("#details >> text=Mark verified");
  await mod.page.waitForFunction(() => document.querySelector("#verify-status").textContent.startsWith("Verified"));
  assert.ok((await api(`/api/assets/${target.id}`)).body.properties.verified_at);
  assert.deepEqual(mod.errors, []);
  await mod.page.close();
});

test("a resident offers a skill; the public sees it generalised, with ask to be introduced", async () => {
  const pc = (await api(`/api/postcodes/${encodeURIComponent(POSTCODE)}`)).body;
  for (const [size, width, height] of SIZES) {
    const name = `Bike repairs (${size})`;
    const { page, errors } = await openMap(browser, server.base, { width, height });
    if (size === "phone") await page.click("#show-list");
    await page.click("#offer-skill");
    await page.waitForSelector("#add-consent");
    // The consent words are the server's, in plain language.
    const consent = (await api("/api/consent")).body;
    assert.ok((await page.textContent(".consent")).includes(consent.withdraw));
    await page.fill("#add-postcode", POSTCODE);
    await page.click("#add-find-postcode");
    await page.waitForFunction(() => document.querySelector("#add-place").classList.contains("ok"));
    await page.selectOption("#add-category", "skill");
    await page.fill("#add-name", name);
    await page.fill("#add-description", "Punctures, brakes and gears, Saturday mornings.");
    await page.fill("#add-email", "rider@example.org");
    await page.click("#add-submit");
    // No consent, no offer.
    assert.match(await page.textContent("#add-form .form-error"), /I agree/);
    await page.check("#add-consent");
    await page.click("#add-submit");
    await page.waitForSelector("#withdrawal-code");
    const code = await page.textContent("#withdrawal-code");
    assert.ok(code.length >= 20);
    await page.screenshot({ path: join(artifacts, `community-offer-${size}.png`) });
    assert.deepEqual(errors, []);
    await page.close();

    // A moderator approves it (the queue is walked in the test above).
    const queue = (await api("/api/proposals", { token: ADMIN })).body.proposals;
    const offer = queue.find((p) => p.payload?.feature?.properties?.name === name);
    assert.equal(offer.payload.feature.properties.email, "rider@example.org");
    assert.equal((await api(`/api/proposals/${offer.id}/approve`, { method: "POST", token: ADMIN })).status, 200);

    const anon = await openMap(browser, server.base, { width, height, hash: `#map=13/${pc.lat}/${pc.lon}` });
    const shown = await anon.page.evaluate((n) => window.assetmap.state.features.find((f) => f.properties.name === n), name);
    assert.ok(shown, "on the public map");
    const [lon, lat] = shown.geometry.coordinates;
    assert.ok(lon !== pc.lon && lat !== pc.lat, "at a generalised place, not the postcode's");
    assert.ok(!shown.properties.email && !shown.properties.address, "no contact, no address");
    // Found by what it offers, then opened from the list.
    await anon.page.fill("#q", name);
    await anon.page.press("#q", "Enter");
    await anon.page.waitForFunction(() => document.body.dataset.search === "done");
    await settled(anon.page);
    if (size === "phone") await anon.page.click("#show-list");
    await anon.page.locator("#list button", { hasText: name }).first().click();
    await anon.page.waitForSelector("#details:not([hidden])");
    const details = await anon.page.textContent("#details");
    // The postcode's district at most, never the full postcode.
    assert.doesNotMatch(details, /rider@example\.org|WA14 1AH/);
    assert.match(details, /Shown by area only/);
    await anon.page.click("#details >> text=Ask to be introduced");
    await anon.page.fill("#intro-contact", "07700 900123");
    await anon.page.fill("#intro-message", "Could you look at my daughter's bike?");
    await anon.page.click("#intro-form button[type=submit]");
    await anon.page.getByText("a moderator will be in touch").waitFor();
    await anon.page.screenshot({ path: join(artifacts, `community-introduce-${size}.png`) });
    const intros = (await api("/api/proposals?kind=introduction", { token: ADMIN })).body.proposals;
    assert.ok(intros.some((p) => p.asset_id === shown.id && p.payload.contact === "07700 900123"));

    // And the person takes it back with their code: gone from the map.
    await anon.page.keyboard.press("Escape");
    if (size === "phone") await anon.page.click("#show-list");
    await anon.page.click("#withdraw-offer");
    await anon.page.fill("#withdraw-code", code);
    await anon.page.press("#withdraw-code", "Enter");
    await anon.page.waitForSelector("[data-work=withdrawn]");
    assert.equal((await api(`/api/assets/${shown.id}`)).status, 410);
    assert.deepEqual(anon.errors, []);
    await anon.page.close();
  }
});

test("the new views pass axe in English and Welsh, wide and narrow", async () => {
  const scan = async (page, where) => {
    await page.evaluate(readFileSync(axePath, "utf8"));
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    assert.deepEqual(result.violations.map((v) => `${where}: ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target}`), []);
  };
  for (const lang of ["en", "cy"]) {
    for (const [width, height] of [[1280, 800], [375, 812]]) {
      const where = `${lang} ${width}px`;
      const { page } = await openMap(browser, server.base, { width, height, lang });
      if (width < 700) await page.click("#show-list");
      await page.click("#sign-in");
      await scan(page, `${where} sign in`);
      await page.click("#add-asset");
      await page.waitForSelector("#add-form");
      await scan(page, `${where} add`);
      await page.click("#offer-skill");
      await page.waitForSelector("#add-consent");
      await scan(page, `${where} offer`);
      await page.close();
      const mod = await moderatorPage(width, height);
      await mod.page.evaluate((lang) => localStorage.setItem("assetmap-lang", lang), lang);
      await mod.page.reload();
      await mod.page.waitForSelector("#open-queue", { state: "attached" });
      if (width < 700) await mod.page.click("#show-list");
      await mod.page.click("#open-queue");
      await mod.page.waitForSelector("[data-work=queue] .hint");
      await scan(mod.page, `${where} queue`);
      await mod.page.click("#open-checking");
      await mod.page.waitForSelector("#checking-list li");
      await scan(mod.page, `${where} checking`);
      await mod.page.close();
    }
  }
});

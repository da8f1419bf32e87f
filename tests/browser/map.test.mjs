// The map page in headless Chromium against a real server with the
// Trafford sample map.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, launch, openMap, settled, axePath, artifacts } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const api = async (path) => (await fetch(`${server.base}${path}`)).json();

test("loads with no console errors, and counts what the API counts", async () => {
  const { page, errors } = await openMap(browser, server.base);
  const bbox = await page.evaluate(() => document.body.dataset.bbox);
  const shown = Number(await page.getAttribute("#count", "data-count"));
  const body = await api(`/api/assets?bbox=${bbox}&limit=1`);
  assert.ok(body.numberMatched > 1000, `the sample map is loaded (${body.numberMatched})`);
  assert.equal(shown, body.numberMatched);
  // Zoomed in on Altrincham, the count follows the view.
  const near = await openMap(browser, server.base, { hash: "#map=15/53.3874/-2.3497" });
  const nearBbox = await near.page.evaluate(() => document.body.dataset.bbox);
  const nearShown = Number(await near.page.getAttribute("#count", "data-count"));
  const nearBody = await api(`/api/assets?bbox=${nearBbox}&limit=1`);
  assert.equal(nearShown, nearBody.numberMatched);
  assert.ok(nearShown < body.numberMatched);
  assert.deepEqual(errors, []);
  assert.deepEqual(near.errors, []);
  await page.close();
  await near.page.close();
});

test("turning a capital off removes it from the map and the list", async () => {
  const { page } = await openMap(browser, server.base, { hash: "#map=14/53.3874/-2.3497" });
  const capitals = () =>
    page.$$eval("#list li button .meta", (els) => els.map((e) => e.textContent.trim().split(" · ")[0]));
  assert.ok((await capitals()).includes("Physical"));
  const before = Number(await page.getAttribute("#count", "data-count"));
  const physical = Number(await page.getAttribute("#count-physical", "data-count"));
  await page.uncheck("#toggle-physical");
  assert.ok(!(await capitals()).includes("Physical"));
  assert.equal(Number(await page.getAttribute("#count", "data-count")), before - physical);
  // The map draws from vector tiles: what the tiles in view hold, once
  // the ones for the new filter have loaded.
  const onMap = await page.evaluate(() => new Promise((resolve) => {
    const map = window.assetmap.map;
    map.once("idle", () => resolve(map.querySourceFeatures("assets", { sourceLayer: "assets" }).map((f) => f.properties.capital)));
    map.triggerRepaint();
  }));
  assert.ok(onMap.length > 0);
  assert.ok(!onMap.includes("physical"), "no physical assets in the map's data");
  const bbox = await page.evaluate(() => document.body.dataset.bbox);
  const api_ = await api(`/api/assets?bbox=${bbox}&capital=social,human,public,financial&limit=1`);
  assert.equal(Number(await page.getAttribute("#count", "data-count")), api_.numberMatched);
  assert.match(page.url(), /off=physical/);
  await page.close();
});

test("search finds Altrincham Library and its details open", async () => {
  const { page } = await openMap(browser, server.base);
  await page.fill("#q", "Altrincham Library");
  await page.click("#search button[type=submit]");
  await page.waitForFunction(() => [...document.querySelectorAll("#list .name")].some((e) => e.textContent === "Altrincham Library"));
  await settled(page);
  const ids = await page.$$eval("#list button", (els) => els.map((e) => e.dataset.id));
  const bbox = await page.evaluate(() => document.body.dataset.bbox);
  const want = await api(`/api/assets?bbox=${bbox}&q=Altrincham%20Library`);
  assert.deepEqual([...ids].sort(), want.features.map((f) => f.id).sort());
  // The exact name first.
  const names = await page.$$eval("#list .name", (els) => els.map((e) => e.textContent));
  assert.equal(names[0], "Altrincham Library");
  assert.match(page.url(), /q=Altrincham(\+|%20)Library/);
  await page.click("#list button:has-text('Altrincham Library')");
  await page.waitForSelector("#details:not([hidden])");
  const details = await page.textContent("#details");
  assert.match(details, /2 Pott Street, Altrincham/);
  assert.match(details, /WA14 1AH/);
  assert.match(details, /Open Government Licence/);
  const website = await page.getAttribute("#details a[href^='https://www.trafford.gov.uk']", "href");
  assert.ok(website);
  await page.close();
});

test("near here lists the nearest assets to a postcode in distance order", async () => {
  const { page } = await openMap(browser, server.base);
  await page.fill("#postcode", "wa14 1ah");
  await page.click("#near button[type=submit]");
  await page.waitForSelector("#near-list li");
  const rows = await page.$$eval("#near-list li", (els) =>
    els.map((e) => ({ name: e.querySelector(".name").textContent, dist: e.querySelector(".dist").textContent })),
  );
  assert.equal(rows.length, 10);
  const metres = rows.map((r) => (r.dist.endsWith("km") ? parseFloat(r.dist) * 1000 : parseFloat(r.dist)));
  for (let i = 1; i < metres.length; i++) assert.ok(metres[i - 1] <= metres[i], `${rows[i - 1].dist} then ${rows[i].dist}`);
  const pc = await api("/api/postcodes/WA14%201AH");
  const want = await api(`/api/assets/nearest?lon=${pc.lon}&lat=${pc.lat}&k=10`);
  assert.deepEqual(rows.map((r) => r.name), want.features.map((f) => f.properties.name));
  await page.close();
});

test("an axe scan finds no problems, in English and in Welsh, wide and narrow", async () => {
  for (const lang of ["en", "cy"]) {
    for (const [width, height] of [[1280, 800], [375, 812]]) {
      const { page } = await openMap(browser, server.base, { width, height, lang, hash: "#map=14/53.3874/-2.3497" });
      // Evaluated over the DevTools protocol: the page's Content-Security-Policy
      // (rightly) refuses an inline <script>.
      await page.evaluate(readFileSync(axePath, "utf8"));
      const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
      const where = `${lang} ${width}px`;
      assert.deepEqual(result.violations.map((v) => `${where}: ${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target}`), []);
      await page.close();
    }
  }
});

test("screenshots at desktop and phone sizes", async () => {
  for (const [name, width, height] of [["desktop", 1280, 800], ["phone", 375, 812]]) {
    const { page, errors } = await openMap(browser, server.base, { width, height, hash: "#map=13/53.42/-2.33" });
    await page.screenshot({ path: join(artifacts, `map-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("gaps mode shades the wards with the API's class breaks", async () => {
  const { page, errors } = await openMap(browser, server.base, { hash: "#map=11/53.42/-2.33&category=library" });
  await page.selectOption("#gaps-measure", "per_1000");
  await page.waitForFunction(() => document.body.dataset.gaps === "ready");
  const api_ = await api("/api/gaps?level=ward&category=library&rank_by=per_1000&distance_m=800");
  // Only the classes some ward falls in, each once, with how many wards:
  // ties at zero no longer repeat "0.00 – 0.00".
  const legend = await page.$$eval("#gaps-legend li[data-count]", (els) => els.map((e) => ({ n: Number(e.dataset.count), text: e.textContent })));
  assert.equal(legend.reduce((a, l) => a + l.n, 0), api_.rows.filter((r) => r.per_1000 !== null).length);
  assert.equal(new Set(legend.map((l) => l.text.split(":")[0])).size, legend.length, JSON.stringify(legend));
  const zeros = api_.rows.filter((r) => r.per_1000 === 0).length;
  assert.ok(legend.some((l) => l.text.startsWith("0.00:") && l.n === zeros), JSON.stringify(legend));
  assert.match(await page.textContent("#gaps-method"), /^Each area is shaded by how many assets are inside it for every 1,000 people/);
  const shaded = await page.evaluate(async () => {
    const data = await window.assetmap.map.getSource("gaps").getData();
    return data.features.map((f) => ({ code: f.properties.code, gap: f.properties.gap }));
  });
  assert.equal(shaded.length, 21);
  assert.deepEqual(
    shaded.filter((s) => s.gap).map((s) => s.code).sort(),
    api_.rows.filter((r) => r.gap).map((r) => r.code).sort(),
  );
  assert.match(page.url(), /gaps=per_1000/);
  assert.match(await page.getAttribute("#gaps-csv", "href"), /\/api\/gaps\.csv\?.*level=ward/);
  // An area's profile: five capitals against the ward median.
  const firstGap = api_.rows.filter((r) => r.gap).sort((a, b) => b.rank - a.rank)[0];
  // The table sorts by any figure: coverage, least covered first.
  await page.click("#gaps-table thead button:has-text('Coverage')");
  const byCoverage = await page.$$eval("#gaps-list button[data-code]", (els) => els.map((e) => e.dataset.code));
  const want = [...api_.rows].filter((r) => r.coverage !== null).sort((a, b) => a.coverage - b.coverage).map((r) => r.coverage);
  const got = byCoverage.map((code) => api_.rows.find((r) => r.code === code).coverage);
  assert.deepEqual(got, want);
  assert.equal(await page.getAttribute("#gaps-table th[aria-sort]", "aria-sort"), "ascending");
  const before = await page.evaluate(() => window.assetmap.map.getZoom());
  await page.click(`#gaps-list button[data-code='${firstGap.code}']`);
  // Choosing a ward in the ranking brings it into view.
  assert.ok((await page.evaluate(() => window.assetmap.map.getZoom())) > before);
  await page.waitForSelector("#profile svg");
  const bars = await page.$$eval("#profile svg rect", (els) => els.length);
  assert.equal(bars, 10, "five capitals, each beside its level median");
  assert.match(await page.textContent("#profile h3"), new RegExp(firstGap.name));
  await page.screenshot({ path: join(artifacts, "map-gaps.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

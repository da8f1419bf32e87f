// A big map drawn from vector tiles: 6,000 assets around Manchester (more
// than the page lists at once), in headless Chromium against a real server.
// The map asks for tiles, never for every feature in view; the counts and
// the list are exact from the API, the list a page at a time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openMap, settled, binary, root, artifacts } from "./harness.mjs";

let server;
let browser;
const N = 6000;
const CAPITALS = ["social", "human", "public", "physical", "financial"];
const KINDS = [["social", "group"], ["public", "library"], ["physical", "green_space"], ["financial", "credit_union"], ["public", "gp"]];

function prepareStore() {
  const dir = mkdtempSync(join(tmpdir(), "assetmap-tiles-"));
  // A fixed pseudo-random scatter around a few centres, as real assets are.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const centres = [[-2.24, 53.48], [-2.33, 53.42], [-2.15, 53.41], [-2.35, 53.39]];
  const features = Array.from({ length: N }, (_, i) => {
    const [lon, lat] = centres[i % centres.length];
    const [capital, category] = KINDS[Math.floor(rnd() * KINDS.length)];
    const r = Math.sqrt(rnd()) * 0.04, a = rnd() * 2 * Math.PI;
    return {
      type: "Feature",
      properties: { ref: `T${i}`, name: `Place ${i}`, capital, category },
      geometry: { type: "Point", coordinates: [+(lon + r * Math.cos(a) * 1.6).toFixed(6), +(lat + r * Math.sin(a)).toFixed(6)] },
    };
  });
  writeFileSync(join(dir, "big.geojson"), JSON.stringify({ type: "FeatureCollection", features }));
  const env = { ...process.env, DATABASE_URL: `sqlite://${join(dir, "assetmap.db")}`, RUST_LOG: "warn" };
  execFileSync(binary, ["import", join(dir, "big.geojson"), "--id-field", "ref", "--dataset", "big"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}

before(async () => {
  server = await startServer({ dir: prepareStore() });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const api = async (path) => (await fetch(`${server.base}${path}`)).json();

/// Waits for the map to finish loading what it shows.
const idle = (page) =>
  page.evaluate(() => new Promise((resolve) => {
    const map = window.assetmap.map;
    map.once("idle", resolve);
    map.triggerRepaint();
  }));

/// The map or the list, on a phone (a wide screen shows both).
async function view(page, which) {
  if (await page.isVisible(`#show-${which}`)) await page.click(`#show-${which}`);
}

/// How many of each request the page made.
const asked = (requests) => ({
  tiles: requests.filter((u) => u.includes("/tiles/assets/")),
  lists: requests.filter((u) => /\/api\/assets\?/.test(u)).map((u) => new URL(u)),
});

for (const [name, width, height] of [["desktop", 1280, 800], ["phone", 375, 812]]) {
  test(`a big view pans on tiles, and its list pages through the API (${name})`, async () => {
    const { page, errors, requests } = await openMap(browser, server.base, { width, height, hash: "#map=11/53.44/-2.26" });
    await idle(page);
    const bbox = await page.evaluate(() => document.body.dataset.bbox);
    const all = await api(`/api/assets?bbox=${bbox}&limit=1`);
    assert.ok(all.numberMatched > 2000, `a big view (${all.numberMatched})`);
    // Exact counts, from the API.
    assert.equal(Number(await page.getAttribute("#count", "data-count")), all.numberMatched);
    for (const c of CAPITALS) {
      const one = await api(`/api/assets?bbox=${bbox}&capital=${c}&limit=1`);
      assert.equal(Number(await page.getAttribute(`#count-${c}`, "data-count")), one.numberMatched, c);
    }
    // The map came as tiles; no request asked for the whole view.
    let { tiles, lists } = asked(requests);
    assert.ok(tiles.some((u) => u.includes("/tiles/assets/11/")), tiles.join("\n"));
    assert.ok(lists.every((u) => Number(u.searchParams.get("limit")) <= 100), lists.join("\n"));
    // Clusters ringed by their mix, each a button naming its count.
    const clusters = await page.$$eval(".cluster", (els) => els.map((e) => ({ ring: e.style.background, label: e.getAttribute("aria-label") })));
    assert.ok(clusters.length > 3, `${clusters.length} clusters`);
    assert.ok(clusters.every((c) => /conic-gradient/.test(c.ring)));
    assert.ok(clusters.some((c) => /Public/.test(c.label) && /Social/.test(c.label)), JSON.stringify(clusters[0]));
    await page.screenshot({ path: join(artifacts, `tiles-clusters-${name}.png`) });

    // The list: a page at a time, nearest the middle first, as the API
    // orders them; the second page comes from the server.
    const want = await api(`/api/assets?bbox=${bbox}&limit=200`);
    await view(page, "list");
    assert.equal(await page.$$eval("#list li", (els) => els.length), 100);
    await page.click("#list-more-button");
    await page.waitForFunction(() => document.querySelectorAll("#list li").length === 200);
    const ids = await page.$$eval("#list li button", (els) => els.map((e) => e.dataset.id));
    assert.deepEqual(ids, want.features.map((f) => f.id));
    assert.match(await page.textContent("#list-more-button"), /more/);

    // A capital off: the tiles, the list and the count follow.
    await page.uncheck("#toggle-public");
    await settled(page);
    await idle(page);
    const rest = await api(`/api/assets?bbox=${bbox}&capital=social,human,physical,financial&limit=1`);
    assert.equal(Number(await page.getAttribute("#count", "data-count")), rest.numberMatched);
    assert.ok(!(await page.$$eval("#list li .meta", (els) => els.map((e) => e.textContent))).some((t) => /Public/.test(t)));
    ({ tiles } = asked(requests));
    assert.ok(tiles.some((u) => u.includes("capital=social%2Chuman%2Cphysical%2Cfinancial") || u.includes("capital=social,human,physical,financial")), tiles.at(-1));
    const labels = await page.$$eval(".cluster", (els) => els.map((e) => e.getAttribute("aria-label")));
    assert.ok(labels.length > 0 && labels.every((l) => !/Public/.test(l)), labels[0]);
    await page.check("#toggle-public");
    await settled(page);
    await view(page, "map");
    await idle(page);

    // A cluster, clicked, brings its assets closer; from zoom 14 every
    // asset is its own point, drawn from the tiles.
    const before = await page.evaluate(() => window.assetmap.map.getZoom());
    await page.click(".cluster");
    await page.waitForFunction((z) => window.assetmap.map.getZoom() > z + 1, before);
    await page.evaluate(() => window.assetmap.map.jumpTo({ zoom: 14.5 }));
    await settled(page);
    await idle(page);
    const points = await page.evaluate(() => window.assetmap.map.queryRenderedFeatures({ layers: ["assets-points"] }).map((f) => f.properties.id));
    assert.ok(points.length > 0);
    assert.equal(await page.$$eval(".cluster", (els) => els.length), 0, "no clusters from zoom 14");
    // A symbol whose icon reaches into the view is drawn though its point
    // lies just outside: the box is widened by an icon's width.
    const near = await page.evaluate(() => {
      const map = window.assetmap.map;
      const c = map.getContainer();
      const sw = map.unproject([-20, c.clientHeight + 20]), ne = map.unproject([c.clientWidth + 20, -20]);
      return [sw.lng, sw.lat, ne.lng, ne.lat].map((v) => v.toFixed(6)).join(",");
    });
    const inView = await api(`/api/assets?bbox=${near}&limit=10000`);
    const known = new Set(inView.features.map((f) => f.id));
    assert.ok(points.every((id) => known.has(id)), "every point drawn is one the API has in view");
    await page.screenshot({ path: join(artifacts, `tiles-points-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

// A search that moves the map: the map draws what was found, as the count
// and the list do.
test("a search that moves the map draws only what it found", async () => {
  const { page, errors, requests } = await openMap(browser, server.base, { hash: "#map=14/53.48/-2.24" });
  await idle(page);
  const from = requests.length;
  await page.fill("#q", "Place 12");
  await page.press("#q", "Enter");
  await page.waitForFunction(() => document.body.dataset.search === "done");
  await settled(page);
  await idle(page);
  const bbox = await page.evaluate(() => document.body.dataset.bbox);
  const found = await api(`/api/assets?bbox=${bbox}&q=Place%2012&limit=1`);
  assert.ok(found.numberMatched > 50 && found.numberMatched < 200, `${found.numberMatched} found`);
  assert.equal(Number(await page.getAttribute("#count", "data-count")), found.numberMatched);
  // The map moved out to show them all, and every tile since asked for them.
  assert.ok((await page.evaluate(() => window.assetmap.map.getZoom())) < 13);
  const tiles = requests.slice(from).filter((u) => u.includes("/tiles/assets/"));
  assert.ok(tiles.length > 0 && tiles.every((u) => /[?&]q=Place/.test(u)), tiles.join("\n"));
  // What the map draws in view, clusters and points, adds up to the count.
  const drawn = await page.evaluate(() => {
    const map = window.assetmap.map;
    const view = map.getBounds();
    const seen = new Map();
    for (const f of map.querySourceFeatures("assets", { sourceLayer: "assets" })) {
      const [lon, lat] = f.geometry.coordinates;
      if (!view.contains([lon, lat])) continue;
      seen.set(`${lon.toFixed(6)}/${lat.toFixed(6)}/${f.properties.id ?? f.properties.count}`, f.properties.count ?? 1);
    }
    return [...seen.values()].reduce((a, n) => a + n, 0);
  });
  assert.equal(drawn, found.numberMatched);
  await page.screenshot({ path: join(artifacts, "tiles-search-moved.png") });

  assert.deepEqual(errors, []);
  await page.close();

});

// A category is shown over the whole place: from close in, on a phone
// (where a search turns to the list, and the map moves again as it hides),
// the map moves twice before the count is known. The message says the
// count in view after both, and, with no place name configured, no blank
// where the place would be.
test("a category search says what is in view once the map has moved (phone)", async () => {
  const { page, errors } = await openMap(browser, server.base, { width: 375, height: 812, hash: "#map=15/53.48/-2.24" });
  await settled(page);
  await page.fill("#q", "library");
  await page.press("#q", "Enter");
  await page.waitForFunction(() => document.body.dataset.search === "done");
  await settled(page);
  // Counts are written as people write them: "1,260".
  const said = (await page.textContent("#search-result")).match(/^Showing Library: ([\d,]+)\./);
  assert.ok(said, await page.textContent("#search-result"));
  const count = await page.getAttribute("#count", "data-count");
  assert.ok(Number(count) >= 1000, count);
  assert.equal(said[1], Number(count).toLocaleString("en-GB"));
  assert.equal(await page.textContent("#count-public"), said[1]);
  await page.screenshot({ path: join(artifacts, "tiles-search-category-phone.png") });
  assert.deepEqual(errors, []);
  await page.close();
});

// The map on a basemap of our own: `assetmap serve --basemap` on an MBTiles
// that tilemaker builds from the Leeds extract, with Leeds's assets from the
// same extract and one area around them. Chromium must draw roads and
// labels from the file, assets and areas on top, with no console errors and
// no request leaving the server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openMap, artifacts, root, binary } from "./harness.mjs";

let server;
let browser;

// The extract's bounds, a little inside: one "ward" to outline.
const AREA = [-1.5605, 53.8065, -1.5502, 53.809];

function prepareStore() {
  const basemap = execFileSync("bash", [join(root, "scripts/basemap-fixture.sh")], { encoding: "utf8" }).trim();
  const dir = mkdtempSync(join(tmpdir(), "assetmap-basemap-"));
  const env = { ...process.env, DATABASE_URL: `sqlite://${join(dir, "assetmap.db")}`, RUST_LOG: "warn" };
  const run = (...args) => execFileSync(binary, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  run("import", "tests/fixtures/osm/its-example_leeds.osm.pbf", "--skip-invalid");
  const [w, s, e, n] = AREA;
  const ward = {
    type: "FeatureCollection",
    features: [{
      type: "Feature",
      properties: { area_code: "E05099999", area_name: "Leeds test ward" },
      geometry: { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] },
    }],
  };
  writeFileSync(join(dir, "ward.geojson"), JSON.stringify(ward));
  run("areas", "import", join(dir, "ward.geojson"), "--level", "ward");
  return { dir, basemap: join(root, basemap) };
}

before(async () => {
  const { dir, basemap } = prepareStore();
  server = await startServer({ dir, args: ["--basemap", basemap] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/// Rendered features of the given layers that are in the style.
const rendered = (page, layers) =>
  page.evaluate((layers) => {
    const map = window.assetmap.map;
    const present = layers.filter((l) => map.getLayer(l));
    return map.queryRenderedFeatures({ layers: present }).map((f) => ({
      layer: f.layer.id,
      name: f.properties["name:latin"] || f.properties.name || "",
    }));
  }, layers);

async function idle(page) {
  await page.evaluate(
    () => new Promise((resolve) => {
      const map = window.assetmap.map;
      if (map.loaded() && map.areTilesLoaded()) resolve();
      else map.once("idle", resolve);
    }),
  );
}

for (const [name, width, height] of [["desktop", 1280, 800], ["phone", 375, 812]]) {
  test(`draws the Leeds basemap under the assets and areas (${name})`, async () => {
    const { page, errors, requests } = await openMap(browser, server.base, { width, height, hash: "#map=16/53.8078/-1.5555" });
    await idle(page);

    const roads = await rendered(page, ["road-minor", "road-major", "road-motorway", "road-path", "road-casing"]);
    assert.ok(roads.length > 0, "roads from the file are drawn");
    const labels = await rendered(page, ["street-name", "place-minor", "place-major"]);
    const named = labels.filter((l) => l.name);
    assert.ok(named.length > 0, "at least one street or place label is drawn");

    const layerIds = await page.evaluate(() => window.assetmap.map.getStyle().layers.map((l) => l.id));
    const lastBasemap = Math.max(...["street-name", "place-major", "road-major", "building"].map((l) => layerIds.indexOf(l)));
    for (const ours of ["areas-line", "assets-points"]) {
      assert.ok(layerIds.indexOf(ours) > lastBasemap, `${ours} is above the basemap`);
    }
    assert.ok((await rendered(page, ["assets-points"])).length > 0, "assets are drawn");
    assert.ok((await rendered(page, ["areas-line"])).length > 0, "the area outline is drawn");

    const attribution = await page.textContent(".maplibregl-ctrl-attrib");
    assert.match(attribution, /OpenMapTiles/);
    assert.match(attribution, /OpenStreetMap/);
    // A Leeds store is not called after the sample map it never loaded.
    assert.doesNotMatch(attribution, /Trafford/);
    assert.doesNotMatch(await page.textContent("h1"), /Trafford/);

    const foreign = requests.filter((u) => !u.startsWith(server.base) && !u.startsWith("blob:") && !u.startsWith("data:"));
    assert.deepEqual(foreign, [], "no request leaves the server's origin");
    assert.ok(requests.some((u) => u.includes("/basemap/14/")), "tiles came from our server");
    assert.ok(requests.some((u) => u.includes("/fonts/")), "glyphs came from our server");
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(artifacts, `map-basemap-${name}.png`) });
    console.log(`# ${name}: ${roads.length} road features, labels: ${[...new Set(named.map((l) => l.name))].join(", ")}`);
    await page.close();
  });
}

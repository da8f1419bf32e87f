// Panning the map page in Chromium: bytes the page fetched and frame times
// while it moves, for the page served by each given server.
//   node bench/pan.mjs NAME=URL [NAME=URL ...]
// e.g. the page of main (GeoJSON) and of this branch (tiles), each served
// by `assetmap serve --web-dir DIR` over the same store (bench/README.md).
// Each run: open at zoom 9 over the North West, then 12 pans of 300 px
// (right, down, left, up, three times) and 4 zooms in and out, waiting
// each time until the list and the map have settled.
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "web", "package.json"));
const { chromium } = require("playwright-core");

const HASH = process.env.HASH || "#map=9/53.6/-2.4";
const [width, height] = (process.env.SIZE || "1280x800").split("x").map(Number);

async function run(browser, url) {
  const page = await browser.newPage({ viewport: { width, height } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
    requests++;
  });
  await page.goto(`${url}/${HASH}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 120_000 });
  await settle(page);
  const startBytes = bytes;
  const startRequests = requests;
  // Frame intervals while the map moves (the animation of each pan or
  // zoom), not while it waits for data with nothing to draw.
  await page.evaluate(() => {
    window.frames_ = [];
    const map = window.assetmap.map;
    let moving = false;
    let last = null;
    map.on("movestart", () => ((moving = true), (last = null)));
    map.on("moveend", () => (moving = false));
    const tick = (t) => {
      if (moving && last !== null) window.frames_.push(t - last);
      last = moving ? t : null;
      window.raf_ = requestAnimationFrame(tick);
    };
    window.raf_ = requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  const moves = [];
  for (let round = 0; round < 3; round++) {
    for (const [dx, dy] of [[300, 0], [0, 300], [-300, 0], [0, -300]]) moves.push({ pan: [dx, dy] });
  }
  moves.push({ zoom: 1 }, { zoom: -1 }, { zoom: 1 }, { zoom: -1 });
  for (const m of moves) {
    await page.evaluate((m) => {
      const map = window.assetmap.map;
      if (m.pan) map.panBy(m.pan, { duration: 300 });
      else map.zoomTo(map.getZoom() + m.zoom, { duration: 300 });
    }, m);
    await page.waitForTimeout(350);
    await settle(page);
  }
  const seconds = (Date.now() - t0) / 1000;
  const frames = await page.evaluate(() => {
    cancelAnimationFrame(window.raf_);
    return window.frames_;
  });
  frames.sort((a, b) => a - b);
  const q = (p) => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  await page.close();
  return {
    bytes: bytes - startBytes,
    requests: requests - startRequests,
    seconds,
    frames: frames.length,
    meanFrameMs: mean,
    p95FrameMs: q(0.95),
  };
}

async function settle(page) {
  await page.waitForFunction(() => document.body.dataset.loading === "false", null, { timeout: 120_000 });
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.assetmap.map;
    map.once("idle", resolve);
    map.triggerRepaint();
  }));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
});
const results = {};
for (const arg of process.argv.slice(2)) {
  const [name, url] = arg.split("=");
  results[name] = await run(browser, url);
  console.log(name, JSON.stringify(results[name]));
}
await browser.close();
const names = Object.keys(results);
if (names.length === 2) {
  const [a, b] = names.map((n) => results[n]);
  const r = (k) => (a[k] / b[k]).toFixed(1);
  console.log(`${names[0]}/${names[1]}: bytes ${r("bytes")}x, time ${r("seconds")}x, mean frame ${r("meanFrameMs")}x, p95 frame ${r("p95FrameMs")}x`);
}

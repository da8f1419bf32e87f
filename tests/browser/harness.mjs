// A real `assetmap serve` on a temporary store with the sample map, and
// Debian's Chromium driven by playwright-core.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(root, "web", "package.json"));
const { chromium } = require("playwright-core");
export const axePath = require.resolve("axe-core/axe.min.js");
export const artifacts = join(root, "test-artifacts");
mkdirSync(artifacts, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export const binary = process.env.ASSETMAP_BIN || join(root, "target", "release", "assetmap");

/// `assetmap serve` on a fresh store (or `dir`'s, when given) with `args`.
/// With no `--basemap` in `args` the map draws on its plain background:
/// the machine running the tests may not reach the public style.
export async function startServer({ args = [], dir = mkdtempSync(join(tmpdir(), "assetmap-browser-")) } = {}) {
  const port = await freePort();
  const child = spawn(binary, ["serve", "--listen", `127.0.0.1:${port}`, ...args], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${join(dir, "assetmap.db")}`,
      RUST_LOG: "warn",
      ASSETMAP_BASEMAP: "none",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return { base, stop: () => child.kill("SIGTERM") };
    } catch {}
    if (child.exitCode !== null) throw new Error(`assetmap exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error("assetmap did not start");
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
      // WebGL in software, for MapLibre.
      "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    ],
  });
}

/// A page on the map that records console errors and every request.
export async function openMap(browser, base, { width = 1280, height = 800, hash = "", lang = "en" } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  // The language switch's choice, and a print() that only counts (headless
  // Chromium has no print dialog to wait for).
  await page.addInitScript((lang) => {
    localStorage.setItem("assetmap-lang", lang);
    window.printed = 0;
    window.print = () => window.printed++;
  }, lang);
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
  await settled(page);
  return { page, errors, requests };
}

/// Waits until no asset query is in flight.
export async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.loading === "false", null, { timeout: 30_000 });
}

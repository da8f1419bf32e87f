// Users' whole tasks, each at a desktop size (1280x800) and a phone's
// (375x812): a forum prints its ward's inventory, an officer makes a
// referral for three needs, people search in their own words, a laptop
// at 200 % zoom, the keyboard, and the page in Welsh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, launch, openMap, settled, artifacts } from "./harness.mjs";
import { catalogues } from "../../web/messages.js";

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
const SIZES = [["desktop", 1280, 800], ["phone", 375, 812]];

/// Waits until the clusters are drawn and the map has been idle after them
/// (when the ward names are placed around them).
async function mapIdle(page) {
  await page.waitForSelector(".cluster");
  await page.evaluate(() => new Promise((resolve) => {
    const map = window.assetmap.map;
    map.once("idle", resolve);
    map.triggerRepaint();
  }));
}

async function search(page, text) {
  await page.fill("#q", text);
  await page.press("#q", "Enter");
  await page.waitForFunction(() => document.body.dataset.search === "done");
  await settled(page);
}

test("a forum finds its ward by name and prints its inventory", async () => {
  const ward = (await api("/api/areas?level=ward")).features.find((f) => f.properties.name === "Stretford & Humphrey Park").properties;
  const inside = await api(`/api/assets?within=${ward.code}&limit=10000`);
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    await search(page, "stretford and humphrey park");
    await page.waitForFunction(() => document.body.dataset.area === "ready");
    assert.equal(await page.textContent("#area-name"), "Stretford & Humphrey Park");
    assert.match(page.url(), new RegExp(`area=${ward.code}`));
    // Grouped by capital and category, with counts that add up to the API's.
    const counts = await page.$$eval("#area-groups summary", (els) => els.map((e) => Number(e.textContent.match(/\((\d+)\)$/)[1])));
    assert.equal(counts.reduce((a, b) => a + b, 0), inside.numberMatched);
    assert.ok(inside.numberMatched > 10);
    await page.waitForSelector("#area-profile svg");
    // The outline is on the map, and the map shows the ward.
    const outlined = await page.evaluate(async () => (await window.assetmap.map.getSource("area-focus").getData()).properties?.code);
    assert.equal(outlined, ward.code);
    await page.screenshot({ path: join(artifacts, `area-${name}.png`) });
    // The CSV is for people: labels, no ids, WKT or JSON.
    const csv = await page.evaluate(async () => (await fetch(document.querySelector("#area-csv").href)).text());
    const lines = csv.trim().split("\r\n");
    assert.equal(lines[0].replace(/^\ufeff/, ""), "Name,Capital,Category,Address,Postcode,Opening hours,Phone,Email,Website,About");
    assert.equal(lines.length, inside.numberMatched + 1);
    assert.doesNotMatch(csv, /POINT|POLYGON|\{"|[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Print: A4, the list and a small map, no controls.
    await page.click("#area-print");
    assert.equal(await page.evaluate(() => window.printed), 1);
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.isVisible("#area-groups"), true);
    assert.equal(await page.isVisible("#area-groups li"), true, "every category open, its assets listed");
    assert.equal(await page.isVisible("#area-page .print-map"), true);
    assert.match(await page.getAttribute("#area-page .print-map", "src"), /^data:image\/png/);
    for (const hidden of ["#map", "#search", "#legend", "#near", "#area-print"]) assert.equal(await page.isVisible(hidden), false, hidden);
    await page.screenshot({ path: join(artifacts, `area-print-${name}.png`), fullPage: true });
    // And back to the whole of Trafford.
    await page.emulateMedia({ media: "screen" });
    await page.click("#whole-area");
    await settled(page);
    assert.equal(await page.isHidden("#area-page"), true);
    assert.equal(await page.isVisible("#whole-area"), false, "no way back to where we already are");
    assert.doesNotMatch(page.url(), /area=/);
    const bbox = (await page.evaluate(() => document.body.dataset.bbox)).split(",").map(Number);
    const whole = (await api("/api/config")).bounds;
    assert.ok(bbox[0] <= whole[0][0] && bbox[2] >= whole[1][0], "the whole place in view again");
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("a referral for three needs from one postcode takes four actions, and its link keeps them", async () => {
  const pc = await api("/api/postcodes/M32%200JG");
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    // 1: the postcode, in the search box (on a phone the panel comes up);
    // 2-4: three needs. Each change updates the list.
    await search(page, "M32 0JG");
    for (const need of ["food_bank", "gp", "sports_club"]) {
      await page.check(`#need-${need}`);
      await page.waitForFunction(() => document.body.dataset.near === "ready");
    }
    const within = Number(await page.inputValue("#near-distance"));
    const groups = await page.$$eval("#near-results ol[data-need]", (ols) =>
      ols.map((ol) => ({ need: ol.dataset.need, ids: [...ol.querySelectorAll("button[data-id]")].map((b) => b.dataset.id) })),
    );
    assert.deepEqual(groups.map((g) => g.need), ["food_bank", "gp", "sports_club"]);
    for (const g of groups) {
      const want = await api(`/api/assets/nearest?lon=${pc.lon}&lat=${pc.lat}&k=3&category=${g.need}&max_distance_m=${within}`);
      assert.deepEqual(g.ids, want.features.map((f) => f.id), g.need);
      assert.ok(g.ids.length > 0, `something for ${g.need} within ${within} m`);
    }
    // Numbered 1..n in the list, and the same numbers on the map.
    const numbers = await page.$$eval("#near-results .num", (els) => els.map((e) => Number(e.textContent)));
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1));
    const pins = await page.$$eval(".pin", (els) => els.map((e) => Number(e.textContent)));
    assert.deepEqual(pins, numbers);
    // The numbers are drawn above the clusters' rings: no ring covers one.
    const covered = await page.$$eval(".pin", (els) => els.filter((e) => {
      const r = e.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit?.closest(".cluster");
    }).map((e) => e.textContent));
    assert.deepEqual(covered, []);
    const styles = await page.evaluate(() => {
      const z = (cls) => { const e = document.createElement("div"); e.className = `${cls} maplibregl-marker`; document.body.append(e); const v = Number(getComputedStyle(e).zIndex); e.remove(); return v; };
      return { pin: z("pin"), cluster: z("cluster") };
    });
    assert.ok(styles.pin > styles.cluster, JSON.stringify(styles));
    assert.match(await page.textContent("#near-results"), /straight-line distance/);
    // A food bank shows how to be referred.
    assert.match(await page.textContent("#near-results ol[data-need=food_bank]"), /How to get help: /);
    // Keep one; the link keeps the postcode, the needs and the one kept.
    const kept = groups[1].ids[0];
    await page.check(`#near-results li:has(button[data-id='${kept}']) .keep input`);
    const link = page.url();
    // The page's own "Link to this referral" is that address, untouched.
    assert.equal(await page.getAttribute("#near-link", "href"), link);
    assert.match(link, /pc=M32(\+|%20)0JG/);
    assert.match(link, /needs=food_bank,gp,sports_club/);
    assert.match(link, new RegExp(`pick=${kept}`));
    await page.screenshot({ path: join(artifacts, `referral-${name}.png`) });
    // The printout lists the one kept, without the controls.
    await page.evaluate(() => {
      window.print = () => {
        window.printed++;
        window.printedAs = document.body.dataset.print;
      };
    });
    await page.click("#near-print");
    assert.equal(await page.evaluate(() => window.printedAs), "referral");
    // It stays a referral's printout until the browser says printing is over.
    await page.emulateMedia({ media: "print" });
    const printed = await page.$$eval("#near-results li", (els) => els.filter((e) => e.offsetParent !== null).map((e) => e.querySelector("button").dataset.id));
    assert.deepEqual(printed, [kept]);
    for (const hidden of ["#map", "#legend", "#needs", "#near-print"]) assert.equal(await page.isVisible(hidden), false, hidden);
    await page.emulateMedia({ media: "screen" });
    await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
    assert.equal(await page.evaluate(() => document.body.dataset.print), undefined);
    const again = await openMap(browser, server.base, { width, height, hash: new URL(link).hash });
    await again.page.waitForFunction(() => document.body.dataset.near === "ready");
    const ids = await again.page.$$eval("#near-results ol[data-need] button[data-id]", (els) => els.map((e) => e.dataset.id));
    assert.deepEqual(ids, groups.flatMap((g) => g.ids));
    assert.equal(await again.page.isChecked(`#near-results li:has(button[data-id='${kept}']) .keep input`), true);
    assert.deepEqual(errors, []);
    assert.deepEqual(again.errors, []);
    await page.close();
    await again.page.close();
  }
});

test("search understands people's words, misspellings and postcodes", async () => {
  const total = async (category) => (await api(`/api/assets?category=${category}&limit=1`)).numberMatched;
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    for (const [words, category] of [["food bank", "food_bank"], ["GP", "gp"], ["doctor", "gp"], ["libary", "library"]]) {
      await search(page, words);
      assert.equal(await page.inputValue("#category"), category, words);
      assert.equal(Number(await page.getAttribute("#count", "data-count")), await total(category), words);
      const shown = await page.$$eval("#list .meta", (els) => els.map((e) => e.textContent));
      assert.ok(shown.length > 0 && shown.every((m) => m.includes(category === "gp" ? "GP practice" : category === "food_bank" ? "Food bank" : "Library")), words);
    }
    assert.match(await page.textContent("#search-result"), /Nothing is called “libary”; showing Library instead/);
    await page.screenshot({ path: join(artifacts, `search-${name}.png`) });
    // Walking groups are not recorded as such: the nearest kinds are offered.
    await search(page, "walking group");
    assert.equal(await page.inputValue("#category"), "group,sports_club");
    // A postcode is a place: what is near it.
    await search(page, "m32 0jg");
    await page.waitForSelector("#near-list li");
    assert.match(await page.textContent("#near-results h3"), /M32 0JG/);
    // Nothing found: say so, and suggest.
    await search(page, "zzqxw");
    assert.match(await page.textContent("#search-result"), /No results for “zzqxw”/);
    assert.ok((await page.$$("#search-result button.suggestion")).length > 0);
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("at 200 % zoom (640x400 CSS pixels) and at 320 px the panel reflows and stays usable", async () => {
  for (const [width, height] of [[640, 400], [320, 640]]) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await overflow(), 0, "no sideways scrolling on the map");
    const onMap = await page.evaluate(() => document.body.dataset.bbox);
    await page.click("#show-list");
    await settled(page);
    assert.equal(await page.evaluate(() => document.body.dataset.bbox), onMap, "the list is of the map's view");
    assert.equal(await page.isVisible("#legend"), true);
    assert.equal(await overflow(), 0, "no sideways scrolling on the list");
    // One scroll, the page's own: the panel is as tall as its content.
    const panel = await page.evaluate(() => {
      const p = document.querySelector("#panel");
      return { height: p.getBoundingClientRect().height, scroll: p.scrollHeight };
    });
    assert.ok(panel.height >= panel.scroll - 1 && panel.height > height, JSON.stringify(panel));
    await page.locator("#export-csv").scrollIntoViewIfNeeded();
    assert.equal(await page.isVisible("#export-csv"), true);
    await page.check("#toggle-physical");
    await page.uncheck("#toggle-physical");
    assert.match(page.url(), /off=physical/);
    await page.screenshot({ path: join(artifacts, `reflow-${width}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("the keyboard: panel before map, clusters one group, Escape closes details", async () => {
  const { page, errors } = await openMap(browser, server.base);
  const order = await page.evaluate(() => {
    const all = [...document.querySelectorAll("a[href], button, input, select, [tabindex]")].filter((e) => e.tabIndex >= 0 && e.offsetParent !== null);
    return all.map((e) => (e.closest("#panel") ? "panel" : e.closest("#map") ? "map" : "other"));
  });
  assert.ok(order.lastIndexOf("panel") < order.indexOf("map"), "every control of the panel before the map");
  await mapIdle(page);
  const clusters = await page.$$eval(".cluster", (els) => els.map((e) => e.tabIndex));
  assert.ok(clusters.length > 5);
  assert.equal(clusters.filter((t) => t === 0).length, 1, "one tab stop for all clusters");
  await page.focus(".cluster[tabindex='0']");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains("cluster")), true);
  assert.equal(await page.$$eval(".cluster[tabindex='0']", (els) => els.length), 1);
  // Every asset in view can be reached through the list, a page at a time.
  const inView = Number(await page.getAttribute("#count", "data-count"));
  let last = "";
  while (await page.$("#list-more-button")) {
    last = await page.textContent("#list-more-button");
    await page.click("#list-more-button");
  }
  assert.equal(await page.$$eval("#list li", (els) => els.length), inView);
  // The last page says what is left, not "N more (of N more)".
  assert.equal(last, `Show the rest (${((inView - 1) % 100) + 1})`);
  await page.focus("#list li:first-child button");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#details:not([hidden])");
  const ringed = await page.evaluate(async () => (await window.assetmap.map.getSource("selected").getData()).features.length);
  assert.equal(ringed, 1, "the chosen asset is ringed on the map");
  await page.keyboard.press("Escape");
  assert.equal(await page.isHidden("#details"), true);
  assert.equal(await page.evaluate(() => document.activeElement.closest("#list") !== null), true, "focus back where it was");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a sense of place: the place's name, area names at the first view, mixed clusters", async () => {
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height });
    assert.match(await page.textContent("h1"), /^Trafford/);
    // Ward names where they hide no cluster and no other name.
    await mapIdle(page);
    const labels = await page.$$eval(".area-label", (els) => els.filter((e) => e.style.visibility !== "hidden").map((e) => e.getBoundingClientRect()));
    assert.ok(labels.length >= (width > 1000 ? 10 : 4), `ward names at the first view (${labels.length})`);
    const clusters = await page.$$eval(".cluster", (els) => els.map((e) => e.getBoundingClientRect()));
    const overlaps = (r, k) => r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
    assert.ok(labels.every((r) => !clusters.some((k) => overlaps(r, k))), "no name hides a cluster");
    const ring = await page.$eval(".cluster", (e) => e.style.background);
    assert.match(ring, /conic-gradient/);
    await page.screenshot({ path: join(artifacts, `first-view-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("in Welsh, no English string of the page is left", async () => {
  const english = Object.entries(catalogues.en)
    .filter(([k, v]) => catalogues.cy[k] !== v && !/\{/.test(v) && v.length > 3)
    .map(([, v]) => v);
  for (const [name, width, height] of SIZES) {
    const { page, errors } = await openMap(browser, server.base, { width, height, lang: "cy" });
    assert.equal(await page.getAttribute("html", "lang"), "cy");
    await page.click("#show-list").catch(() => {});
    // The page's own words, without the data's (asset and area names, attribution).
    const text = await page.evaluate(() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll(".name, .area-label, .maplibregl-ctrl-attrib").forEach((e) => e.remove());
      const labels = [...document.querySelectorAll("[aria-label],[placeholder]")].map((e) => e.getAttribute("aria-label") || e.placeholder);
      return `${copy.textContent}\n${labels.join("\n")}`;
    });
    const left = english.filter((s) => text.includes(s));
    assert.deepEqual(left, []);
    assert.match(text, /Banc bwyd/);
    assert.equal(await page.getAttribute("#lang-switch", "lang"), "en");
    await page.screenshot({ path: join(artifacts, `welsh-${name}.png`) });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

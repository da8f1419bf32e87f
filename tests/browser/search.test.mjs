// The page's search words, without a browser: synonyms, misspellings,
// area names and name ranking (web/search.js is plain JavaScript).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTerms, understand, editDistance, isPostcode, rankByName } from "../../web/search.js";

const labels = { food_bank: ["Food bank"], gp: ["GP practice"], library: ["Library"], group: ["Community group"], sports_club: ["Sports club"], pharmacy: ["Pharmacy"] };
const areas = [
  { code: "E02001", name: "Trafford 001", level: "msoa" },
  { code: "E05015256", name: "Stretford & Humphrey Park", level: "ward" },
  { code: "E05015254", name: "Sale Central", level: "ward" },
];
const terms = buildTerms(labels, areas);
const meaning = (q) => {
  const { exact, close } = understand(q, terms);
  const term = exact || close[0];
  return term && (term.kind === "area" ? term.code : term.codes.join(","));
};

test("people's words for categories", () => {
  assert.equal(meaning("food bank"), "food_bank");
  assert.equal(meaning("Foodbank"), "food_bank");
  assert.equal(meaning("GP"), "gp");
  assert.equal(meaning("doctor"), "gp");
  assert.equal(meaning("chemist"), "pharmacy");
  assert.equal(meaning("walking group"), "group,sports_club");
});

test("misspellings within a slip or two, and not beyond", () => {
  assert.equal(editDistance("libary", "library"), 1);
  assert.equal(editDistance("pahrmacy", "pharmacy"), 1, "a swap is one slip");
  assert.equal(meaning("libary"), "library");
  assert.equal(meaning("pharmcy"), "pharmacy");
  assert.equal(meaning("fod bank"), "food_bank");
  assert.equal(meaning("gpz"), undefined, "short words must be exact");
  assert.equal(meaning("zzqxw"), undefined);
});

test("area names, whole or begun, with & as and", () => {
  assert.equal(meaning("Stretford and Humphrey Park"), "E05015256");
  assert.equal(meaning("stretford & humphrey park"), "E05015256");
  assert.equal(meaning("Stretford"), "E05015256");
  assert.equal(meaning("sale centrl"), "E05015254");
});

test("postcodes, any case and spacing", () => {
  for (const pc of ["M32 0JG", "m320jg", "WA14 1AH", "wa141ah"]) assert.ok(isPostcode(pc), pc);
  for (const not of ["M32", "library", "WA14 1A"]) assert.ok(!isPostcode(not), not);
});

test("exact names first, then names that begin with the words", () => {
  const f = (name) => ({ properties: { name } });
  const ranked = rankByName([f("Sale Library Friends"), f("Old Library"), f("Library"), f("Library of Things")], "library");
  assert.deepEqual(ranked.map((x) => x.properties.name), ["Library", "Library of Things", "Sale Library Friends", "Old Library"]);
});

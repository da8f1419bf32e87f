// Search that understands people: the words they use for a category
// ("GP", "doctor", "food bank"), their misspellings, postcodes and the
// names of areas. Everything here is client side, over the categories
// and areas the server lists; names of assets are searched by the API.

// What people call the categories, beyond their labels. A word may lead
// to several categories: nobody records "walking groups" yet, so a
// search for one finds community groups and sports clubs.
const SYNONYMS = {
  food_bank: ["food bank", "foodbank", "food banks", "food parcel", "food parcels", "emergency food", "pantry"],
  gp: ["gp", "gps", "doctor", "doctors", "surgery", "gp surgery", "medical practice", "family doctor"],
  pharmacy: ["chemist", "chemists", "pharmacist", "prescriptions"],
  dentist: ["dentists", "dental", "dental practice"],
  library: ["libraries", "books"],
  school: ["schools", "college", "colleges", "education"],
  childrens_centre: ["childrens centre", "sure start", "family hub"],
  care_home: ["care homes", "nursing home", "residential care"],
  post_office: ["post offices"],
  place_of_worship: ["church", "churches", "mosque", "synagogue", "temple", "gurdwara", "chapel"],
  group: ["community groups", "walking group", "walking groups", "support group"],
  sports_club: ["sports clubs", "walking group", "walking groups", "football club", "bowling club"],
  sports_facility: ["gym", "leisure centre", "swimming pool", "sports centre"],
  green_space: ["park", "parks", "green spaces", "open space", "nature"],
  allotment: ["allotments", "growing"],
  defibrillator: ["defibrillators", "defib", "aed"],
  charity: ["charities", "voluntary group"],
  grant_maker: ["grant makers", "funder", "funders", "funding"],
  community_centre: ["community centres", "community hall"],
  credit_union: ["credit unions"],
};

const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

export function normalise(text) {
  return text
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

export function isPostcode(text) {
  return POSTCODE.test(text.trim());
}

/// Damerau–Levenshtein (optimal string alignment) distance.
export function editDistance(a, b) {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

// How many slips a word of this length may carry and still be that word.
function tolerance(length) {
  return length < 4 ? 0 : length < 8 ? 1 : 2;
}

/// The terms to match: each category's labels (code → [label, …]) and
/// synonyms, each area's name.
export function buildTerms(labels, areas) {
  const terms = [];
  for (const [code, names] of Object.entries(labels)) {
    for (const label of [...names, code.replace(/_/g, " ")]) terms.push({ kind: "category", text: normalise(label), codes: [code], label });
  }
  const bySynonym = new Map();
  for (const [code, words] of Object.entries(SYNONYMS)) {
    if (!labels[code]) continue;
    for (const w of words) bySynonym.set(w, [...(bySynonym.get(w) || []), code]);
  }
  for (const [w, codes] of bySynonym) terms.push({ kind: "category", text: normalise(w), codes, label: w });
  // Wards first: the names people know, where a district shares one.
  const rank = (a) => ["ward", "msoa", "lsoa"].indexOf(a.level) >>> 0;
  for (const a of [...areas].sort((x, y) => rank(x) - rank(y))) terms.push({ kind: "area", text: normalise(a.name), code: a.code, label: a.name, level: a.level });
  return terms;
}

/// What a query means: an exact term (category or area) if one matches,
/// otherwise the closest terms within the tolerance, best first.
export function understand(query, terms) {
  const q = normalise(query);
  if (!q) return { exact: null, close: [] };
  const exact = terms.find((t) => t.text === q && t.kind === "area") || terms.find((t) => t.text === q);
  if (exact) return { exact, close: [] };
  const scored = terms
    .map((t) => ({ term: t, d: distanceTo(q, t.text) }))
    .filter((s) => s.d <= tolerance(s.term.text.length))
    .sort((a, b) => a.d - b.d || a.term.text.length - b.term.text.length);
  const seen = new Set();
  const close = [];
  for (const { term } of scored) {
    const key = term.kind === "area" ? `a:${term.code}` : `c:${term.codes.join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    close.push(term);
  }
  return { exact: null, close: close.slice(0, 5) };
}

// A query may be a slip of a whole term or the start of an area's name
// ("Stretford" for "Stretford and Humphrey Park").
function distanceTo(q, text) {
  if (text.startsWith(`${q} `) && q.length >= 4) return 0.5;
  return editDistance(q, text);
}

/// Names matching the query come first: exact, then starting with it,
/// then containing it; the rest keep the API's order.
export function rankByName(features, query) {
  const q = normalise(query);
  const score = (f) => {
    const n = normalise(f.properties.name || "");
    return n === q ? 0 : n.startsWith(q) ? 1 : n.includes(q) ? 2 : 3;
  };
  return features
    .map((f, i) => ({ f, i, s: score(f) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.f);
}

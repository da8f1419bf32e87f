// The page's language (the switch in the header, kept in localStorage,
// else the browser's) and its strings: English in messages-en.js, Welsh
// (cy) in messages-cy.js.
import { en } from "./messages-en.js";
import { cy } from "./messages-cy.js";

export const catalogues = { en, cy };

const STORE_KEY = "assetmap-lang";

/// The page's language: the one chosen, else the browser's if we have it.
export function language() {
  const chosen = globalThis.localStorage?.getItem(STORE_KEY);
  if (chosen && catalogues[chosen]) return chosen;
  return (globalThis.navigator?.language || "en").slice(0, 2) === "cy" ? "cy" : "en";
}

export function otherLanguage() {
  return language() === "cy" ? "en" : "cy";
}

/// Switches language: every string is drawn again, so the page reloads.
export function setLanguage(lang) {
  localStorage.setItem(STORE_KEY, lang);
  location.reload();
}

const messages = catalogues[language()];

const numbers = new Intl.NumberFormat(language() === "cy" ? "cy-GB" : "en-GB");

/// A whole number as the page's language writes it ("1,000,000"): counts
/// run to millions on a national map.
export function formatCount(n) {
  return numbers.format(n);
}

export function t(key, vars = {}) {
  const text = messages[key] ?? catalogues.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => {
    const v = vars[name];
    return Number.isInteger(v) ? formatCount(v) : String(v ?? "");
  });
}

// The gaps ranking as a table a person can sort: count, population, per
// 1,000 and coverage for every area; choosing an area brings it into view
// with its profile. Least provided first to begin with.
import { t } from "./messages.js";

const COLUMNS = ["name", "count", "population", "per_1000", "coverage"];
let sort = { key: "", ascending: true };

/// Draws the table into `table` for the rows (GeoJSON features of
/// /api/gaps.geojson); `choose(code)` is called for an area chosen.
export function renderGapsTable(table, features, measure, format, choose) {
  if (!COLUMNS.includes(sort.key)) sort = { key: measure === "nearest_m" ? "per_1000" : measure, ascending: true };
  const rows = [...features].sort((a, b) => compare(a.properties, b.properties));
  const head = document.createElement("thead");
  const tr = document.createElement("tr");
  for (const key of COLUMNS) {
    const th = document.createElement("th");
    th.scope = "col";
    if (sort.key === key) th.setAttribute("aria-sort", sort.ascending ? "ascending" : "descending");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = t(`gaps_col_${key}`);
    b.addEventListener("click", () => {
      sort = { key, ascending: sort.key === key ? !sort.ascending : true };
      renderGapsTable(table, features, measure, format, choose);
      table.querySelector(`th:nth-child(${COLUMNS.indexOf(key) + 1}) button`).focus();
    });
    th.append(b);
    tr.append(th);
  }
  head.append(tr);
  const body = document.createElement("tbody");
  body.id = "gaps-list";
  for (const f of rows) body.append(row(f.properties, format, choose));
  table.replaceChildren(head, body);
}

function compare(a, b) {
  const va = a[sort.key], vb = b[sort.key];
  // Unknown figures go last whichever way.
  if (va === null || va === undefined) return 1;
  if (vb === null || vb === undefined) return -1;
  const c = typeof va === "string" ? va.localeCompare(vb) : va - vb;
  return sort.ascending ? c : -c;
}

function row(p, format, choose) {
  const tr = document.createElement("tr");
  if (p.gap) tr.className = "gap";
  const th = document.createElement("th");
  th.scope = "row";
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.code = p.code;
  b.textContent = p.gap ? `${p.name} (${t("gap_word")})` : p.name;
  b.addEventListener("click", () => choose(p.code));
  th.append(b);
  tr.append(th);
  for (const key of COLUMNS.slice(1)) {
    const td = document.createElement("td");
    td.textContent = key === "population" ? (p.population?.toLocaleString("en-GB") ?? t("gaps_no_data")) : format(key, p[key]);
    tr.append(td);
  }
  return tr;
}

// Take the evidence away: download links for what the filters select.
import { $ } from "./core.js";
import { filterParams } from "./list.js";

export function updateExportLinks(bbox) {
  const p = filterParams({ withCapitals: true });
  p.set("bbox", bbox);
  $("export-geojson").href = `/api/export.geojson?${p}`;
  $("export-csv").href = `/api/export.csv?${p}`;
}

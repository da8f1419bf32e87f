// "Near here": the nearest assets to a postcode or a point on the map.
import { t } from "./messages.js";
import { map, $, getJSON } from "./core.js";
import { filterParams, listItem } from "./list.js";

let nearMarker = null;

export async function nearest(lon, lat, placeLabel) {
  const out = $("near-results");
  const params = filterParams({ withCapitals: true });
  params.set("lon", lon);
  params.set("lat", lat);
  params.set("k", "10");
  try {
    const body = await getJSON(`/api/assets/nearest?${params}`);
    const h = document.createElement("h3");
    h.textContent = t("near_results", { place: placeLabel });
    const ol = document.createElement("ol");
    ol.className = "list";
    ol.id = "near-list";
    body.features.forEach((f) => ol.append(listItem(f, f.properties.distance_m)));
    out.replaceChildren(h, body.features.length ? ol : Object.assign(document.createElement("p"), { textContent: t("near_none") }));
    if (nearMarker) nearMarker.remove();
    nearMarker = new maplibregl.Marker({ color: "#1b1b1b" }).setLngLat([lon, lat]).addTo(map);
  } catch (e) {
    out.textContent = t("load_error", { message: e.message });
  }
}

export async function nearPostcode(event) {
  event.preventDefault();
  const pc = $("postcode").value.trim();
  if (!pc) return;
  const out = $("near-results");
  try {
    const place = await getJSON(`/api/postcodes/${encodeURIComponent(pc)}`);
    map.flyTo({ center: [place.lon, place.lat], zoom: Math.max(map.getZoom(), 14) });
    await nearest(place.lon, place.lat, place.postcode);
  } catch {
    out.textContent = t("postcode_unknown", { pc });
  }
}

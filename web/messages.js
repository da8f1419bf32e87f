// Every string the page shows, in one place, in English and Welsh (cy);
// the page's language is chosen by the switch in the header (kept in
// localStorage), or the browser's language.
import { cy } from "./messages-cy.js";

export const catalogues = {
  en: {
    title: "What we have",
    subtitle: "Community strengths and assets",
    skip_to_list: "Skip to the list of what is in view",
    search_label: "Search assets",
    search_placeholder: "Search: food bank, GP, a ward, a postcode…",
    search_button: "Search",
    clear_search: "Clear",
    legend_heading: "Capitals",
    category_label: "Category",
    all_categories: "All categories",
    in_view: "{n} in view",
    in_view_partial: "Showing {shown} of {n} in view: zoom in to see all",
    list_heading: "What is in view",
    list_more: "Show {n} more (of {rest} more in view)",
    list_empty: "Nothing in view. Zoom out, or turn a capital back on.",
    near_heading: "Near here",
    near_label: "Postcode",
    near_placeholder: "e.g. M33 7XX",
    near_button: "Find nearest",
    near_hint: "Or click the map where you are.",
    near_results: "Nearest to {place}",
    near_within: "Within {d} in a straight line (straight-line distance, not the walking route).",
    straight_line_note: "Distances are straight-line distances, not walking routes.",
    straight_line: "straight-line distance",
    near_distance: "No further than",
    near_any_distance: "any distance",
    needs_legend: "What is needed (choose several)",
    needs_more: "More needs",
    near_keep: "Keep {name} for the referral",
    near_print: "Print the referral",
    near_link: "Link to this referral",
    near_point: "the point you chose",
    near_none: "Nothing found near there.",
    postcode_unknown: "We don't know the postcode {pc}.",
    areas_heading: "Areas",
    areas_label: "Show areas",
    areas_level: "Area level",
    areas_count: "{n} areas",
    level_ward: "ward",
    level_lsoa: "neighbourhood (LSOA)",
    level_msoa: "district (MSOA)",
    levels_ward: "wards",
    levels_lsoa: "neighbourhoods",
    levels_msoa: "districts",
    area_close: "Close the area",
    area_summary: "{n} assets in this {level}; {population} residents.",
    area_print: "Print this area",
    area_csv: "Download the list (CSV)",
    area_map_alt: "Map of {name}",
    area_empty: "Nothing recorded in this area yet.",
    area_unknown: "There is no area {code}.",
    csv_name: "Name",
    csv_capital: "Capital",
    csv_category: "Category",
    csv_address: "Address",
    csv_postcode: "Postcode",
    csv_opening_hours: "Opening hours",
    csv_phone: "Phone",
    csv_email: "Email",
    csv_website: "Website",
    csv_description: "About",
    whole_area: "Back to the whole area",
    whole_area_named: "Back to the whole of {place}",
    view_switch: "Show the map or the list",
    view_map: "Map",
    view_list: "List",
    panel_label: "Filters, lists and details",
    lang_switch: "Cymraeg",
    search_none: "No results for “{q}”.",
    search_try: "Try:",
    search_names: "{n} found for “{q}”, exact names first.",
    search_category: "Showing {label}: {n} in {place}.",
    search_corrected: "Nothing is called “{q}”; showing {label} instead.",
    search_postcode: "Showing what is near {pc}.",
    tag_referral: "How to get help",
    tag_type: "Type",
    tag_sport: "Sport",
    tag_ages: "Ages",
    tag_classification: "Kind",
    tag_ofsted_rating: "Ofsted rating",
    export_heading: "Take the evidence away",
    export_geojson: "Download GeoJSON",
    export_csv: "Download CSV",
    loading: "Loading…",
    load_error: "Could not load assets: {message}",
    details_close: "Close details",
    details_heading: "Details",
    field_category: "Category",
    field_description: "About",
    field_address: "Address",
    field_opening_hours: "Opening hours",
    field_accessibility: "Accessibility",
    field_website: "Website",
    field_email: "Email",
    field_phone: "Phone",
    field_source: "Source",
    field_verified: "Last verified",
    field_updated: "Last updated",
    never_verified: "Not yet verified",
    area_only_note: "Shown by area only, to protect a person's privacy.",
    distance_m: "{d} m",
    distance_km: "{d} km",
    capital_social: "Social",
    capital_human: "Human",
    capital_public: "Public",
    capital_physical: "Physical",
    capital_financial: "Financial",
    capital_social_hint: "groups, clubs, networks, faith groups",
    capital_human_hint: "people's skills, knowledge and time",
    capital_public_hint: "GPs, schools, libraries, council services",
    capital_physical_hint: "buildings, halls, green spaces, equipment",
    capital_financial_hint: "grants, funds, credit unions",
    map_label: "Map of community assets",
    gaps_heading: "Where are the gaps?",
    gaps_hint: "Shade the areas by what they have of the capitals and category chosen above.",
    gaps_measure: "Shade areas by",
    gaps_off: "Nothing (show outlines)",
    measure_count: "Number of assets inside",
    measure_per_1000: "Assets per 1,000 residents",
    measure_coverage: "Share of residents within the distance",
    measure_nearest_m: "Typical distance to the nearest (m)",
    gaps_distance: "Distance in a straight line (m)",
    method_per_1000: "Each area is shaded by how many assets are inside it for every 1,000 people who live there. Darker means better provided.",
    method_count: "Each area is shaded by how many assets are inside it. Darker means more.",
    method_coverage: "Each area is shaded by the share of its residents who live within {d} of one (straight-line distance, not the walking route). Darker means more of them.",
    method_nearest_m: "Each area is shaded by how far its residents typically live from the nearest one (straight-line distance). Darker means nearer.",
    gaps_no_data: "No figure",
    gaps_flag: "Gap: nothing inside and fewer than half the residents near one, or among the least provided fifth of areas",
    gap_word: "gap",
    gaps_csv: "Download gaps (CSV)",
    gaps_geojson: "Download gaps (GeoJSON)",
    profile_heading: "{name}: all five capitals per 1,000 residents",
    profile_median: "median of all {level}",
    profile_area: "this area",
    cluster_label: "{n} assets here ({mix}): zoom in",
  },
  cy,
};

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

export function t(key, vars = {}) {
  const text = messages[key] ?? catalogues.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

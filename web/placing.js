// Placing by tapping (or clicking) the map, as a mode with a way out: the
// form asks for it, the map is shown (on a phone, instead of the form)
// under a banner "Tap where it is" with Cancel, and the tap puts the pin
// down and brings the form back. Testers on phones never found their way
// back from the map to the form without it.
import { t } from "./messages.js";
import { $, setView } from "./core.js";

let onPlace = null;
let returnTo = null;

/// Whether this is a touch screen (for the words: "tap", not "click").
export function touch(event) {
  const type = event?.pointerType || (event?.type?.startsWith("touch") ? "touch" : "");
  return type ? type !== "mouse" : matchMedia("(pointer: coarse)").matches;
}

export const placing = () => onPlace !== null;

/// Shows the map and waits for a tap; `place(lngLat, event)` gets it.
export function startPlacing(place, opener) {
  onPlace = place;
  returnTo = opener;
  $("placing-text").textContent = t(touch() ? "placing_tap" : "placing_click");
  $("placing-banner").hidden = false;
  document.body.dataset.placing = "true";
  setView("map");
  $("placing-cancel").focus();
}

/// Ends the mode; with `back`, the form comes back (the list view on a
/// phone) and focus returns to the button that started it.
export function stopPlacing({ back = true } = {}) {
  if (!placing()) return false;
  onPlace = null;
  $("placing-banner").hidden = true;
  delete document.body.dataset.placing;
  if (back) {
    setView("list");
    if (returnTo?.isConnected) {
      returnTo.scrollIntoView({ block: "center" });
      returnTo.focus();
    }
  }
  returnTo = null;
  return true;
}

/// The map's click while placing: true if it was taken.
export function takeClick(e) {
  if (!placing()) return false;
  const place = onPlace;
  stopPlacing();
  place(e.lngLat, e.originalEvent);
  return true;
}

export function wirePlacing() {
  $("placing-cancel").textContent = t("placing_cancel");
  $("placing-cancel").addEventListener("click", () => stopPlacing());
  document.addEventListener("keydown", (e) => {
    // Registered before the workspace's own Escape, which would close the form.
    if (e.key === "Escape" && stopPlacing()) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  for (const type of ["work-closed", "work-replaced"]) document.addEventListener(type, () => stopPlacing({ back: false }));
}

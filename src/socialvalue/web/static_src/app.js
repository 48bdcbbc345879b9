// Starts GOV.UK Frontend's components; kept in a file so the content security policy needs no inline script.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Controls marked data-autosubmit submit their form on change (the organisation switcher).
for (const control of document.querySelectorAll("[data-autosubmit]")) {
  control.addEventListener("change", () => control.form.requestSubmit());
}

// Long choices become autocompletes; the library is loaded only on pages that have one.
async function enhanceLongChoices(root) {
  if (!root.querySelector("select")) return;
  const { enhanceChoices, needsEnhancing } = await import("./autocomplete.js");
  if (!needsEnhancing(root)) return;
  if (!window.accessibleAutocomplete) await import("./accessible-autocomplete.min.js");
  enhanceChoices(root);
}
enhanceLongChoices(document);
document.body.addEventListener("htmx:load", (event) => enhanceLongChoices(event.target));

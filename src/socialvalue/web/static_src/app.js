// Starts GOV.UK Frontend's components; kept in a file so the content security policy needs no inline script.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Controls marked data-autosubmit submit their form on change (the organisation switcher).
for (const control of document.querySelectorAll("[data-autosubmit]")) {
  control.addEventListener("change", () => control.form.requestSubmit());
}

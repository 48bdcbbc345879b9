// Builds the static assets from pinned npm packages into src/socialvalue/web/static_build/.
// GOV.UK Frontend is compiled from Sass so that it uses system fonts: the GDS Transport
// typeface is licensed for GOV.UK services only.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src/socialvalue/web/static_build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const css = sass.compile(join(root, "src/socialvalue/web/static_src/app.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
writeFileSync(join(out, "css/app.css"), css.css);

cpSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "js/govuk-frontend.min.js"));
cpSync(join(modules, "govuk-frontend/dist/govuk/assets/images"), join(out, "govuk/images"), { recursive: true });
cpSync(join(modules, "govuk-frontend/dist/govuk/assets/manifest.json"), join(out, "govuk/manifest.json"));
cpSync(join(modules, "htmx.org/dist/htmx.min.js"), join(out, "js/htmx.min.js"));
cpSync(join(root, "src/socialvalue/web/static_src/app.js"), join(out, "js/app.js"));
cpSync(join(root, "src/socialvalue/web/static_src/autocomplete.js"), join(out, "js/autocomplete.js"));
cpSync(
  join(modules, "accessible-autocomplete/dist/accessible-autocomplete.min.js"),
  join(out, "js/accessible-autocomplete.min.js"),
);
console.log(`assets built in ${out}`);

// Copies the front-end files the app serves from node_modules into app/static/vendor.
import { cpSync, mkdirSync } from "node:fs";

const files = {
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
  "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
};
mkdirSync("app/static/vendor", { recursive: true });
for (const [from, to] of Object.entries(files)) {
  cpSync(`node_modules/${from}`, `app/static/vendor/${to}`);
}
console.log("vendor assets copied to app/static/vendor");

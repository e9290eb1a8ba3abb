// Copies the pinned third-party files the PWA loads into frontend/vendor/, and Swagger UI
// and ReDoc (served at /docs and /redoc by app/api_docs/) into app/api_docs/static/vendor/,
// each folder with a VERSIONS file. Run by scripts/vendor-frontend.sh after `npm ci` here.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const vendorDir = join(here, "..", "frontend", "vendor");
// Not under frontend/: the service worker would put its 2.8 MB into every phone's cache.
const docsVendorDir = join(here, "..", "app", "api_docs", "static", "vendor");

// package name -> [file in the package, name in the vendor folder, optional change to its
// text]; a name ending .min.js from a source that does not is minified on the way (uPlot
// ships its ES module unminified: 145 kB, 42 kB compressed, most of the home screen's first
// load).
const FILES = {
  "tus-js-client": [
    ["dist/tus.min.js", "tus.min.js"],
    ["LICENSE", "tus-js-client.LICENSE.txt"],
  ],
  uplot: [
    ["dist/uPlot.esm.js", "uPlot.esm.min.js"],
    ["dist/uPlot.min.css", "uPlot.min.css"],
    ["LICENSE", "uplot.LICENSE.txt"],
  ],
};
const DOCS_FILES = {
  "swagger-ui-dist": [
    ["swagger-ui-bundle.js", "swagger-ui-bundle.js"],
    ["swagger-ui.css", "swagger-ui.css"],
    ["favicon-32x32.png", "favicon-32x32.png"],
    ["LICENSE", "swagger-ui.LICENSE.txt"],
    ["NOTICE", "swagger-ui.NOTICE.txt"],
    // The licences of what the bundle includes (React, Immutable, ...).
    ["swagger-ui-bundle.js.LICENSE.txt", "swagger-ui-bundle.js.LICENSE.txt"],
  ],
  redoc: [
    ["bundles/redoc.standalone.js", "redoc.standalone.js", withoutRemoteLogo],
    ["LICENSE", "redoc.LICENSE.txt"],
    // The licences of what the bundle includes (React, DOMPurify, Prism, ...), and of what
    // its search worker includes (lunr; that file's name carries a hash).
    ["bundles/redoc.standalone.js.LICENSE.txt", "redoc.standalone.js.LICENSE.txt"],
    [redocWorkerLicence(), "redoc.worker.js.LICENSE.txt"],
  ],
};

// ReDoc's menu shows Redocly's logo from cdn.redoc.ly, with no option to turn it off. Given
// no address, the image fails at once and ReDoc drops it: nothing is asked of the CDN and
// the page's policy sees no violation. Fails when the address moves, so a new version is
// looked at again.
function withoutRemoteLogo(code) {
  const logo = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';
  if (code.split(logo).length !== 2) throw new Error(`redoc: expected ${logo} once in the bundle`);
  return code.replace(logo, '""');
}

function redocWorkerLicence() {
  const bundles = readdirSync(join(here, "node_modules", "redoc", "bundles"));
  const licence = bundles.find((name) => name.endsWith(".worker.js.LICENSE.txt"));
  if (!licence) throw new Error("redoc: no licence file for the search worker in bundles/");
  return `bundles/${licence}`;
}

function packageJson(name) {
  return JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
}

function vendor(dir, packages) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lines = ["# Third-party code in this folder, copied from npm by scripts/vendor-frontend.sh."];
  lines.push("# name version licence");
  for (const [name, files] of Object.entries(packages)) {
    const meta = packageJson(name);
    for (const [source, target, patch] of files) {
      const from = join(here, "node_modules", name, source);
      if (patch) {
        writeFileSync(join(dir, target), patch(readFileSync(from, "utf8")));
      } else if (target.endsWith(".min.js") && !source.endsWith(".min.js")) {
        const code = readFileSync(from, "utf8");
        // The copyright header is a plain comment, which minifying would drop: keep it.
        const banner = code.match(/^\/\*[\s\S]*?\*\//)?.[0] ?? "";
        const minified = transformSync(code, { minify: true, format: "esm", banner });
        writeFileSync(join(dir, target), minified.code);
      } else {
        copyFileSync(from, join(dir, target));
      }
    }
    lines.push(`${name} ${meta.version} ${meta.license}`);
  }
  writeFileSync(join(dir, "VERSIONS"), lines.join("\n") + "\n");
  console.log(`vendored into ${relative(join(here, ".."), dir)}: ${readdirSync(dir).sort().join(", ")}`);
}

vendor(vendorDir, FILES);
vendor(docsVendorDir, DOCS_FILES);

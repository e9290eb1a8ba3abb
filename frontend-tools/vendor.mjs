// Copies the pinned third-party files the PWA loads into frontend/vendor/ and writes
// frontend/vendor/VERSIONS. Run by scripts/vendor-frontend.sh after `npm ci` here.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendorDir = join(here, "..", "frontend", "vendor");

// package name -> [file in the package, name in frontend/vendor]
const FILES = {
  "tus-js-client": [
    ["dist/tus.min.js", "tus.min.js"],
    ["LICENSE", "tus-js-client.LICENSE.txt"],
  ],
  uplot: [
    ["dist/uPlot.esm.js", "uPlot.esm.js"],
    ["dist/uPlot.min.css", "uPlot.min.css"],
    ["LICENSE", "uplot.LICENSE.txt"],
  ],
};

function packageJson(name) {
  return JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
}

rmSync(vendorDir, { recursive: true, force: true });
mkdirSync(vendorDir, { recursive: true });
const lines = ["# Third-party code in this folder, copied from npm by scripts/vendor-frontend.sh."];
lines.push("# name version licence");
for (const [name, files] of Object.entries(FILES)) {
  const meta = packageJson(name);
  for (const [source, target] of files) {
    copyFileSync(join(here, "node_modules", name, source), join(vendorDir, target));
  }
  lines.push(`${name} ${meta.version} ${meta.license}`);
}
writeFileSync(join(vendorDir, "VERSIONS"), lines.join("\n") + "\n");
console.log(`vendored into frontend/vendor: ${readdirSync(vendorDir).sort().join(", ")}`);

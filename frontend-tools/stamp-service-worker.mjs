// Writes the service worker's shell list and version: every file of frontend/ that the
// app may load, and a hash of their contents, so a changed file means a new cache and an
// update for installed apps. `--check` only reports whether sw.js is up to date.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = join(dirname(fileURLToPath(import.meta.url)), "..", "frontend");
const swPath = join(frontend, "sw.js");
// Not part of the shell: the worker itself, and files the app never loads.
const EXCLUDED = new Set(["sw.js", "vendor/VERSIONS"]);
const EXCLUDED_SUFFIXES = [".LICENSE.txt", ".map"];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function shellFiles() {
  return walk(frontend)
    .map((path) => relative(frontend, path).split(sep).join("/"))
    .filter((name) => !EXCLUDED.has(name) && !EXCLUDED_SUFFIXES.some((s) => name.endsWith(s)))
    .sort();
}

function stampedBlock() {
  const files = shellFiles();
  const hash = createHash("sha256");
  for (const name of files) {
    hash.update(name + "\0");
    hash.update(readFileSync(join(frontend, name)));
  }
  const version = hash.digest("hex").slice(0, 16);
  const list = files.map((name) => `  "/${name}",`).join("\n");
  return [
    "// shell:start (written by frontend-tools/stamp-service-worker.mjs; do not edit by hand)",
    `const VERSION = "${version}";`,
    `const SHELL = [\n${list}\n];`,
    "// shell:end",
  ].join("\n");
}

const BLOCK = /\/\/ shell:start[\s\S]*?\/\/ shell:end/;
const source = readFileSync(swPath, "utf8");
if (!BLOCK.test(source)) {
  console.error("frontend/sw.js has no // shell:start ... // shell:end block");
  process.exit(2);
}
const stamped = source.replace(BLOCK, stampedBlock());
if (process.argv.includes("--check")) {
  if (stamped !== source) {
    console.error(
      "frontend/sw.js is out of date with the files it caches: run " +
        "`node frontend-tools/stamp-service-worker.mjs` and commit the result.",
    );
    process.exit(1);
  }
  console.log("frontend/sw.js is up to date");
} else {
  writeFileSync(swPath, stamped);
  console.log(`frontend/sw.js stamped: ${stamped.match(/VERSION = "(\w+)"/)[1]}`);
}

// Prints the licence of every npm package that `npm ci` installed here, so the
// GraphiQL bundles ship with the notices of whatever code they may contain.
//
// Usage: node third-party-licenses.mjs > TARGET/THIRD_PARTY_LICENSES.txt
// Reads package-lock.json and node_modules/ beside this file. The output is
// sorted and carries no dates or paths, so the same lock gives the same bytes
// (install-assets hashes it with the bundles).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

const entries = [];
for (const [path, info] of Object.entries(lock.packages)) {
  if (path === "") continue; // the lock's own root
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const directory = join(here, path);
  if (!existsSync(directory)) {
    throw new Error(`${path} is in the lock but not installed: run npm ci first`);
  }
  const files = readdirSync(directory).filter((f) => LICENCE_FILE.test(f)).sort();
  const texts = files.map((f) => readFileSync(join(directory, f), "utf8").trim());
  entries.push({ name, version: info.version, license: info.license ?? "UNKNOWN", texts });
}
// Code-unit order, not localeCompare: the same bytes whatever the machine's locale.
const key = (e) => `${e.name}@${e.version}`;
entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const out = [
  "Third-party software in this directory",
  "",
  "The files here (react, react-dom, graphiql and the GraphiQL explorer plugin)",
  "are the published browser bundles of the npm packages below, installed from",
  "graphiql/package-lock.json by graphiql/install-assets. The bundles contain",
  "code of some of these packages; every installed package is listed, with its",
  "declared licence and the licence text it ships.",
  "",
];
for (const { name, version, license, texts } of entries) {
  out.push("=".repeat(78), `${name}@${version} (${license})`, "=".repeat(78), "");
  if (texts.length === 0) {
    out.push(`The package ships no licence file; its package.json declares ${license}.`, "");
  }
  for (const text of texts) out.push(text, "");
}
process.stdout.write(out.join("\n"));

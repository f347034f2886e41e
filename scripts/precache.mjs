#!/usr/bin/env node
// Writes the service worker's precache list and version into sw.js, and the bundled scenario
// ids into boot.js (which preloads a play route's scenario), after a Trunk build (a
// post_build hook in Trunk.toml; Trunk passes the build folder as TRUNK_STAGING_DIR, or give
// it as the first argument). The version is a hash of every built file's name and contents,
// so any change to the build gives the service worker a new cache and the browser replaces
// the old one; an unchanged build keeps the same sw.js, so nothing is downloaded again.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error("usage: precache.mjs DIST_DIR (or set TRUNK_STAGING_DIR)");
  process.exit(2);
}
const SW = "sw.js";
const LINE = /^const MANIFEST = .*;$/m;

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const path = join(d, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// The embedded module (embedded/) is left out: the service worker is never registered when a
// learning platform or a host page launched the page, which is the only time it runs. So are
// a live room's participant pages (room.html, room/): a room needs its server, so an offline
// copy could never join one, and every player of the library would download the phone module
// for nothing.
const files = walk(dir)
  .map((path) => relative(dir, path).split(sep).join("/"))
  .filter((name) => name !== SW && !name.startsWith("embedded/") && !name.startsWith("room/") && name !== "room.html")
  .sort();

// boot.js preloads the scenario of a play route if it is one of these.
const BOOT = join(dir, "boot.js");
const BUNDLED = /^const BUNDLED = .*;$/m;
const boot = readFileSync(BOOT, "utf8");
if (!BUNDLED.test(boot)) {
  console.error(`${BOOT}: no "const BUNDLED = ...;" line to replace`);
  process.exit(1);
}
const ids = files.map((f) => /^scenarios\/([a-z0-9-]+)\.flc$/.exec(f)?.[1]).filter(Boolean);
writeFileSync(BOOT, boot.replace(BUNDLED, `const BUNDLED = ${JSON.stringify(ids)};`));

const hash = createHash("sha256");
for (const name of files) {
  hash.update(name).update("\0").update(createHash("sha256").update(readFileSync(join(dir, name))).digest()).update("\0");
}
const version = hash.digest("hex").slice(0, 16);

const swPath = join(dir, SW);
const source = readFileSync(swPath, "utf8");
if (!LINE.test(source)) {
  console.error(`${swPath}: no "const MANIFEST = ...;" line to replace`);
  process.exit(1);
}
writeFileSync(swPath, source.replace(LINE, `const MANIFEST = ${JSON.stringify({ version, files })};`));
console.log(`precache: ${files.length} files, version ${version}`);

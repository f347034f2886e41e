#!/usr/bin/env node
// Bundle-size report and budget for the built app in ../../dist (or the folder given as the
// first argument). Prints raw, gzip (level 9) and brotli (quality 11) sizes of every .wasm,
// .js and .css file and index.html, then every compiled scenario (scenarios/*.flc), then the
// first-play transfer: what a first visit downloads to play the largest scenario (index.html,
// boot.js, the wasm-bindgen .js, the .wasm, the .css, the favicon and the largest .flc), in
// brotli. Exits 1 if that total is over the budget of 250 KiB (250 * 1024 bytes), 2 if a file
// of the first play is missing. With --json it prints one JSON object instead of the tables
// (budget.spec.js uses it to check that the first-play list matches what the browser fetches).
// Files a first play never downloads are reported apart: the scenario loader that checks an
// opened file (its worker script and wasm, fetched only on #/open) and the service worker
// (sw.js, registered after the page has loaded; its precache then fetches the whole build in
// the background, for offline use), the what-if worker's script and wasm, fetched when the
// first debrief is shown, the idea cards (ideas.txt), fetched when a card is first opened, and
// the embedded module (embedded/), which an LMS or host-page launch runs instead of the
// first-play module. A live room's participant pages (room.html and room/, the phone module) are
// a first load of their own, "a participant's first load (room.html)": room.html, its boot module,
// wasm-bindgen .js, .wasm and two stylesheets, the favicon and the largest scenario, held to the
// same 250 KiB brotli budget (exit 1 above it; exit 2 if room.html is there but a file of its
// load is missing).
// Usage: node bundle-report.mjs [--json] [DIST_DIR] (default: $FRONTLINE_DIST, else dist/)
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const here = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const dist = resolve(args.find((a) => !a.startsWith("--")) ?? process.env.FRONTLINE_DIST ?? join(here, "..", "..", "dist"));
const BUDGET = 250 * 1024;

if (!existsSync(join(dist, "index.html"))) {
  console.error(`No build in ${dist}: run \`trunk build --release\` first.`);
  process.exit(2);
}

// Brotli at quality 11 is slow; each file is measured once even when listed twice.
const measured = new Map();
function sizes(file) {
  if (!measured.has(file)) measured.set(file, measure(file));
  return measured.get(file);
}

function measure(file) {
  const raw = readFileSync(file);
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }).length,
  };
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const cell = (n) => `${n.toLocaleString("en-US")} B (${kb(n)})`.padStart(22);
const say = json ? () => {} : (line = "") => console.log(line);

function table(title, rows) {
  const width = Math.max(title.length, ...rows.map((r) => r.name.length));
  say(`${title.padEnd(width)}  ${"raw".padStart(22)}  ${"gzip -9".padStart(22)}  ${"brotli q11".padStart(22)}`);
  say(`${"-".repeat(width)}  ${"-".repeat(22)}  ${"-".repeat(22)}  ${"-".repeat(22)}`);
  for (const r of rows) {
    say(`${r.name.padEnd(width)}  ${cell(r.raw)}  ${cell(r.gzip)}  ${cell(r.brotli)}`);
  }
  say();
}

const files = walk(dist).map((path) => ({ path, name: relative(dist, path) }));
const assets = files
  .filter((f) => /\.(wasm|js|css)$/.test(f.name) || f.name === "index.html")
  .map((f) => ({ ...f, ...sizes(f.path) }))
  .sort((a, b) => b.raw - a.raw);
const scenarios = files
  .filter((f) => /^scenarios[\\/].+\.flc$/.test(f.name))
  .map((f) => ({ ...f, ...sizes(f.path) }))
  .sort((a, b) => b.raw - a.raw);

say(`Bundle report for ${dist}\n`);
table("asset", assets);
table("scenario", scenarios);

// Downloaded only when a scenario file is opened (#/open), or by the service worker.
const ON_DEMAND = /^(frontline-loader(_bg\.wasm|\.js)|open-worker\.js)$/;
// Downloaded when the first debrief is shown (its what-if search runs in a worker).
const AT_DEBRIEF = /^(frontline-what-ifs(_bg\.wasm|\.js)|what-if-worker\.js)$/;
const SERVICE_WORKER = "sw.js";
const eager = assets.filter(
  (a) =>
    !/[\\/]/.test(a.name) && !ON_DEMAND.test(a.name) && !AT_DEBRIEF.test(a.name) && a.name !== SERVICE_WORKER,
);

// What the first play of the largest scenario downloads. Only the bundle's root counts:
// workshop mode's module in workshop/ is loaded by workshop.html alone.
const largest = scenarios[0];
const firstPlayNames = [
  "index.html",
  "boot.js",
  ...eager.filter((a) => /\.js$/.test(a.name) && a.name !== "boot.js").map((a) => a.name),
  ...eager.filter((a) => /\.wasm$/.test(a.name)).map((a) => a.name),
  ...eager.filter((a) => /\.css$/.test(a.name)).map((a) => a.name),
  ...files.filter((f) => /^favicon\./.test(f.name)).map((f) => f.name),
  ...(largest ? [largest.name] : []),
];
const missing = ["index.html", "boot.js", "favicon.svg"].filter((n) => !files.some((f) => f.name === n));
if (!assets.some((a) => a.name.endsWith(".wasm"))) missing.push("*.wasm");
if (!largest) missing.push("scenarios/*.flc");
if (missing.length) {
  console.error(`Missing from the build: ${missing.join(", ")}`);
  process.exit(2);
}
const firstPlay = [...new Set(firstPlayNames)].map((name) => ({ name, ...sizes(join(dist, name)) }));
table("first play (largest scenario)", firstPlay);
const total = firstPlay.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), {
  raw: 0,
  gzip: 0,
  brotli: 0,
});
say(
  `first-play transfer: ${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.brotli)} brotli (${total.brotli} bytes)`,
);
const sum = (rows) => rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const onDemand = assets.filter((a) => ON_DEMAND.test(a.name));
const loader = sum(onDemand);
if (onDemand.length) {
  say(
    `opening a scenario file (loaded on demand, not in the first play): ${onDemand.map((a) => a.name).join(", ")}: ${kb(loader.raw)} raw, ${kb(loader.brotli)} brotli`,
  );
}
const atDebrief = assets.filter((a) => AT_DEBRIEF.test(a.name));
const whatIfs = sum(atDebrief);
if (atDebrief.length) {
  say(
    `the what-if worker (loaded with the first debrief, not in the first play): ${atDebrief.map((a) => a.name).join(", ")}: ${kb(whatIfs.raw)} raw, ${kb(whatIfs.brotli)} brotli`,
  );
}
// The leadership ideas' cards, fetched when a learner first opens one (src/platform/ideas.rs).
const cardsFile = files.find((f) => f.name === "ideas.txt");
const ideaCards = cardsFile ? sizes(cardsFile.path) : null;
if (ideaCards) {
  say(`the idea cards (loaded when a card is first opened, not in the first play): ideas.txt: ${kb(ideaCards.raw)} raw, ${kb(ideaCards.brotli)} brotli`);
}
// A launch by a learning platform or a host page runs the embedded module instead of the
// first-play one (boot.js), with the same page, stylesheet and scenario.
const embeddedModule = assets.filter((a) => /^embedded[\\/]frontline-embedded(_bg\.wasm|\.js)$/.test(a.name));
const embedded = sum([
  ...embeddedModule,
  ...firstPlay.filter((r) => !/^frontline-web(_bg\.wasm|\.js)$/.test(r.name)),
]);
if (embeddedModule.length) {
  say(
    `an LMS or host-page launch (the embedded module instead of the first-play one): ${kb(embedded.raw)} raw, ${kb(embedded.brotli)} brotli`,
  );
}
// A participant joining a live room from a phone: room.html and the room module, then the
// room's scenario once the room has welcomed the phone (the largest, to be safe).
const ROOM_FILES = ["room.html", "room/boot.js", "room/frontline-room.js", "room/frontline-room_bg.wasm", "room/main.css", "room/room.css", "favicon.svg"];
let room = null;
if (files.some((f) => f.name === "room.html")) {
  const roomMissing = ROOM_FILES.filter((n) => !existsSync(join(dist, n)));
  if (roomMissing.length) {
    console.error(`Missing from the build (a participant's first load): ${roomMissing.join(", ")}`);
    process.exit(2);
  }
  const roomLoad = [...ROOM_FILES, largest.name].map((name) => ({ name, ...sizes(join(dist, name)) }));
  table("a participant's first load (room.html)", roomLoad);
  room = sum(roomLoad);
  say(`a participant's first load (room.html): ${kb(room.raw)} raw, ${kb(room.gzip)} gzip, ${kb(room.brotli)} brotli (${room.brotli} bytes)`);
}
// scripts/precache.mjs lists every file but sw.js, the embedded module and a live room's
// participant pages.
const precached = files.filter(
  (f) => f.name !== SERVICE_WORKER && !/^(embedded|room)[\\/]/.test(f.name) && f.name !== "room.html",
);
const precache = sum(precached.map((f) => sizes(f.path)));
if (files.some((f) => f.name === SERVICE_WORKER)) {
  say(`offline precache (the service worker fetches it in the background after the first visit): ${precached.length} files, ${kb(precache.raw)} raw, ${kb(precache.brotli)} brotli`);
}
const roomOk = room === null || room.brotli <= BUDGET;
const firstOk = total.brotli <= BUDGET;
const ok = firstOk && roomOk;
if (json) {
  console.log(
    JSON.stringify({ dist, assets, scenarios, firstPlay, total, loader, whatIfs, ideaCards, embedded, room, precache, budget: BUDGET, ok }, (k, v) => (k === "path" ? undefined : v)),
  );
}
if (room) {
  say(
    `budget: a participant's first load brotli ${room.brotli} bytes (${kb(room.brotli)}) ${roomOk ? "<=" : ">"} ${BUDGET} bytes (250 KiB): ${
      roomOk ? "OK" : "OVER BUDGET"
    }, ${roomOk ? `${kb(BUDGET - room.brotli)} to spare` : `${kb(room.brotli - BUDGET)} over`}`,
  );
}
say(
  `budget: first-play brotli ${total.brotli} bytes (${kb(total.brotli)}) ${firstOk ? "<=" : ">"} ${BUDGET} bytes (250 KiB): ${
    firstOk ? "OK" : "OVER BUDGET"
  }, ${firstOk ? `${kb(BUDGET - total.brotli)} to spare` : `${kb(total.brotli - BUDGET)} over`}`,
);
process.exit(ok ? 0 : 1);

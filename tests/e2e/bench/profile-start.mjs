#!/usr/bin/env node
// Where a cold start's main-thread time goes, by function: V8's CPU profiler over cold starts
// of #/play/stretch-target (cache disabled, as speed.mjs starts them), up to the first scene
// text, averaged per start. Prints each function's inclusive time (its own and its callees'),
// the heaviest first, or only the functions whose names contain a pattern. Profiles count
// work rather than waiting, but one function's figure still moves by a millisecond or two
// between runs of the same build here: compare builds over repeated runs.
//
// Wasm function names need a build that keeps them: in a copy of the repository, set
// data-wasm-opt="0" on index.html's `rel="rust"` link for frontline-web, then
// `trunk build --release --dist DIR` (wasm-opt drops the name section; without it the
// functions show as wasm-function[N]).
// Usage: node tests/e2e/bench/profile-start.mjs [DIST] [pattern,pattern...]
// (DIST default dist/; env BENCH_RUNS starts, default 8; BENCH_RATE CPU throttling, default 1;
// BENCH_PORT, default 8198; BENCH_TOP functions listed without patterns, default 40).
import { join } from "node:path";
import { ROOT, coldPage, launch, serve } from "./lib.mjs";

const DIST = process.argv[2] ?? join(ROOT, "dist");
const PATTERNS = (process.argv[3] ?? "").split(",").filter(Boolean);
const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const RATE = Number(process.env.BENCH_RATE ?? 1);
const PORT = Number(process.env.BENCH_PORT ?? 8198);
const TOP = Number(process.env.BENCH_TOP ?? 40);

/** Adds each sample's time to every distinct function on its stack, per start. */
function addInclusive(profile, totals) {
  const node = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  profile.samples.forEach((id, k) => {
    const ms = (profile.timeDeltas[k + 1] ?? 0) / 1000 / RUNS;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      // Rust symbols end in a hash that changes with every build.
      const name = node.get(at).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, "") || "(anonymous)";
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + ms);
    }
  });
}

const server = await serve(DIST, PORT);
const browser = await launch();
const totals = new Map();
try {
  for (let run = 0; run < RUNS; run++) {
    const { context, page, cdp, shown } = await coldPage(browser, ".scene-text p", RATE);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    await page.goto(`http://127.0.0.1:${PORT}/#/play/stretch-target`, { waitUntil: "commit" });
    await shown;
    const { profile } = await cdp.send("Profiler.stop");
    await context.close();
    addInclusive(profile, totals);
  }
} finally {
  await browser.close();
  server.kill();
}

const rows = [...totals.entries()]
  .filter(([name]) => !["(root)", "(idle)", "(program)"].includes(name))
  .filter(([name]) => PATTERNS.length === 0 || PATTERNS.some((p) => name.includes(p)))
  .sort((a, b) => b[1] - a[1])
  .slice(0, PATTERNS.length ? undefined : TOP);
console.log(`Inclusive main-thread time per cold start (CPU ${RATE}x, mean of ${RUNS} starts, ms):`);
for (const [name, ms] of rows) console.log(`  ${ms.toFixed(2).padStart(7)}  ${name.slice(0, 140)}`);

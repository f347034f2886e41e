#!/usr/bin/env node
// A/B of cold starts: two builds of the app, started alternately (A, B, B, A, ...) in one
// browser so that whatever else the machine does falls on both alike, timed as speed.mjs
// times them (navigation start to the frame after the first scene text). Prints each
// build's median and quartiles and the median of the paired differences (B minus A).
// Usage: node tests/e2e/bench/ab-start.mjs DIST_A DIST_B [rate] [pairs]
// (CPU throttling rate, default 1; pairs, default 20; env BENCH_PORT first of two ports,
// default 8196; BENCH_PATH the route, default "#/play/stretch-target").
import { coldNavigation, launch, median, ms, percentile, serve } from "./lib.mjs";

const [A, B] = process.argv.slice(2, 4);
if (!A || !B) {
  console.error("usage: ab-start.mjs DIST_A DIST_B [rate] [pairs]");
  process.exit(2);
}
const RATE = Number(process.argv[4] ?? 1);
const PAIRS = Number(process.argv[5] ?? 20);
const PORT = Number(process.env.BENCH_PORT ?? 8196);
const PATH = process.env.BENCH_PATH ?? "#/play/stretch-target";

const servers = [await serve(A, PORT), await serve(B, PORT + 1)];
const browser = await launch();
try {
  const url = (i) => `http://127.0.0.1:${PORT + i}/${PATH}`;
  // One warm-up start of each, not counted.
  for (const i of [0, 1]) await coldNavigation(browser, url(i), ".scene-text p", RATE);
  const times = [[], []];
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const i of pair % 2 ? [1, 0] : [0, 1]) {
      times[i].push(await coldNavigation(browser, url(i), ".scene-text p", RATE));
    }
  }
  const describe = (t) => `median ${ms(median(t))} (quartiles ${ms(percentile(t, 25))}-${ms(percentile(t, 75))})`;
  console.log(`Cold start to the first scene text, CPU ${RATE}x, ${PAIRS} pairs`);
  console.log(`  A ${A}: ${describe(times[0])}`);
  console.log(`  B ${B}: ${describe(times[1])}`);
  const diffs = times[1].map((b, k) => b - times[0][k]);
  const faster = diffs.filter((d) => d < 0).length;
  console.log(`  B - A: median ${ms(median(diffs))}; B faster in ${faster} of ${PAIRS} pairs`);
} finally {
  await browser.close();
  for (const s of servers) s.kill();
}

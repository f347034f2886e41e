#!/usr/bin/env node
// Where a cold start's time goes: traces a cold navigation to #/play/stretch-target (cache
// disabled) and prints the resource timeline and the renderer main thread's top-level slices
// up to the first scene text, with times from navigation start.
// Usage: node tests/e2e/bench/trace-start.mjs [rate] [path] (CPU throttling rate, default 1;
// path, default "#/play/stretch-target"; env BENCH_PORT, default 8196; BENCH_DIST another build;
// BENCH_SELECTOR what counts as visible, default ".scene-text p"; BENCH_MIN_MS the shortest
// main-thread slice listed, default 1).
import { join } from "node:path";
import { ROOT, coldPage, launch, serve } from "./lib.mjs";

const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const PORT = Number(process.env.BENCH_PORT ?? 8196);
const RATE = Number(process.argv[2] ?? 1);
const PATH = process.argv[3] ?? "#/play/stretch-target";
const SELECTOR = process.env.BENCH_SELECTOR ?? ".scene-text p";
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 1);

const server = await serve(DIST, PORT);
const browser = await launch();
try {
  // A warm-up start, then the traced one.
  for (const traced of [false, true]) {
    // Reported on the console, not polled: polling would run Playwright's injected script
    // on the main thread inside the start-up being traced.
    const { context, page, shown } = await coldPage(browser, SELECTOR, RATE);
    if (traced) {
      await browser.startTracing(page, {
        categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing", "v8.wasm", "loading", "navigation"],
      });
    }
    await page.goto(`http://127.0.0.1:${PORT}/${PATH}`, { waitUntil: "commit" });
    const visible = (await shown).appeared;
    await page.waitForTimeout(200);
    if (!traced) {
      await context.close();
      continue;
    }
    const trace = JSON.parse((await browser.stopTracing()).toString());
    await context.close();
    const events = trace.traceEvents;
    const nav = events.find((e) => e.name === "navigationStart" && e.args?.data?.documentLoaderURL?.startsWith("http"))
      ?? events.find((e) => e.name === "navigationStart");
    const t0 = nav.ts;
    const at = (ts) => ((ts - t0) / 1000).toFixed(1).padStart(7);
    console.log(`scene text in the page at ${visible.toFixed(1)} ms (performance.now)\n`);
    console.log("resources (request sent, response, finished; ms from navigation start):");
    const req = new Map();
    for (const e of events) {
      const d = e.args?.data;
      if (!d?.requestId) continue;
      const r = req.get(d.requestId) ?? {};
      if (e.name === "ResourceSendRequest") Object.assign(r, { url: d.url, sent: e.ts });
      if (e.name === "ResourceReceiveResponse") r.response = e.ts;
      if (e.name === "ResourceFinish") r.finish = e.ts;
      req.set(d.requestId, r);
    }
    for (const r of [...req.values()].filter((r) => r.url).sort((a, b) => a.sent - b.sent)) {
      console.log(`  ${at(r.sent)} ${r.response ? at(r.response) : "      -"} ${r.finish ? at(r.finish) : "      -"}  ${r.url.replace(/^http:\/\/[^/]+/, "")}`);
    }
    const counts = new Map();
    for (const e of events) if (e.name === "ParseHTML" || e.name === "FunctionCall") counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const end = t0 + visible * 1000 + 50_000;
    console.log(`\nmain thread top-level slices over ${MIN_MS} ms (start, duration, name):`);
    let coveredUntil = 0;
    for (const e of events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && e.ts >= t0 && e.ts <= end).sort((a, b) => a.ts - b.ts)) {
      if (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") continue;
      if (e.ts < coveredUntil) continue;
      coveredUntil = e.ts + e.dur;
      if (e.dur < MIN_MS * 1000) continue;
      const detail = e.args?.data?.url ?? e.args?.data?.functionName ?? e.args?.data?.type ?? JSON.stringify(e.args ?? {}).slice(0, 120);
      console.log(`  ${at(e.ts)} ${(e.dur / 1000).toFixed(1).padStart(6)}  ${e.name} ${String(detail).replace(/^http:\/\/[^/]+/, "")}`);
    }
    console.log("\nslices over 0.5 ms inside script and HTML parsing on the main thread:");
    const mainSlices = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X" && e.ts >= t0 && e.ts <= end);
    for (const top of mainSlices.filter((e) => (e.name === "FunctionCall" || e.name === "EvaluateScript" || e.name === "TimerFire" || e.name === "ParseHTML") && e.dur > 1000)) {
      console.log(`  in ${top.name} at ${at(top.ts)}:`);
      for (const e of mainSlices.filter((e) => e !== top && e.ts >= top.ts && e.ts + e.dur <= top.ts + top.dur && e.dur > 500).sort((a, b) => a.ts - b.ts)) {
        const detail = e.args?.data?.url ?? e.args?.data?.type ?? "";
        console.log(`     ${at(e.ts)} ${(e.dur / 1000).toFixed(1).padStart(6)}  ${e.name} ${String(detail).replace(/^http:\/\/[^/]+/, "")}`);
      }
    }
    console.log("\nwasm compilation (any thread):");
    for (const e of events.filter((e) => /wasm/i.test(e.name) && e.ph === "X" && e.dur > 1000 && e.ts >= t0 && e.ts <= end).sort((a, b) => a.ts - b.ts).slice(0, 12)) {
      console.log(`  ${at(e.ts)} ${(e.dur / 1000).toFixed(1).padStart(6)}  ${e.name}`);
    }
  }
} finally {
  await browser.close();
  server.kill();
}

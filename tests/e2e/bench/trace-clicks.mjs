#!/usr/bin/env node
// Where a choice click's time goes: records a Chromium performance trace over a run of clicks
// on #/play/stretch-target (through "Play again" at each ending) and prints, per click, the main thread's time by kind (script,
// style, layout, paint, other), summed over the click's event dispatch up to the next frame.
// Usage: node tests/e2e/bench/trace-clicks.mjs [rate] (CPU throttling rate, default 1;
// env BENCH_PORT, default 8196; BENCH_DIST another build to trace instead of dist/).
import { join } from "node:path";
import { ROOT, launch, serve, settle } from "./lib.mjs";

const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const PORT = Number(process.env.BENCH_PORT ?? 8196);
const RATE = Number(process.argv[2] ?? 1);
const CLICKS = Number(process.env.BENCH_CLICKS ?? 30);

const server = await serve(DIST, PORT);
const browser = await launch();
try {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`http://127.0.0.1:${PORT}/#/play/stretch-target`);
  await page.locator("button.choice").first().waitFor();
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: RATE });
  await browser.startTracing(page, {
    categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"],
  });
  // What each click in the trace was, in order: "Play again" clicks are in it too.
  const labels = [];
  for (let i = 0; i < CLICKS; i++) {
    if (await page.locator(".ending").count()) {
      await page.getByRole("button", { name: "Play again" }).click();
      labels.push("play again");
      await page.locator("button.choice").first().waitFor();
    }
    const choice = page.locator("button.choice").first();
    await choice.scrollIntoViewIfNeeded();
    await settle(page, RATE);
    const box = await choice.boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height / 2, 20));
    await page.waitForTimeout(400);
    labels.push((await page.locator(".ending").count()) ? "choice, to the ending" : "choice");
  }
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const events = trace.traceEvents;
  // The renderer main thread: the one with the most EventDispatch events.
  const counts = new Map();
  for (const e of events) if (e.name === "EventDispatch") counts.set(`${e.pid}:${e.tid}`, (counts.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === "X").sort((a, b) => a.ts - b.ts);
  const clicks = mine.filter((e) => e.name === "EventDispatch" && e.args?.data?.type === "click");
  const kind = (name) =>
    ({ FunctionCall: "script", EvaluateScript: "script", RunMicrotasks: "script", TimerFire: "script", FireAnimationFrame: "script", EventDispatch: "script",
       UpdateLayoutTree: "style", RecalculateStyles: "style", Layout: "layout", PrePaint: "paint", Paint: "paint", Layerize: "paint", UpdateLayer: "paint", CompositeLayers: "paint", Commit: "paint" })[name];
  // Per click: from the click's dispatch to the end of the first compositor commit after it
  // (the frame that shows the new scene), the main thread's time by kind.
  const windows = [];
  for (const [i, c] of clicks.entries()) {
    const commit = mine.find((e) => e.name === "Commit" && e.ts > c.ts + c.dur);
    const end = commit ? commit.ts + commit.dur : c.ts + c.dur;
    windows.push([c.ts, end]);
    const totals = {};
    let coveredUntil = 0;
    for (const e of mine) {
      if (e.ts < c.ts || e.ts > end) continue;
      const k = kind(e.name);
      if (!k || e.ts < coveredUntil) continue;
      coveredUntil = e.ts + e.dur;
      totals[k] = (totals[k] ?? 0) + e.dur / 1000;
    }
    // Style and layout forced while script ran (nested inside the click's own slices).
    const forced = mine
      .filter((e) => (e.name === "Layout" || e.name === "UpdateLayoutTree") && e.ts >= c.ts && e.ts + e.dur <= c.ts + c.dur)
      .reduce((sum, e) => sum + e.dur / 1000, 0);
    totals["forced style+layout in the handler"] = forced;
    console.log(
      `click to first commit ${((end - c.ts) / 1000).toFixed(1).padStart(6)} ms: ` +
        Object.entries(totals).map(([k, v]) => `${k} ${v.toFixed(1)}`).join("  ") +
        `  (${labels[i] ?? "?"})`,
    );
  }
  // The heaviest named slices inside the clicks' windows.
  const byName = new Map();
  for (const [from, to] of windows) {
    for (const e of mine) {
      if (e.ts >= from && e.ts <= to) byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
    }
  }
  console.log("\nslices by name over all clicks (ms, nested slices counted in each):");
  for (const [n, v] of [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${n.padEnd(28)} ${v.toFixed(1)}`);
} finally {
  await browser.close();
  server.kill();
}

#!/usr/bin/env node
// What-if timing in the release build: how long the debrief's what-if search
// (frontline_engine::debrief::what_ifs) takes in the browser, per bundled scenario, for its
// analysis's best and worst paths, the longest of 500 random playthroughs and random
// playthroughs with seeds 1 to 8 (session codes from `cargo run -p frontline-cli --example
// sessions`). Each session's debrief is opened as a share link (#/shared/CODE) in one page, so
// the wasm is warm after the first; the app records the search as the performance measure
// "frontline:what-ifs" (src/platform/clock.rs, timed), read here. Figures only, no test.
// Where the search runs (the page's own thread or the what-if worker) is reported as the
// app reports it: "frontline:what-ifs" on the page, "frontline:what-ifs-worker" for the
// worker's round trip, cold (a new document, so the worker starts with the request) and warm
// (the same debrief again in that document, as after a playthrough, where the play page
// starts the worker after the first decision). A run on the main thread is the fallback.
//
// Usage: node tests/e2e/bench/what-ifs.mjs   (env: BENCH_RATES CPU throttling rates, default
// "1,4"; BENCH_REPEAT runs per session, default 3; BENCH_PORT, default 8198; BENCH_DIST a build
// other than dist/)
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, launch, median, ms, serve } from "./lib.mjs";

const DIST = process.env.BENCH_DIST ?? join(ROOT, "dist");
const PORT = Number(process.env.BENCH_PORT ?? 8198);
const RATES = (process.env.BENCH_RATES ?? "1,4").split(",").map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const MEASURES = ["frontline:what-ifs", "frontline:what-ifs-worker"];

const files = execFileSync("bash", ["-c", "ls scenarios/*.toml"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
const sessions = JSON.parse(
  execFileSync("cargo", ["run", "-q", "-p", "frontline-cli", "--example", "sessions", "--", ...files], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }),
);

const server = await serve(DIST, PORT);
const browser = await launch();
try {
  for (const rate of RATES) {
    const context = await browser.newContext({ serviceWorkers: "block" });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate });
    await page.goto(`http://127.0.0.1:${PORT}/#/`);
    await page.locator(".card").first().waitFor();
    console.log(`\nwhat-ifs at ${rate}x CPU (medians of ${REPEAT} runs):`);
    console.log("scenario           session      decisions   main thread  worker, cold worker, warm (round trips)");
    const all = [];
    const allWarm = [];
    for (const [id, s] of Object.entries(sessions)) {
      const kinds = [
        ["best", s.best],
        ["worst", s.worst],
        ["longest", s.longest],
        ...s.random.map((code, i) => [`random ${i + 1}`, { code }]),
      ].filter(([, v]) => v);
      for (const [kind, { code }] of kinds) {
        const runs = { main: [], cold: [], warm: [] };
        let decisions = 0;
        const read = () =>
          page.evaluate((names) => names.map((n) => performance.getEntriesByName(n).at(-1)?.duration), MEASURES);
        const whatIfsShown = async () => {
          await page.locator("ol.timeline > li").first().waitFor({ timeout: 60_000 });
          decisions = await page.locator("ol.timeline > li").count();
          await page.waitForFunction((n) => document.querySelectorAll(".what-if").length === n, decisions, {
            timeout: 60_000,
          });
        };
        for (let r = 0; r < REPEAT; r++) {
          // A new document each time, so the worker starts afresh (cold)...
          await page.goto(`http://127.0.0.1:${PORT}/?r=${r}#/shared/${code}`);
          await whatIfsShown();
          const [main, cold] = await read();
          if (main !== undefined) runs.main.push(main);
          if (cold !== undefined) runs.cold.push(cold);
          // ...then the same debrief again in that document, with the worker running (warm,
          // as after a playthrough, where the play page starts it after the first decision).
          await page.evaluate(() => performance.clearMeasures());
          await page.evaluate(() => (location.hash = "#/"));
          await page.locator(".card").first().waitFor();
          await page.evaluate((c) => (location.hash = `#/shared/${c}`), code);
          await whatIfsShown();
          const [main2, warm] = await read();
          if (main2 !== undefined) runs.main.push(main2);
          if (warm !== undefined) runs.warm.push(warm);
        }
        all.push(...runs.main);
        allWarm.push(...runs.warm);
        const cell = (v) => (v.length ? ms(median(v)) : "-").padEnd(12);
        console.log(
          `${id.padEnd(18)} ${kind.padEnd(12)} ${String(decisions).padStart(9)}   ${cell(runs.main)} ${cell(runs.cold)} ${cell(runs.warm)}`,
        );
      }
    }
    const summary = (what, values) => {
      if (!values.length) return;
      const sorted = [...values].sort((a, b) => a - b);
      console.log(
        `${what} at ${rate}x: ${values.length} runs, median ${ms(median(values))}, max ${ms(sorted.at(-1))}, ` +
          `${values.filter((v) => v > 16).length} over 16 ms`,
      );
    };
    summary("on the main thread", all);
    summary("worker round trips (warm)", allWarm);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}

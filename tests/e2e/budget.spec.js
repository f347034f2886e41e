// The bundle-size budget as part of the suite: bundle-report.mjs must exit 0 (first-play
// brotli <= 250 KiB), and its idea of "first play" must match reality: the files a fresh
// browser fetches from opening the app to the first scene of the largest scenario are exactly
// the ones the report counts (so a new request, e.g. a second script or a font, cannot slip
// past the budget uncounted). The wasm must be served as application/wasm.
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { HERE, openLibrary, startFromLibrary } from "./helpers.js";

function report() {
  // Throws (failing the test) if the script exits non-zero, i.e. over budget.
  const out = execFileSync(process.execPath, [join(HERE, "bundle-report.mjs"), "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}

test("first-play transfer is within the 250 KiB brotli budget", () => {
  const r = report();
  expect(r.ok).toBe(true);
  expect(r.total.brotli).toBeLessThanOrEqual(250 * 1024);
  expect(r.scenarios.length).toBe(10);
});

test("the report's first-play files are exactly what the browser fetches", async ({ page, baseURL }) => {
  const r = report();
  const largest = r.scenarios[0].name.replace(/^scenarios\//, "").replace(/\.flc$/, "");
  const fetched = new Map();
  page.on("response", (res) => {
    const url = new URL(res.url());
    if (url.origin === new URL(baseURL).origin) {
      fetched.set(url.pathname.replace(/^\//, "") || "index.html", res.headers()["content-type"]);
    }
  });
  await openLibrary(page);
  await startFromLibrary(page, largest);
  // The favicon is requested lazily; wait for it rather than race it.
  await expect.poll(() => fetched.has("favicon.svg"), { timeout: 10_000 }).toBe(true);

  expect([...fetched.keys()].sort()).toEqual(r.firstPlay.map((f) => f.name).sort());
  const wasm = r.firstPlay.find((f) => f.name.endsWith(".wasm")).name;
  expect(fetched.get(wasm)).toBe("application/wasm");
});

// Offline use through the service worker (assets/sw.js, versioned by scripts/precache.mjs):
// after one visit, with the network cut (context.setOffline), a reload still starts the app,
// a bundled scenario that was never played before still plays, and a scenario file can still
// be opened (the loader worker comes from the cache too). A new build gets a new cache that
// replaces the old one: the second test serves a copy of dist on its own port, changes a file
// and re-runs the precache script, and the browser must end up with only the new cache.
import { test, expect } from "@playwright/test";
import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, HERE, choose, openLibrary, startFromLibrary, waitForScene } from "./helpers.js";

test.use({ serviceWorkers: "allow" });

/** Waits until the service worker is active, controls the page and has finished precaching. */
async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

const version = (dir) => /const MANIFEST = (\{.*\});/.exec(readFileSync(join(dir, "sw.js"), "utf8"))[1];

test("after one visit the app, the bundled scenarios and opening a file work offline", async ({ page, context }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await openLibrary(page);
  await waitForServiceWorker(page);
  const manifest = JSON.parse(version(DIST));
  expect(await page.evaluate(() => caches.keys())).toEqual([`frontline-${manifest.version}`]);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator(".card")).toHaveCount(10);
  // A scenario that was never fetched while online.
  await startFromLibrary(page, "policy");
  await choose(page, "first");

  // The scenario loader (a worker and its wasm) was never used online either.
  await page.goto("./#/open");
  await page.getByLabel("Scenario file (.toml)").setInputFiles(join(HERE, "fixtures", "night-shift.toml"));
  await expect(page.getByRole("heading", { level: 2, name: "Ready to play" })).toBeVisible();
  await page.getByRole("link", { name: /^Play/ }).click();
  await waitForScene(page);

  // A scenario link cannot be fetched offline, and says why.
  await page.goto(`./?scenario=${encodeURIComponent("https://example.org/x.toml")}`);
  await expect(page.locator(".open-result .error")).toHaveText(
    "This browser is offline, so the scenario link cannot be downloaded. Connect to the internet and try again.",
  );
  expect(errors).toEqual([]);
});

test("a new build replaces the old cache", async ({ page }) => {
  // Its own port: E2E_PORT + 100 and + 101 are the LMS spec's (the two may run at once).
  const port = Number(process.env.E2E_PORT ?? 8091) + 110;
  const dir = mkdtempSync(join(tmpdir(), "frontline-dist-"));
  cpSync(DIST, dir, { recursive: true });
  const server = spawn(process.execPath, [join(HERE, "serve.mjs")], {
    env: { ...process.env, PORT: String(port), DIST_DIR: dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise((resolve) => server.stdout.once("data", resolve));
    const base = `http://127.0.0.1:${port}/`;
    await page.goto(`${base}#/`);
    await expect(page.locator(".card").first()).toBeVisible();
    await waitForServiceWorker(page);
    const before = JSON.parse(version(dir)).version;
    expect(await page.evaluate(() => caches.keys())).toEqual([`frontline-${before}`]);

    // "Release" a new build: a changed file and a re-run of the precache script.
    writeFileSync(join(dir, "app.css"), `${readFileSync(join(dir, "app.css"), "utf8")}\n/* release 2 */\n`);
    execFileSync(process.execPath, [join(HERE, "..", "..", "scripts", "precache.mjs"), dir]);
    const after = JSON.parse(version(dir)).version;
    expect(after).not.toBe(before);

    // The next visit finds the new sw.js; it installs, takes over and deletes the old cache.
    await page.reload();
    await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 20_000 }).toEqual([`frontline-${after}`]);
    const css = await page.evaluate(async () => (await (await caches.open((await caches.keys())[0])).match("app.css")).text());
    expect(css).toContain("/* release 2 */");
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

// What the benchmark scripts share: serving a build with ../serve.mjs and starting Chromium.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM } from "../chromium.mjs";

export const E2E = fileURLToPath(new URL("..", import.meta.url));
export const ROOT = join(E2E, "..", "..");

/** Serves `dir` on 127.0.0.1:`port`; resolves with the server process once it listens. */
export function serve(dir, port) {
  const child = spawn(process.execPath, [join(E2E, "serve.mjs")], {
    env: { ...process.env, PORT: String(port), DIST_DIR: dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", () => resolve(child));
  });
}

/** Debian's Chromium with the project's flags. */
export function launch() {
  return chromium.launch(CHROMIUM);
}

// In every page: note when `selector` first appears, then the frame after, and report both
// on the console. The harness waits for that console message rather than polling the page:
// polling would run Playwright's injected script (about 15 ms of main-thread work when it is
// first evaluated) inside the very interval being measured.
export const WATCH = ({ selector }) => {
  const done = () => {
    const appeared = performance.now();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        console.debug(`__bench ${JSON.stringify({ appeared, painted: performance.now() })}`);
      };
      channel.port2.postMessage(0);
    });
  };
  const observer = new MutationObserver(() => {
    if (document.querySelector(selector)) {
      observer.disconnect();
      done();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
};

/** The payload of the next console message that starts with `prefix`. */
export function nextMessage(page, prefix) {
  return page
    .waitForEvent("console", { predicate: (m) => m.text().startsWith(prefix), timeout: 60_000 })
    .then((m) => JSON.parse(m.text().slice(prefix.length)));
}

/**
 * A cold start (fresh context, HTTP cache cleared and disabled, service workers blocked) of
 * `url` at CPU throttling `rate`: ms from navigation start to the end of the frame after
 * `selector` first appears.
 */
export async function coldNavigation(browser, url, selector, rate) {
  const { context, page, shown } = await coldPage(browser, selector, rate);
  await page.goto(url, { waitUntil: "commit" });
  const { painted } = await shown;
  await context.close();
  return painted;
}

/**
 * A page for a cold start, not yet navigated: a fresh context (service workers blocked), the
 * HTTP cache cleared and disabled, CPU throttling `rate`, and `shown`, which resolves with
 * WATCH's times once `selector` is in the page and the frame after it is out.
 */
export async function coldPage(browser, selector, rate) {
  const context = await browser.newContext({ serviceWorkers: "block" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate });
  await page.addInitScript(WATCH, { selector });
  return { context, page, cdp, shown: nextMessage(page, "__bench ") };
}

/**
 * Waits until the page is at rest, as it is when a person has read a scene and chooses: no
 * animation or transition running (the meters' flash of a change lasts 1.8 s), then
 * `rate` x 150 ms more for the focus move, the debrief's later steps and the compositor to
 * stop asking for frames. While an animation runs, frames come at the display's rate, and a
 * click's frame waits for the next one whatever the page does (up to 16.7 ms).
 */
export async function settle(page, rate) {
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== "running"),
    null,
    { polling: 100, timeout: 10_000 },
  );
  await page.waitForTimeout(rate * 150);
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
export const median = (values) => percentile(values, 50);
export const ms = (v) => (v === undefined ? "n/a" : `${v.toFixed(1)} ms`);

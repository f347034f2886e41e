// Content-Security-Policy and console hygiene. The page ships a strict CSP meta tag (no inline
// script or style; scripts from 'self' plus 'wasm-unsafe-eval' for the WebAssembly). A full
// playthrough (library -> play -> ending -> play again), a reload and the not-found routes
// must cause zero `securitypolicyviolation` events, zero console errors or warnings about
// CSP, zero uncaught page errors and no failed or 4xx/5xx requests. A second test proves the
// probe works: an injected inline script is blocked and reported.
import { test, expect } from "@playwright/test";
import { card, choose, startFromLibrary, expectEnding, open, openLibrary, waitForScene, MAX_DECISIONS } from "./helpers.js";

const ID = "stretch-target";

/** Starts recording violations, console messages, page errors and bad responses. */
async function record(page) {
  const log = { violations: [], console: [], pageErrors: [], badRequests: [] };
  await page.exposeBinding("__frontlineCspViolation", (_source, v) => log.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) =>
        window.__frontlineCspViolation({
          directive: e.effectiveDirective || e.violatedDirective,
          blocked: e.blockedURI,
          source: `${e.sourceFile}:${e.lineNumber}`,
          sample: e.sample,
        }),
      true,
    );
  });
  page.on("console", (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on("pageerror", (e) => log.pageErrors.push(String(e)));
  page.on("requestfailed", (r) => log.badRequests.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) log.badRequests.push(`${r.url()} ${r.status()}`);
  });
  return log;
}

test("a full playthrough causes no CSP violation and no console error", async ({ page }) => {
  const log = await record(page);

  await openLibrary(page);
  // The policy really is the strict one.
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).not.toContain("unsafe-inline");

  await startFromLibrary(page, ID);
  const made = [];
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const { text, ended } = await choose(page, "first");
    made.push(text);
    if (i === 1) {
      // A reload mid-way boots the app again under the same policy.
      await page.reload();
      await waitForScene(page);
    }
    if (ended) break;
  }
  await expectEnding(page, ID, made);
  await page.getByRole("button", { name: "Play again" }).click();
  await waitForScene(page);
  await open(page, "/nope");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await open(page, "/play/nope");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scenario not found");
  await open(page, "/");
  await expect(page.locator(".card")).toHaveCount(10);
  // Give late reports a moment to arrive.
  await page.waitForTimeout(250);

  expect(log.violations, "securitypolicyviolation events").toEqual([]);
  expect(log.console.filter((m) => m.type === "error"), "console errors").toEqual([]);
  expect(
    log.console.filter((m) => /content security policy|refused to/i.test(m.text)),
    "console messages about CSP",
  ).toEqual([]);
  expect(log.pageErrors, "uncaught page errors").toEqual([]);
  expect(log.badRequests, "failed requests").toEqual([]);
  await expect(page.locator("#boot-error")).toBeHidden();
});

test("the CSP probe itself works: an injected inline script is blocked and reported", async ({ page }) => {
  const log = await record(page);
  await openLibrary(page);
  await page.evaluate(() => {
    window.__inlineRan = false;
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true;";
    document.body.append(s);
  });
  await expect.poll(() => log.violations.length).toBeGreaterThan(0);
  expect(log.violations[0].directive).toMatch(/^script-src/);
  expect(await page.evaluate(() => window.__inlineRan)).toBe(false);
  await expect
    .poll(() => log.console.filter((m) => m.type === "error" && /Content Security Policy/i.test(m.text)).length)
    .toBeGreaterThan(0);
});

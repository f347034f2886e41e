// Automated accessibility checks with axe-core (WCAG 2.0/2.1 A and AA rules) on every kind of
// screen: the library, a play screen after one decision (feedback panel, meter deltas), a
// play screen with the "could not be restored" notice, the ending, the not-found page (#/nope)
// and an unknown scenario (#/play/nope). Each runs in the light and the dark colour scheme and
// must have zero violations. Animations are allowed to finish first so colour contrast is
// measured on what the player finally sees.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { choose, open, openLibrary, playToEnding, saveKey, settle, waitForScene } from "./helpers.js";

const ID = "stretch-target";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

async function expectNoViolations(page, what) {
  await settle(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
  // Guard against a vacuous pass (e.g. axe running on an empty page).
  expect(results.passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
}

for (const scheme of ["light", "dark"]) {
  test.describe(`axe, ${scheme} scheme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
    });

    test("library", async ({ page }) => {
      await openLibrary(page);
      expect(await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches)).toBe(
        scheme === "dark",
      );
      await expectNoViolations(page, "the library");
    });

    test("play screen after one decision", async ({ page }) => {
      await open(page, `/play/${ID}`);
      await waitForScene(page);
      await choose(page, "first");
      await expect(page.locator("aside.feedback")).toBeVisible();
      await expectNoViolations(page, "the play screen");
    });

    test("play screen with the save notice", async ({ page }) => {
      await openLibrary(page);
      await page.evaluate((k) => localStorage.setItem(k, "garbage"), saveKey(ID));
      await page.goto("about:blank");
      await open(page, `/play/${ID}`);
      await waitForScene(page);
      await expect(page.locator(".notice")).toBeVisible();
      await expectNoViolations(page, "the play screen with a notice");
    });

    test("ending", async ({ page }) => {
      await open(page, `/play/${ID}`);
      await playToEnding(page, "first");
      await expect(page.locator(".ending .rating")).toBeVisible();
      await expectNoViolations(page, "the ending");
    });

    test("briefing", async ({ page }) => {
      await open(page, "/intro/escalation");
      await expect(page.getByRole("heading", { name: "The customers" })).toBeVisible();
      await expectNoViolations(page, "the briefing");
    });

    test("debrief with what-ifs and the figures tables open", async ({ page }) => {
      await open(page, `/play/${ID}`);
      await playToEnding(page, "first");
      await expect(page.locator(".what-if").first()).toBeVisible();
      for (const summary of await page.locator(".chart-figures summary").all()) await summary.click();
      await expectNoViolations(page, "the debrief");
    });

    test("shared debrief and a bad share link", async ({ page }) => {
      await open(page, `/play/${ID}`);
      await playToEnding(page, "first");
      const link = await page.locator("#share-link").inputValue();
      await page.goto("about:blank");
      await page.goto(link);
      await expect(page.locator(".what-if").first()).toBeVisible();
      await expectNoViolations(page, "a shared debrief");
      await open(page, "/shared/stretch-target.AAAA");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("This share link cannot be opened");
      await expectNoViolations(page, "a bad share link");
    });

    test("library filtered to nothing", async ({ page }) => {
      await openLibrary(page);
      await page.getByLabel("Search by title").fill("zzzz");
      await expect(page.locator(".card")).toHaveCount(0);
      await expectNoViolations(page, "the empty library");
    });

    test("not found (#/nope)", async ({ page }) => {
      await open(page, "/nope");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
      await expectNoViolations(page, "the not-found page");
    });

    test("unknown scenario (#/play/nope)", async ({ page }) => {
      await open(page, "/play/nope");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scenario not found");
      await expectNoViolations(page, "the unknown-scenario page");
    });
  });
}

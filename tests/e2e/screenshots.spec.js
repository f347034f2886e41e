// Screenshots for people to look at (artifacts, not assertions): the library, a play screen
// after two decisions with the history panel open, the briefing and the debrief, at a phone size (390x844) and a laptop size (1280x800),
// in light and dark, written as full-page PNGs to artifacts/NAME-WIDTHxHEIGHT[-dark].png.
// The only checks are that each screen rendered and that nothing scrolls sideways (content
// wider than the viewport is a layout defect a screenshot can hide).
import { test, expect } from "@playwright/test";
import { choose, open, openLibrary, playToEnding, snap, waitForScene } from "./helpers.js";

const ID = "stretch-target";
const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];

async function expectNoSideways(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "page is wider than the viewport").toBeLessThanOrEqual(0);
}

for (const size of SIZES) {
  for (const scheme of ["light", "dark"]) {
    const tag = `${size.width}x${size.height}${scheme === "dark" ? "-dark" : ""}`;
    test(`screenshots at ${tag}`, async ({ page }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });

      await openLibrary(page);
      await expect(page.locator(".card")).toHaveCount(10);
      await expectNoSideways(page);
      await snap(page, `library-${tag}`);

      await open(page, `/intro/${ID}`);
      await expect(page.getByRole("heading", { name: "What the meters mean" })).toBeVisible();
      await expectNoSideways(page);
      await snap(page, `intro-${tag}`);

      await open(page, `/play/${ID}`);
      await waitForScene(page);
      await choose(page, "first");
      await choose(page, "first");
      await page.locator("details.history summary").click();
      await expect(page.locator(".meter-delta").first()).toBeVisible();
      await expectNoSideways(page);
      // Scroll back to the top so the sticky meters are where a player first sees them.
      await page.evaluate(() => window.scrollTo(0, 0));
      await snap(page, `play-${tag}`);

      await playToEnding(page, "first");
      await expect(page.locator(".ending .score")).toBeVisible();
      await expect(page.locator(".what-if").first()).toBeVisible();
      await expectNoSideways(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await snap(page, `ending-${tag}`);
    });
  }
}

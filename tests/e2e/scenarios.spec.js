// Every bundled scenario can be played to an ending. The library must list exactly the
// scenarios compiled into dist/scenarios/*.flc (10 of them), and each one, played by always
// taking the LAST available choice (the path the other journeys do not take), must reach
// its ending route with a rating, a score and a decision list as long as the decisions made,
// within a bounded number of decisions. This catches broken compiled files (the app's
// "scenario file is unusable" error), scenes without choices and loops.
import { test, expect } from "@playwright/test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DIST, card, expectEnding, libraryIds, openLibrary, playToEnding, startFromLibrary } from "./helpers.js";

const BUNDLED = readdirSync(join(DIST, "scenarios"))
  .filter((f) => f.endsWith(".flc"))
  .map((f) => f.slice(0, -".flc".length))
  .sort();

test("the library lists every bundled scenario", async ({ page }) => {
  await openLibrary(page);
  const ids = await libraryIds(page);
  expect(ids.length).toBe(10);
  expect([...ids].sort()).toEqual(BUNDLED);
  for (const id of ids) {
    await expect(card(page, id).locator("h3")).not.toBeEmpty();
    await expect(card(page, id).getByRole("link")).toHaveText(/^Start\b/);
  }
});

for (const id of BUNDLED) {
  test(`${id}: always taking the last choice reaches an ending`, async ({ page }) => {
    await openLibrary(page);
    await startFromLibrary(page, id);
    await expect(page.locator("main .error")).toHaveCount(0);
    const made = await playToEnding(page, "last");
    await expectEnding(page, id, made);
    await expect(page.locator("main .error")).toHaveCount(0);
  });
}

// Hostile scenario files on the open page (issue 14): emphasis nested thousands deep is
// rejected at load with a positioned error, and at the limit it plays, rendered as nested
// emphasis without crashing the page; two files chosen in quick succession each show their
// own result (a reply is never taken for another file's); a file with tens of thousands of
// problems lists the first few hundred with a count of the rest, without freezing the page.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, openLibrary, waitForScene } from "./helpers.js";

const GOOD_TEXT = readFileSync(join(HERE, "fixtures", "night-shift.toml"), "utf8");
const TITLE = 'Night shift <img src=x onerror="window.__pwned=1">';
const FIRST_TEXT = "The status page is down and the queue is *filling*.";

/** Emphasis nested `n` deep: `*a _a *a ... word ... a* a_ a*`. */
function nested(n, word) {
  const mark = (i) => (i % 2 === 0 ? "*" : "_");
  let open = "";
  let close = "";
  for (let i = 0; i < n; i++) {
    open += `${mark(i)}a `;
    close = ` a${mark(i)}` + close;
  }
  return open + word + close;
}

/** The night-shift fixture with its first scene's text replaced. */
function withFirstText(text) {
  if (!GOOD_TEXT.includes(FIRST_TEXT)) throw new Error("the fixture changed");
  return GOOD_TEXT.replace(FIRST_TEXT, text);
}

/** The fixture followed by `n` scenes with a bad id and neither choices nor an ending: two
 * errors each. */
function manyMistakes(n) {
  let out = GOOD_TEXT;
  for (let i = 0; i < n; i++) out += `\n[[scenes]]\nid = "bad id ${i}"\ntext = "t"\n`;
  return out;
}

/** A file to choose. The fixture's scenario id is renamed after the file, so the checker's
 * warning for a file name that differs from the id stays out of these results. */
function file(name, text) {
  const id = name.replace(/\.toml$/, "");
  const renamed = text.replace(/^id = "night-shift"$/m, `id = "${id}"`);
  return { name, mimeType: "application/toml", buffer: Buffer.from(renamed) };
}

async function openPage(page) {
  await openLibrary(page);
  await page.getByRole("link", { name: "Open a scenario file or link" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Open a scenario");
}

/** The longest main-thread task since `watchLongTasks`, in ms. */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: "longtask" });
  });
}

test("emphasis nested thousands deep is rejected at load, and at the limit it plays", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await openPage(page);
  const input = page.getByLabel("Scenario file (.toml)");

  await input.setInputFiles(file("deep.toml", withFirstText(nested(3000, "deep"))));
  await expect(page.getByRole("heading", { level: 2, name: "1 error in “deep.toml”" })).toBeVisible();
  await expect(page.locator(".open-diagnostic-message")).toHaveText(
    "this text nests emphasis deeper than 16 levels ('*' and '_' inside each other)",
  );
  await expect(page.locator(".open-diagnostic-where")).toHaveText("Line 25, column 8");

  await input.setInputFiles(file("limit.toml", withFirstText(nested(16, "deep"))));
  await expect(page.getByRole("heading", { level: 2, name: "Ready to play" })).toBeVisible();
  await page.getByRole("link", { name: `Play ${TITLE}` }).click();
  await waitForScene(page);
  // Sixteen levels of emphasis, one inside the other, around the word.
  await expect(page.locator(".scene-text em").first()).toBeVisible();
  const depth = await page
    .locator(".scene-text")
    .evaluate((el) => {
      let deepest = 0;
      for (const em of el.querySelectorAll("em")) {
        let d = 0;
        for (let n = em; n && n !== el; n = n.parentElement) if (n.tagName === "EM") d++;
        deepest = Math.max(deepest, d);
      }
      return deepest;
    });
  expect(depth).toBe(16);
  await expect(page.locator(".scene-text")).toContainText("deep");
  expect(errors).toEqual([]);
});

test("two files chosen in quick succession each show their own result", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await openPage(page);
  const input = page.getByLabel("Scenario file (.toml)");
  const big = file("first.toml", manyMistakes(20_000));

  // The big broken file, then at once a good one: the good one's result shows, and the big
  // one's never replaces it.
  await input.setInputFiles(big);
  await input.setInputFiles(file("second.toml", GOOD_TEXT));
  await expect(page.getByRole("heading", { level: 2, name: "Ready to play" })).toBeVisible();
  await expect(page.locator(".open-card .card-meta")).toContainText("From “second.toml”");
  await page.waitForTimeout(3000);
  await expect(page.getByRole("heading", { level: 2, name: "Ready to play" })).toBeVisible();
  await expect(page.locator(".open-rejected")).toHaveCount(0);

  // A small broken file, then at once the big one: the big one's result shows, with the
  // first 300 of its 40,001 errors listed and a count of the rest.
  await input.setInputFiles(file("small.toml", 'title = "unclosed'));
  await watchLongTasks(page);
  await input.setInputFiles(big);
  const heading = page.getByRole("heading", { level: 2, name: "40,001 errors in “first.toml”" });
  await expect(heading).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".open-diagnostics > li")).toHaveCount(300);
  await expect(page.locator(".open-more")).toHaveText(
    "And 39,701 more not listed. Fix the ones above first, then open the file again.",
  );
  const longest = await page.evaluate(() => window.__longest);
  console.log(`longest main-thread task while checking and listing 40,001 errors: ${Math.round(longest)} ms`);
  expect(longest).toBeLessThan(500);
  // The page answers at once.
  const delay = await page.evaluate(
    () => new Promise((resolve) => {
      const start = performance.now();
      setTimeout(() => resolve(performance.now() - start), 0);
    }),
  );
  expect(delay).toBeLessThan(100);
  expect(errors).toEqual([]);
});

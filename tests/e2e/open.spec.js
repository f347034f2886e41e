// Opening a scenario that is not in the library (#/open): a file chosen with the file input,
// a file dropped on the page, a broken file (every diagnostic the engine reports, with its
// line and column, must be listed), a file that is not text, and scenario links
// (`?scenario=URL`): good ones from the app's own site and from another https site, and each
// way a link can fail (404, a web page, an image, a site without CORS, an unreachable site, an
// http or javascript: link). Opened scenarios then play on the normal play page, survive a
// reload, and their hostile text (markup in the title, speaker, summary and scenes, and in the
// file name) stays text. The page has zero axe violations in every state, light and dark, and
// screenshots at 390 and 1280 px go to artifacts/open-*.png.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, choose, decisionNumber, expectEnding, open, openLibrary, playToEnding, settle, snap, waitForScene } from "./helpers.js";
import { REMOTE, startRemoteSite } from "./remote-site.js";

const GOOD = join(HERE, "fixtures", "night-shift.toml");
const GOOD_TEXT = readFileSync(GOOD, "utf8");
const BROKEN_DIR = join(HERE, "..", "..", "crates", "engine", "tests", "broken");
const BROKEN = join(BROKEN_DIR, "many-mistakes.toml");
const TITLE = 'Night shift <img src=x onerror="window.__pwned=1">';
const PLAY_ID = "opened-night-shift";

/** The engine's expected diagnostics for a broken file: [{ line, col, severity, message }]. */
function expected(name) {
  return readFileSync(join(BROKEN_DIR, `${name}.expected`), "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const m = /^[^:]+:(\d+):(\d+): (error|warning): (.*)$/.exec(l);
      if (!m) throw new Error(`unexpected line in ${name}.expected: ${l}`);
      return { line: Number(m[1]), col: Number(m[2]), severity: m[3], message: m[4] };
    });
}

/** The diagnostics the page lists, as { where, kind, message }. */
async function listed(page) {
  return page.locator(".open-diagnostics > li").evaluateAll((lis) =>
    lis.map((li) => ({
      where: li.querySelector(".open-diagnostic-where")?.textContent?.trim(),
      kind: li.querySelector(".open-diagnostic-kind")?.textContent?.trim(),
      message: li.querySelector(".open-diagnostic-message")?.textContent?.trim(),
    })),
  );
}

async function expectReady(page, title = TITLE) {
  const heading = page.getByRole("heading", { level: 2, name: "Ready to play" });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await expect(page.locator(".open-card h3")).toHaveText(title);
}

async function expectNoHostileMarkup(page) {
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(page.locator("main img, main script, main b")).toHaveCount(0);
}

async function expectNoViolations(page, what) {
  await settle(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
  expect(results.passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
}

async function openPage(page) {
  await openLibrary(page);
  await page.getByRole("link", { name: "Open a scenario file or link" }).click();
  await expect(page).toHaveURL(/#\/open$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Open a scenario");
}

/** Drops a file with this name and text on the page, as a person dragging it from a folder. */
async function dropFile(page, name, text) {
  const dataTransfer = await page.evaluateHandle(
    ([n, t]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], n, { type: "" }));
      return dt;
    },
    [name, text],
  );
  await page.dispatchEvent("main#main", "dragenter", { dataTransfer });
  await page.dispatchEvent("main#main", "dragover", { dataTransfer });
  await expect(page.locator(".open-drop")).toHaveClass(/open-drop-active/);
  await page.dispatchEvent("main#main", "drop", { dataTransfer });
  await expect(page.locator(".open-drop")).not.toHaveClass(/open-drop-active/);
}

test("a chosen file plays on the play page, resumes after a reload, and its markup stays text", async ({ page }) => {
  await openPage(page);
  await page.getByLabel("Scenario file (.toml)").setInputFiles(GOOD);
  await expectReady(page);
  await expect(page.locator(".open-card .card-summary")).toContainText("a <script>window.__pwned=1</script> tag");
  await expect(page.locator(".open-card .card-meta")).toContainText("From “night-shift.toml”");
  await expectNoHostileMarkup(page);

  await page.getByRole("link", { name: `Play ${TITLE}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/play/${PLAY_ID}$`));
  await waitForScene(page);
  await expect(page.locator(".play-title")).toHaveText(TITLE);
  await expect(page.locator(".scene-speaker")).toHaveText(" — Ana <b>(agent)</b>");
  await expect(page.locator(".scene-text")).toContainText("<script>window.__pwned = 1</script>");
  // The safe Markdown subset still works: *filling* is emphasis.
  await expect(page.locator(".scene-text em")).toHaveText("filling");
  await expectNoHostileMarkup(page);

  const first = await choose(page, "first");
  expect(first.ended).toBe(false);
  // A reload keeps the opened scenario and the progress in it.
  await page.reload();
  await waitForScene(page);
  expect(await decisionNumber(page)).toBe(2);
  const rest = await playToEnding(page, "first");
  await expectEnding(page, PLAY_ID, [first.text, ...rest]);
  await expect(page.locator("h2#scene-heading")).toHaveText("A night that mattered");
  await expectNoHostileMarkup(page);
});

test("a dropped file plays", async ({ page }) => {
  await openPage(page);
  await dropFile(page, "night-shift.toml", GOOD_TEXT);
  await expectReady(page);
  await page.getByRole("link", { name: `Play ${TITLE}` }).click();
  await waitForScene(page);
  await expect(page.locator(".play-title")).toHaveText(TITLE);
});

test("a broken file lists every diagnostic with its line and column, and can be fixed and chosen again", async ({ page }) => {
  await openPage(page);
  const input = page.getByLabel("Scenario file (.toml)");
  await input.setInputFiles(BROKEN);
  const want = expected("many-mistakes");
  expect(want.length).toBe(7);
  const heading = page.getByRole("heading", { level: 2, name: "7 errors in “many-mistakes.toml”" });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  expect(await listed(page)).toEqual(
    want.map((d) => ({ where: `Line ${d.line}, column ${d.col}`, kind: d.severity, message: d.message })),
  );
  // Each diagnostic quotes its line and marks the column.
  const lines = readFileSync(BROKEN, "utf8").split("\n");
  const excerpts = await page.locator(".open-diagnostics > li .open-excerpt code").allTextContents();
  expect(excerpts).toEqual(want.map((d) => lines[d.line - 1]));
  const marks = await page.locator(".open-diagnostics > li .open-excerpt mark").allTextContents();
  want.forEach((d, i) => expect(lines[d.line - 1].slice(d.col - 1).startsWith(marks[i])).toBe(true));
  // Nothing was registered: the play route does not know the scenario.
  await expect(page.getByRole("link", { name: /^Play/ })).toHaveCount(0);

  // The author fixes the file and chooses it again under the same name (with the id that
  // name asks for, or the checker would warn that they differ).
  const fixed = GOOD_TEXT.replace('id = "night-shift"', 'id = "many-mistakes"');
  await input.setInputFiles({ name: "many-mistakes.toml", mimeType: "application/toml", buffer: Buffer.from(fixed) });
  await expectReady(page);
  await expect(page.locator(".open-diagnostics")).toHaveCount(0);
});

test("every broken file of the engine's tests shows exactly the engine's diagnostics", async ({ page }) => {
  await openPage(page);
  const input = page.getByLabel("Scenario file (.toml)");
  for (const name of ["toml-syntax", "unknown-field", "missing-field", "condition-syntax", "no-ending-path"]) {
    await input.setInputFiles(join(BROKEN_DIR, `${name}.toml`));
    const want = expected(name);
    await expect(page.locator(".open-rejected h2")).toContainText(`in “${name}.toml”`);
    await expect(page.locator(".open-diagnostics > li")).toHaveCount(want.length);
    expect(await listed(page), name).toEqual(
      want.map((d) => ({ where: `Line ${d.line}, column ${d.col}`, kind: d.severity, message: d.message })),
    );
  }
});

test("a file that is not text, and a hostile file name, get a clear message", async ({ page }) => {
  await openPage(page);
  const input = page.getByLabel("Scenario file (.toml)");
  const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001", "hex");
  await input.setInputFiles({ name: "<b>photo</b>.png", mimeType: "image/png", buffer: png });
  await expect(page.locator(".open-rejected h2")).toHaveText("1 error in “<b>photo</b>.png”");
  expect(await listed(page)).toEqual([
    {
      where: "Line 1, column 1",
      kind: "error",
      message: "the file is not UTF-8 text (a scenario is a TOML text file); the first byte that is not text is here",
    },
  ]);
  await expectNoHostileMarkup(page);
});

test.describe("without the service worker (which would answer from its cache)", () => {
  test.use({ serviceWorkers: "block" });

  test("a checker that cannot be downloaded says so, and the next choice starts a fresh one", async ({ page }) => {
    // The worker's script fails to load (offline, or a proxy's 404): the page must say so rather
    // than wait for ever (the reason src/platform/loader.rs keeps its own bridge).
    await page.route("**/open-worker.js", (route) => route.abort("internetdisconnected"));
    await openPage(page);
    const input = page.getByLabel("Scenario file (.toml)");
    await input.setInputFiles(GOOD);
    await expect(page.getByRole("heading", { level: 2, name: "The scenario could not be opened" })).toBeVisible();
    await expect(page.locator(".open-result .error")).toHaveText(
      "The file checker could not be downloaded. Check your connection and try again.",
    );
    await page.unroute("**/open-worker.js");
    await input.setInputFiles([]);
    await input.setInputFiles(GOOD);
    await expectReady(page);
  });
});

test("a drop of something that is not a file says so", async ({ page }) => {
  await openPage(page);
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.setData("text/plain", "just some text");
    return dt;
  });
  await page.dispatchEvent("main#main", "drop", { dataTransfer });
  await expect(page.getByRole("heading", { level: 2, name: "The scenario could not be opened" })).toBeFocused();
  await expect(page.locator(".open-result .error")).toHaveText(
    "What was dropped is not a file. Drop a scenario file (.toml) from your computer.",
  );
});

test.describe("scenario links", () => {
  // One worker runs these, so the other site's port is opened once.
  test.describe.configure({ mode: "serial" });
  test.use({ ignoreHTTPSErrors: true });
  let stop;
  test.beforeAll(async () => {
    stop = await startRemoteSite();
  });
  test.afterAll(async () => {
    await stop?.();
  });

  async function openLink(page, link) {
    await page.goto(`./?scenario=${encodeURIComponent(link)}`);
    await expect(page).toHaveURL(/#\/open$/);
    await expect(page.getByLabel("Address of the scenario file")).toHaveValue(link);
  }

  async function expectFailure(page, message) {
    await expect(page.getByRole("heading", { level: 2, name: "The scenario could not be opened" })).toBeVisible();
    await expect(page.locator(".open-result .error")).toHaveText(message);
  }

  test("a link to another https site that allows CORS plays", async ({ page }) => {
    await openLink(page, `${REMOTE}/cors/night-shift.toml`);
    await expectReady(page);
    await page.getByRole("link", { name: `Play ${TITLE}` }).click();
    await waitForScene(page);
    await expect(page.locator(".play-title")).toHaveText(TITLE);
  });

  test("a link to a broken file lists its diagnostics", async ({ page }) => {
    await openLink(page, `${REMOTE}/cors/many-mistakes.toml`);
    await expect(page.getByRole("heading", { level: 2, name: "7 errors in “many-mistakes.toml”" })).toBeVisible();
    await expect(page.locator(".open-diagnostics > li")).toHaveCount(7);
  });

  test("a site without CORS, a 404, a web page, an unreachable site and bad schemes each get their own message", async ({ page }) => {
    await openLink(page, `${REMOTE}/closed/night-shift.toml`);
    await expectFailure(
      page,
      `The site 127.0.0.1:${new URL(REMOTE).port} does not allow other sites to read this file (its answer has no CORS header that allows it). Ask the site’s owner to allow it, or download the file and open it here with “Choose a file”.`,
    );

    await openLink(page, `${REMOTE}/cors/missing.toml`);
    await expectFailure(
      page,
      "The scenario file could not be downloaded: there is no file at this address (the site answered 404 Not Found).",
    );

    await openLink(page, `${REMOTE}/cors/page.html`);
    await expectFailure(
      page,
      "This address leads to a web page, not to a scenario file. Link to the .toml file itself (on a code-hosting site, use the link to the file’s raw text).",
    );

    // Port 9 (discard) has nothing listening here.
    await openLink(page, "https://127.0.0.1:9/scenario.toml");
    await expectFailure(page, "The site 127.0.0.1:9 could not be reached. Check the address and your connection, and try again.");

    await openLink(page, "http://example.invalid/scenario.toml");
    await expectFailure(
      page,
      "Frontline opens links to other sites only over a secure connection: use the https:// address of the file.",
    );

    await openLink(page, "javascript:window.__pwned=1");
    await expectFailure(
      page,
      "Frontline can only open https:// links. To open a file on this computer, use “Choose a file” instead.",
    );
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  });

  test("links on the app's own site: a 404, an image, and a typed address", async ({ page }) => {
    await openLink(page, "scenarios/no-such-scenario.toml");
    await expectFailure(
      page,
      "The scenario file could not be downloaded: there is no file at this address (the site answered 404 Not Found).",
    );
    await openLink(page, "favicon.svg");
    await expectFailure(page, "This address leads to a file of type image/svg+xml, not to a scenario file (a TOML text file).");

    // Typing an address into the form opens it and puts it in the address bar for sharing.
    const field = page.getByLabel("Address of the scenario file");
    await field.fill(`${REMOTE}/cors/night-shift.toml`);
    await field.press("Enter");
    await expectReady(page);
    expect(new URL(page.url()).searchParams.get("scenario")).toBe(`${REMOTE}/cors/night-shift.toml`);
    // An empty address is explained rather than fetched.
    await field.fill("");
    await page.getByRole("button", { name: "Open" }).click();
    await expectFailure(page, "Type or paste the web address of a scenario file first.");
  });

  test("a play route for an opened scenario this browser no longer has points back to opening it", async ({ page }) => {
    await open(page, "/play/opened-gone");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scenario not found");
    await page.getByRole("link", { name: "Open a scenario" }).click();
    await expect(page).toHaveURL(/#\/open$/);
  });
});

for (const scheme of ["light", "dark"]) {
  test(`axe: the open page, its diagnostics, a failure and a ready scenario (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openPage(page);
    await expectNoViolations(page, "the open page");
    await page.getByLabel("Scenario file (.toml)").setInputFiles(BROKEN);
    await expect(page.locator(".open-diagnostics > li")).toHaveCount(7);
    await expectNoViolations(page, "the diagnostics");
    await page.getByLabel("Address of the scenario file").fill("ftp://example.org/x.toml");
    await page.getByRole("button", { name: "Open" }).click();
    await expect(page.locator(".open-result .error")).toBeVisible();
    await expectNoViolations(page, "a failed link");
    await page.getByLabel("Scenario file (.toml)").setInputFiles(GOOD);
    await expectReady(page);
    await expectNoViolations(page, "a ready scenario");
  });
}

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
for (const size of SIZES) {
  for (const scheme of ["light", "dark"]) {
    const tag = `${size.width}x${size.height}${scheme === "dark" ? "-dark" : ""}`;
    test(`screenshots of the open page at ${tag}`, async ({ page }) => {
      await page.setViewportSize(size);
      await page.emulateMedia({ colorScheme: scheme });
      await openPage(page);
      await snap(page, `open-${tag}`);
      await page.getByLabel("Scenario file (.toml)").setInputFiles(BROKEN);
      await expect(page.locator(".open-diagnostics > li")).toHaveCount(7);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, "page is wider than the viewport").toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await snap(page, `open-diagnostics-${tag}`);
      await page.getByLabel("Scenario file (.toml)").setInputFiles(GOOD);
      await expectReady(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await snap(page, `open-ready-${tag}`);
    });
  }
}

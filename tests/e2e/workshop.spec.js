// Workshop mode (workshop.html), driven the way a facilitator and teams use it:
// - the console and the projector in two windows of one browser context stay in step:
//   votes, reveal, play the majority, a facilitator override (recorded), a tie that needs the
//   facilitator, the timer, a rewind, a reload of either window, and a room session played
//   to its ending from the console's keyboard shortcuts;
// - three teams play on their own devices (separate contexts) with the session code; their
//   result codes go into the debrief, which shows where the paths diverged; a corrupted code,
//   a code from another session and a code from another scenario give clear errors and leave
//   the workshop as it was; the CSV download, the printed report and the workshop file
//   round-trip (a broken file is refused);
// - a corrupt saved workshop gives a clear message and a fresh start; unknown addresses in
//   workshop mode show a not-found page;
// - axe-core finds nothing on the setup, console, projector, debrief and team screens, in
//   the light and the dark scheme;
// - screenshots: projector at 1920x1080, console at 1280x800, debrief, a team's result on a
//   phone, kept in artifacts/.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, snap, settle, MAX_DECISIONS } from "./helpers.js";

const ID = "stretch-target";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const squash = (s) => (s ?? "").replace(/\s+/g, " ").trim();

/** Opens workshop setup and starts a workshop with `id`; returns on the console. */
async function startWorkshop(page, id = ID) {
  await page.goto("./workshop.html#/workshop");
  await expect(page.getByRole("heading", { name: "Workshop mode", level: 1 })).toBeVisible();
  await page.getByLabel("Scenario").selectOption(id);
  await page.getByRole("button", { name: "Start the workshop" }).click();
  await expect(page).toHaveURL(/#\/workshop\/console$/);
  await expect(page.locator("#console-scene-heading")).toHaveText(/^Decision 1\b/);
}

async function openProjector(context) {
  const projector = await context.newPage();
  await projector.goto("./workshop.html#/workshop/projector");
  await expect(projector.locator("#projector-heading")).toBeVisible();
  return projector;
}

/** The "Decision N" number on the console. */
async function consoleStep(page) {
  const m = /^Decision (\d+)/.exec(squash(await page.locator("#console-scene-heading").textContent()));
  return m ? Number(m[1]) : null;
}

async function setVotes(page, counts) {
  for (const [i, n] of counts.entries()) {
    await page.locator(`#vote-${i}`).fill(String(n));
  }
}

/** Presses a shortcut with focus on the page body (not in a field). */
async function shortcut(page, key) {
  await page.locator("h1").first().click();
  await page.keyboard.press(key);
}

async function expectNoViolations(page, what) {
  await settle(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ")),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
  expect(results.passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
}

/** Records CSP violations, page errors, console errors and failed requests of a page. */
function watch(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /Content.Security.Policy/i.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e}`));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  return problems;
}

test("console and projector stay in step through votes, override, tie, rewind and reloads", async ({ context }) => {
  const console_ = await context.newPage();
  const consoleProblems = watch(console_);
  await startWorkshop(console_);
  const projector = await openProjector(context);
  const projectorProblems = watch(projector);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 1\b/);
  // Same scene on both; nothing private on the projector.
  const sceneText = squash(await console_.locator(".console-scene .scene-text").textContent());
  expect(squash(await projector.locator(".projector-text").textContent())).toBe(sceneText);
  await expect(projector.getByText("Facilitator note")).toHaveCount(0);
  await expect(projector.locator(".vote-leads, .console-private")).toHaveCount(0);
  const code = squash(await console_.locator(".console-facts .seed-code").textContent());
  expect(code).toMatch(/^[0-9A-Z]{6}$/);
  await expect(projector.locator(".projector-join .seed-code")).toHaveText(code);

  // Decision 1: votes are hidden until revealed, then the majority is played with N.
  const n1 = await console_.locator(".vote-table tbody tr").count();
  expect(n1).toBeGreaterThanOrEqual(2);
  const votes = Array.from({ length: n1 }, (_, i) => (i === 1 ? 9 : 3));
  const total = votes.reduce((a, b) => a + b, 0);
  await setVotes(console_, votes);
  await expect(console_.locator(".vote-summary")).toHaveText(`Majority: B with 9 of ${total} votes.`);
  await expect(projector.locator(".vote-result")).toHaveCount(0);
  await shortcut(console_, "r");
  await expect(projector.locator(".vote-result")).toHaveCount(n1);
  await expect(projector.locator(".projector-choice").nth(1).locator(".vote-figure")).toHaveText(
    `9 votes · ${Math.round(900 / total)}%`,
  );
  await expect(projector.locator(".projector-choice.vote-top")).toHaveCount(1);
  await expect(projector.locator(".projector-vote-summary")).toHaveText(`The room's choice: B (${total} votes in all)`);
  const bText = squash(await projector.locator(".projector-choice").nth(1).locator(".projector-choice-body p").first().textContent());
  await shortcut(console_, "n");
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 2\b/);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 2\b/);
  await expect(projector.locator(".projector-last-choice")).toHaveText(`The room chose: ${bText}`);
  await expect(projector.locator(".vote-result")).toHaveCount(0);
  await expect(console_.locator(".history li").first()).toContainText(`room majority, 9 of ${total} votes`);

  // Decision 2: the room wants A, the facilitator plays B to explore it; the override is recorded.
  await setVotes(console_, [10]);
  await console_.getByRole("button", { name: "Override: play B" }).click();
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 3\b/);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 3\b/);
  await expect(console_.locator(".history li.overridden")).toContainText("facilitator override: the room chose A (10 of 10 votes)");
  await expect(projector.locator(".projector-override")).toHaveText("The facilitator played this option to explore it.");

  // A tie needs the facilitator: N refuses with a clear message and nothing changes.
  await setVotes(console_, [4, 4]);
  await shortcut(console_, "n");
  await expect(console_.locator(".console-error")).toHaveText("The vote is tied between A and B: pick the choice to play.");
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 3\b/);

  // The timer starts with T and shows on the projector.
  await shortcut(console_, "t");
  await expect(console_.getByRole("button", { name: "Pause (T)" })).toBeVisible();
  await expect(projector.locator(".projector-timer")).toBeVisible();
  await expect(projector.locator(".projector-timer")).toHaveText(/2:5\d|3:00/);

  // Reload either window: everything comes back, including the vote in progress.
  await projector.reload();
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 3\b/);
  await expect(projector.locator(".projector-override")).toBeVisible();
  await console_.reload();
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 3\b/);
  await expect(console_.locator("#vote-0")).toHaveValue("4");
  await expect(console_.locator(".history > li")).toHaveCount(2);
  await expect(console_.getByRole("button", { name: "Pause (T)" })).toBeVisible();
  // And the reloaded windows still talk to each other.
  await shortcut(console_, "r");
  await expect(projector.locator(".vote-result")).toHaveCount(await console_.locator(".vote-table tbody tr").count());

  // Rewind to decision 2: both windows go back, the dropped branch is listed.
  await console_.getByRole("button", { name: "Go back to decision 2" }).click();
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 2\b/);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 2\b/);
  await expect(console_.locator(".history > li")).toHaveCount(1);
  await expect(console_.locator(".explored li")).toHaveText("From decision 2: 1 decision explored, then rewound");

  // Play on to the ending with votes and the N shortcut (each decision a room vote).
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const step = await consoleStep(console_);
    if (step === null) break;
    await setVotes(console_, [5]);
    await shortcut(console_, "n");
    await expect(console_.locator("#console-scene-heading")).not.toHaveText(new RegExp(`^Decision ${step}\\b`));
  }
  await expect(console_.locator("#console-scene-heading")).toHaveText(/^Ending: /);
  await expect(projector.locator(".projector-score")).toHaveText(/^Score \d+ \/ 100$/);
  const endingTitle = squash(await console_.locator("#console-scene-heading").textContent()).replace(/^Ending: /, "");
  await expect(projector.locator("#projector-heading")).toHaveText(endingTitle);
  // No CSP violation, console error or failed request in either window all along.
  expect(consoleProblems).toEqual([]);
  expect(projectorProblems).toEqual([]);
});

async function pathRowsCount(page) {
  return page.locator(".paths-table tbody tr").count();
}

/** A team plays on its own device (a fresh context); returns its result code. */
async function teamPlays(browser, baseURL, { id = ID, code, name, pick, reloadAt = null, copy = false }) {
  const context = await browser.newContext({ baseURL });
  if (copy) await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  await page.goto("./workshop.html#/team");
  await page.getByLabel("Scenario").selectOption(id);
  await page.getByLabel("Session code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(new RegExp(`#/team/${id}/${code}$`));
  await page.getByLabel("Team name").fill(name);
  await page.getByRole("button", { name: "Start playing" }).click();
  for (let n = 1; n <= MAX_DECISIONS; n++) {
    const heading = page.locator("#scene-heading");
    await expect(heading).toBeVisible();
    if (!/^Decision \d+/.test(squash(await heading.textContent()))) break;
    if (reloadAt === n) {
      await page.reload();
      await expect(heading).toHaveText(new RegExp(`^Decision ${n}\\b`));
    }
    const buttons = page.locator("ol.choices button.choice");
    const count = await buttons.count();
    await buttons.nth(pick(n, count)).click();
    await expect(heading).not.toHaveText(new RegExp(`^Decision ${n}\\b`));
  }
  // The short code to type (the team's name, its letters, a check) and the full code, in
  // the QR code and for pasting.
  await expect(page.locator(".short-code code")).toBeVisible();
  await expect(page.getByRole("img", { name: `QR code of the result code for ${name}` })).toBeVisible();
  const short = squash(await page.locator(".short-code code").textContent());
  expect(short).toMatch(new RegExp(`^${name} [A-Z]+-[2-9A-HJKMNP-Z]{4}$`));
  const result = squash(await page.locator(".long-code .result-code code").textContent());
  if (copy) {
    await page.getByRole("button", { name: "Copy the code" }).first().click();
    await expect(page.locator(".short-code ~ .copy-status, .result-panel .copy-status").first()).toHaveText("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(short);
  }
  return { context, page, result, short };
}

test("three teams' result codes in the debrief show where they diverged; bad codes change nothing", async ({
  browser,
  baseURL,
  context,
}) => {
  test.setTimeout(240_000);
  const facilitator = await context.newPage();
  await startWorkshop(facilitator);
  const code = squash(await facilitator.locator(".console-facts .seed-code").textContent());

  const red = await teamPlays(browser, baseURL, { code, name: "Red table", pick: () => 0, reloadAt: 3, copy: true });
  const blue = await teamPlays(browser, baseURL, { code, name: "Blue table", pick: (n, c) => (n < 4 ? 0 : c - 1) });
  const green = await teamPlays(browser, baseURL, { code, name: "Green table", pick: (n, c) => c - 1 });
  await snap(red.page, "workshop-team-result-desktop");
  await red.page.setViewportSize({ width: 390, height: 844 });
  await snap(red.page, "workshop-team-result-390");
  await expectNoViolations(red.page, "a team's result");
  for (const t of [red, blue, green]) expect(t.result.length).toBeLessThan(100);
  console.log(`result code length: ${red.result.length} characters (${red.result}); short: ${red.short.length} (${red.short})`);

  await facilitator.goto("./workshop.html#/workshop/debrief");
  await expect(facilitator.getByRole("heading", { name: "Add a team's result" })).toBeVisible();
  const add = async (text) => {
    await facilitator.getByLabel(/^Result code/).fill(text);
    await facilitator.getByRole("button", { name: "Add team" }).click();
  };
  // Red and Green typed as short codes (Green in lower case), Blue pasted in full.
  const typed = [red.short, blue.result, green.short.replace(/ (\S+)$/, (m) => m.toLowerCase())];
  for (const [i, t] of [red, blue, green].entries()) {
    await add(typed[i]);
    await expect(facilitator.locator(".success")).toHaveText(`Added ${squash(await t.page.locator("#result-heading").textContent()).replace(/^Result code for /, "")}.`);
  }
  const rows = facilitator.locator(".teams-table tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.locator("th")).toHaveText(["Red table", "Blue table", "Green table"]);
  // Red and Blue agree for three decisions, Green differs from the first.
  await expect(facilitator.locator(".split-summary")).toHaveText(/^The paths first split at decision 1\. Teams chose differently at \d+ decisions? in all\.$/);
  const firstSplit = facilitator.locator("#diverge-heading ~ .distributions > li.diverged");
  await expect(firstSplit).toHaveCount(1);
  await expect(firstSplit).toContainText("Decision 1");
  await expect(firstSplit).toContainText("Teams diverged here");
  await expect(firstSplit.locator(".distribution-teams")).toHaveText(["Red table, Blue table", "Green table"]);
  await expect(facilitator.locator("#diverge-heading ~ p").last()).toHaveText(/^They also chose differently at decisions? [\d, and]+; see the choices at each decision below\.$/);
  // Every decision any team met, with who chose what; Red and Blue agree at decisions 2 and 3.
  const all = facilitator.locator("#dist-heading ~ .distributions > li");
  expect(await all.count()).toBeGreaterThanOrEqual(await pathRowsCount(facilitator));
  await expect(all.nth(1).locator(".distribution-teams").first()).toHaveText("Red table, Blue table");
  expect(await facilitator.locator("#dist-heading ~ .distributions > li.diverged").count()).toBeGreaterThanOrEqual(2);
  // Side by side: Blue departs from Red at decision 4, Green from decision 1.
  const pathRows = facilitator.locator(".paths-table tbody tr");
  await expect(pathRows.nth(0).locator("td.differs")).toHaveCount(1);
  await expect(pathRows.nth(3).locator("td.differs")).toHaveCount(2);
  await expect(facilitator.locator(".meter-chart")).toHaveCount(2);
  await expect(facilitator.locator(".meter-chart polyline")).toHaveCount(6);

  // Bad codes: a clear error, and the three teams are untouched.
  const damaged = red.result.slice(0, -3) + (red.result.endsWith("AAA") ? "BBB" : "AAA");
  await add(damaged);
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(
    "That result code was not added: the result code has been altered or cut off; ask the team to read it again. Nothing else has changed.",
  );
  const dot = red.result.indexOf(".") + 4;
  const flipped = red.result.slice(0, dot) + (red.result[dot] === "x" ? "y" : "x") + red.result.slice(dot + 1);
  await add(flipped);
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(/^That result code was not added: the session code (has been altered or damaged|is incomplete)/);
  const mistyped = red.short.replace(/ ([A-Z])/, (m, c) => ` ${c === "A" ? "B" : "A"}`);
  await add(mistyped);
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(/^That result code was not added: the code does not fit this workshop: a letter may be mistyped/);
  await add("hello there");
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(
    "That result code was not added: this is not a Frontline team result code. Nothing else has changed.",
  );
  const otherSession = await teamPlays(browser, baseURL, { code: "00000A", name: "Lost team", pick: () => 0 });
  await add(otherSession.result);
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(
    `That result code was not added: the result code comes from session 00000A, not this workshop's session ${code}. Nothing else has changed.`,
  );
  const otherScenario = await teamPlays(browser, baseURL, { id: "burnout", code, name: "Wrong room", pick: () => 0 });
  await add(otherScenario.result);
  await expect(facilitator.locator(".add-team ~ div .error")).toHaveText(
    "That result code was not added: the session code is for scenario 'burnout', not 'stretch-target'. Nothing else has changed.",
  );
  await expect(rows).toHaveCount(3);
  await facilitator.reload();
  await expect(rows).toHaveCount(3);

  // CSV: a header and one row per team and decision.
  const [csvDownload] = await Promise.all([
    facilitator.waitForEvent("download"),
    facilitator.getByRole("button", { name: "Download CSV" }).click(),
  ]);
  expect(csvDownload.suggestedFilename()).toBe(`${ID}-workshop.csv`);
  const csv = readFileSync(await csvDownload.path(), "utf8").trim().split("\r\n");
  expect(csv[0]).toMatch(/^team,decision,scene,choice,choice text,Team morale,Customer satisfaction,applied,went against,ending,score$/);
  const decisions = await facilitator.locator(".teams-table tbody tr td:nth-child(2)").allTextContents();
  expect(csv.length).toBe(1 + decisions.map(Number).reduce((a, b) => a + b, 0));
  expect(csv.filter((r) => r.startsWith("Green table,")).length).toBe(Number(decisions[2]));

  // The printed report: the comparison without the controls.
  await facilitator.emulateMedia({ media: "print" });
  await expect(facilitator.locator(".add-team")).toBeHidden();
  await expect(facilitator.getByRole("button", { name: "Download CSV" })).toBeHidden();
  await expect(facilitator.locator(".paths-table")).toBeVisible();
  await expect(facilitator.locator(".meter-chart").first()).toBeVisible();
  await facilitator.pdf({ path: join(ARTIFACTS, "workshop-debrief-report.pdf") });
  await facilitator.emulateMedia({ media: "screen" });
  await snap(facilitator, "workshop-debrief");
  await facilitator.locator("#diverge-heading").scrollIntoViewIfNeeded();
  await facilitator.screenshot({ path: join(ARTIFACTS, "workshop-debrief-divergence.png") });
  await expectNoViolations(facilitator, "the debrief");

  // The whole workshop as a file, imported on another computer (a fresh context).
  const [fileDownload] = await Promise.all([
    facilitator.waitForEvent("download"),
    facilitator.getByRole("button", { name: "Export workshop file" }).click(),
  ]);
  const other = await browser.newContext({ baseURL });
  const laptop = await other.newPage();
  await laptop.goto("./workshop.html#/workshop");
  await laptop.getByLabel(/^Workshop file/).setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"format": 1, "scenario": 3}'),
  });
  await laptop.getByRole("button", { name: "Import" }).click();
  await expect(laptop.locator(".notice")).toHaveText(/^The file was not imported: this is not a Frontline workshop file/);
  await laptop.getByLabel(/^Workshop file/).setInputFiles(await fileDownload.path());
  await laptop.getByRole("button", { name: "Import" }).click();
  await expect(laptop.locator(".notice")).toHaveText("The workshop was imported.");
  await laptop.getByRole("link", { name: "Debrief" }).click();
  await expect(laptop.locator(".teams-table tbody tr th")).toHaveText(["Red table", "Blue table", "Green table"]);
  for (const c of [red, blue, green, otherSession, otherScenario, { context: other }]) await c.context.close();
});

for (const scheme of ["light", "dark"]) {
  test(`axe and screenshots: setup, console, projector (${scheme})`, async ({ context }) => {
    const setup = await context.newPage();
    await setup.emulateMedia({ colorScheme: scheme });
    await setup.goto("./workshop.html#/workshop");
    await expect(setup.getByRole("heading", { name: "Start a workshop" })).toBeVisible();
    await expectNoViolations(setup, `workshop setup (${scheme})`);
    await startWorkshop(setup);
    const console_ = setup;
    await console_.setViewportSize({ width: 1280, height: 800 });
    await setVotes(console_, [4, 11, 3]);
    await shortcut(console_, "n");
    await expect(console_.locator("#console-scene-heading")).toHaveText(/^Decision 2\b/);
    await setVotes(console_, [6, 12]);
    await shortcut(console_, "r");
    await shortcut(console_, "t");
    const projector = await openProjector(context);
    await projector.emulateMedia({ colorScheme: scheme });
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await expect(projector.locator(".vote-result").first()).toBeVisible();
    await expectNoViolations(console_, `the console (${scheme})`);
    await expectNoViolations(projector, `the projector (${scheme})`);
    await settle(console_);
    await console_.screenshot({ path: join(ARTIFACTS, `workshop-console-1280x800-${scheme}.png`) });
    await settle(projector);
    await projector.screenshot({ path: join(ARTIFACTS, `workshop-projector-1920x1080-${scheme}.png`) });
  });
}

test("a corrupt saved workshop gives a clear message and a way to start again", async ({ page }) => {
  await page.goto("./workshop.html#/workshop");
  await page.evaluate(() => localStorage.setItem("frontline.v1.workshop", '{"format": 1, "scenario": '));
  await page.goto("./workshop.html#/workshop/console");
  await page.reload();
  await expect(page.getByRole("alert")).toHaveText(/^The saved workshop could not be read \(this is not a Frontline workshop file/);
  await page.getByRole("link", { name: "Go to workshop setup" }).click();
  await expect(page.getByRole("alert")).toHaveText(/Start a new workshop or import a workshop file to replace it\.$/);
  await page.getByLabel("Scenario").selectOption(ID);
  await page.getByRole("button", { name: "Start the workshop" }).click();
  await expect(page.locator("#console-scene-heading")).toHaveText(/^Decision 1\b/);
  // An unknown address in workshop mode is a page, not a blank screen.
  await page.goto("./workshop.html#/nowhere");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to the scenario library" })).toHaveAttribute("href", "index.html#/");
});

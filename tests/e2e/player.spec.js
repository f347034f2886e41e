// The player experience around the play loop (issue 5): library search, filter and progress;
// the briefing; the history panel and honest odds during play; feedback saved for the
// debrief; the debrief (timeline, meter chart, principle profile, what-ifs, reflection
// questions, replay from a decision); results history and clearing it; share links that
// reproduce the same debrief in a fresh browser, and that explain tampered, truncated and
// outdated links; the print layout.
import { test, expect } from "@playwright/test";
import { crc32 } from "node:zlib";
import {
  card,
  choose,
  decisionNumber,
  expectEnding,
  open,
  openLibrary,
  playToEnding,
  startFromLibrary,
  waitForScene,
} from "./helpers.js";

const ID = "escalation";
const squash = (s) => (s ?? "").replace(/\s+/g, " ").trim();

/** Plays `id` from the library to its ending taking the first choice; returns the choices. */
async function finish(page, id = ID) {
  await openLibrary(page);
  await startFromLibrary(page, id);
  const made = await playToEnding(page, "first");
  await expectEnding(page, id, made);
  return made;
}

/** What a debrief shows, to compare two debriefs. */
async function debriefOf(page) {
  await expect(page.locator(".what-if").first()).toBeVisible();
  return {
    title: squash(await page.locator("h2#scene-heading").textContent()),
    rating: squash(await page.locator(".ending .rating").textContent()),
    score: squash(await page.locator(".ending .score").textContent()),
    // Each step without its buttons (only the player's own debrief offers a replay).
    steps: await page.locator("ol.timeline > li").evaluateAll((lis) =>
      lis.map((li) => {
        const copy = li.cloneNode(true);
        copy.querySelectorAll("button").forEach((b) => b.remove());
        return copy.textContent.replace(/\s+/g, " ").trim();
      }),
    ),
    chart: await page.locator(".line-chart polyline").evaluateAll((ps) => ps.map((p) => p.getAttribute("points"))),
  };
}

test("library: search by title, filter by idea, and the count says what is shown", async ({ page }) => {
  await openLibrary(page);
  await expect(page.locator(".card")).toHaveCount(10);
  await expect(page.locator(".library-count")).toHaveText("10 scenarios");

  await page.getByLabel("Search by title").fill("STRETCH");
  await expect(page.locator(".card")).toHaveCount(1);
  await expect(page.locator(".card h3")).toHaveText("A stretch target");
  await expect(page.locator(".library-count")).toHaveText("1 scenario");

  await page.getByLabel("Search by title").fill("zzzz");
  await expect(page.locator(".card")).toHaveCount(0);
  await expect(page.locator(".library-count")).toHaveText(/No scenario matches/);
  await page.getByLabel("Search by title").fill("");

  // Every idea in the filter narrows the library to scenarios that cover it.
  const ideas = page.getByLabel("Leadership idea");
  const options = await ideas.locator("option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  expect(options.length).toBeGreaterThan(10);
  const [value, name] = options.find(([v]) => v !== "");
  await ideas.selectOption(value);
  const shown = await page.locator(".card").count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThanOrEqual(10);
  for (const tags of await page.locator(".card .card-tags").allTextContents()) {
    expect(tags).toContain(name.trim());
  }
  await ideas.selectOption("");
  await expect(page.locator(".card")).toHaveCount(10);
});

test("briefing names the customers and the meters, and Begin starts play", async ({ page }) => {
  await openLibrary(page);
  // By keyboard: the link goes with the library, and focus moves to the briefing's main
  // region rather than falling back to the top of the document.
  await card(page, ID).getByRole("link").focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#\/intro\/escalation$/);
  await expect(page.getByRole("heading", { name: "The customers" })).toBeVisible();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
  await expect(page.locator("section[aria-labelledby=customers-heading] .cast li")).toHaveCount(2);
  await expect(page.locator("section[aria-labelledby=team-heading] .cast li").first()).toContainText("Tomás Reyes");
  await expect(page.locator(".meter-guide-scale").first()).toHaveText(/^Starts at \d+ out of 100\. Higher is better\.$/);
  await expect(page.getByLabel("Straight after each decision")).toBeChecked();
  await page.getByRole("link", { name: "Begin" }).click();
  await waitForScene(page);
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
});

test("during play: the history panel lists past decisions and chance outcomes say their odds", async ({ page }) => {
  await open(page, "/play/stretch-target");
  await waitForScene(page);
  await expect(page.locator("details.history")).toHaveCount(0);
  const made = [];
  let oddsSeen = 0;
  for (let i = 0; i < 60; i++) {
    const { text, ended } = await choose(page, "first");
    made.push(text);
    const odds = page.locator(".feedback-odds");
    if (await odds.count()) {
      oddsSeen++;
      await expect(odds).toHaveText(
        /^(This was a matter of chance: it had (a (?!8|11%|18%)|an (?=8|11%|18%))\d{1,2}% chance, and it could have gone the other way\.|Given how things stood, this outcome was certain\.)$/,
      );
      await expect(page.locator(".feedback-chance")).not.toBeEmpty();
    }
    if (ended) break;
    const history = page.locator("details.history");
    await expect(history.locator("summary")).toHaveText(`Your decisions so far (${made.length})`);
    await history.locator("summary").click();
    const items = (await history.locator("li").allTextContents()).map(squash);
    expect(items.length).toBe(made.length);
    items.forEach((item, k) => expect(item).toContain(made[k]));
    await history.locator("summary").click();
  }
  expect(oddsSeen, "stretch-target has chance outcomes on the first-choice path").toBeGreaterThan(0);
});

test("feedback saved for the debrief is hidden during play and shown in the debrief", async ({ page }) => {
  await open(page, `/intro/${ID}`);
  await page.getByLabel("Save it all for the debrief at the end").check();
  await page.getByRole("link", { name: "Begin" }).click();
  await waitForScene(page);
  await choose(page, "first");
  await expect(page.locator(".feedback-text")).toHaveCount(0);
  await expect(page.locator(".feedback-saved")).toHaveText("Feedback on this choice is saved for the debrief.");
  // The setting is remembered.
  await page.reload();
  await waitForScene(page);
  await open(page, `/intro/${ID}`);
  await expect(page.getByLabel("Save it all for the debrief at the end")).toBeChecked();
  await open(page, `/play/${ID}`);
  const made = await playToEnding(page, "first");
  await expect(page.locator(".timeline-feedback").first()).toBeVisible();
  expect(await page.locator(".timeline-feedback").count()).toBeGreaterThan(0);
  expect(made.length).toBeGreaterThan(0);
});

test("the debrief: timeline, meter chart, profile, what-ifs, questions, replay from a decision", async ({ page }) => {
  const made = await finish(page);
  const steps = page.locator("ol.timeline > li");
  await expect(steps).toHaveCount(made.length);
  // One what-if per decision, once the engine has searched them.
  await expect(page.locator(".what-if")).toHaveCount(made.length);
  for (const w of await page.locator(".what-if").allTextContents()) {
    expect(squash(w)).toMatch(
      /^What if: (a different choice here|any choice here led to the same ending|your choice kept the best ending in reach|there was no other choice)/,
    );
    expect(w).not.toContain("strongest");
  }
  // The chart has a line per meter with a point for the start and each decision.
  const meters = await page.locator(".line-chart polyline").count();
  expect(meters).toBeGreaterThanOrEqual(2);
  const points = await page.locator(".line-chart polyline").first().getAttribute("points");
  expect(points.trim().split(/\s+/).length).toBe(made.length + 1);
  await expect(page.locator(".line-chart svg title")).toHaveText("Meters at the start and after each decision");
  // Figures table agrees with the end labels.
  await page.locator(".line-chart summary").click();
  await expect(page.locator(".line-chart table tbody tr")).toHaveCount(meters);
  // Principle profile: rows with names; applied and went-against bars.
  expect(await page.locator(".profile-chart .profile-row").count()).toBeGreaterThan(0);
  // Every decision names its principles with their authors.
  await expect(page.locator(".decision-tags").first()).toContainText("(");
  await expect(page.getByRole("heading", { name: "Questions to reflect on" })).toBeVisible();
  expect(await page.locator(".questions li").count()).toBeGreaterThan(0);

  // Replay from decision 2: back to play with the first decision kept.
  await page.getByRole("button", { name: "Replay from decision 2" }).click();
  await expect(page).toHaveURL(/#\/play\/escalation$/);
  await waitForScene(page);
  expect(await decisionNumber(page)).toBe(2);
  await page.locator("details.history summary").click();
  await expect(page.locator("details.history li")).toHaveCount(1);
  await expect(page.locator("details.history li")).toContainText(made[0]);
});

test("results history: completed and best rating in the library, listed in the debrief, cleared on request", async ({ page }) => {
  await finish(page);
  await expect(page.locator(".past-results li")).toHaveCount(1);
  await expect(page.locator(".past-results li")).toContainText("(this playthrough)");
  const rating = squash(await page.locator(".ending .rating").textContent());

  await page.getByRole("button", { name: "Play again" }).click();
  await waitForScene(page);
  await playToEnding(page, "last");
  await expect(page.locator(".past-results li")).toHaveCount(2);
  // The earlier one can be opened as a debrief.
  await expect(page.locator(".past-results").getByRole("link", { name: "View debrief" })).toHaveCount(1);

  await openLibrary(page);
  const progress = card(page, ID).locator(".card-progress");
  await expect(progress).toHaveText(/^Completed 2 times · best rating: (Exemplary|Solid|Costly|Failing)$/);
  await expect(card(page, ID).locator("a.button")).toHaveText(/^Play again/);
  // The finished playthrough is not offered as one to resume, but its debrief is a link away.
  await card(page, ID).getByRole("link", { name: /^Your last debrief/ }).click();
  await expect(page).toHaveURL(/#\/ending\/escalation$/);
  await expect(page.locator(".what-if").first()).toBeVisible();
  await openLibrary(page);
  expect(rating).toMatch(/^(Exemplary|Solid|Costly|Failing)$/);

  await page.getByRole("button", { name: "Clear all my results" }).click();
  await expect(card(page, ID).locator(".card-progress")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Clear all my results" })).toHaveCount(0);
});

test("a share link shows the same debrief in a fresh browser", async ({ page, browser, baseURL }) => {
  await finish(page);
  const mine = await debriefOf(page);
  const link = await page.locator("#share-link").inputValue();
  expect(link).toMatch(/#\/shared\/escalation\.[A-Za-z0-9_-]+$/);
  expect(link.startsWith(baseURL)).toBe(true);

  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    await other.goto(link);
    await expect(other.locator(".shared-note")).toBeVisible();
    const theirs = await debriefOf(other);
    expect(theirs).toEqual(mine);
    // A shared debrief offers to play, not to replay someone else's session.
    await expect(other.getByRole("link", { name: "Play this scenario yourself" })).toBeVisible();
    await expect(other.getByRole("button", { name: /^Replay from decision/ })).toHaveCount(0);
    expect(await other.evaluate(() => Object.keys(localStorage).length)).toBe(0);
  } finally {
    await fresh.close();
  }
});

test("tampered, truncated, outdated and foreign share links explain themselves", async ({ page }) => {
  await finish(page);
  const link = await page.locator("#share-link").inputValue();
  const code = link.split("#/shared/")[1];
  const [id, payload] = code.split(".");

  const expectProblem = async (badCode, message) => {
    await page.goto("about:blank");
    await open(page, `/shared/${badCode}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This share link cannot be opened");
    await expect(page.locator("[role=alert]")).toHaveText(message);
  };

  // One character changed.
  const flipped = payload.slice(0, 5) + (payload[5] === "A" ? "B" : "A") + payload.slice(6);
  await expectProblem(`${id}.${flipped}`, /changed or damaged/);
  await expect(page.getByRole("link", { name: "Play this scenario from the start" })).toHaveAttribute("href", "#/intro/escalation");
  // Cut off.
  await expectProblem(`${id}.${payload.slice(0, 9)}`, /incomplete/);
  // Made with another version of the scenario: same decisions, version byte changed, valid CRC.
  const bytes = Buffer.from(payload, "base64url");
  const body = Buffer.from(bytes.subarray(0, bytes.length - 4));
  body[1] = body[1] + 1; // the version varint (small versions are one byte)
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(Buffer.concat([Buffer.from(id), body])));
  await expectProblem(`${id}.${Buffer.concat([body, crc]).toString("base64url")}`, /edition of this scenario/);
  await page.getByRole("link", { name: "Play this scenario from the start" }).click();
  await expect(page).toHaveURL(/#\/intro\/escalation$/);
  // A scenario this library does not have.
  await expectProblem(`no-such-scenario.${payload}`, /not in this library/);
});

test("the debrief prints as a clean report of at most two pages", async ({ page }) => {
  await finish(page);
  await expect(page.locator(".what-if").first()).toBeVisible();
  await page.emulateMedia({ media: "print" });
  for (const hidden of [".share", ".past-results", ".play-bar", ".meters", "button"]) {
    for (const el of await page.locator(hidden).all()) await expect(el).toBeHidden();
  }
  await expect(page.locator("ol.timeline")).toBeVisible();
  await expect(page.locator(".line-chart svg")).toBeVisible();
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(pages, "the escalation debrief fits on two A4 pages").toBeLessThanOrEqual(2);
});

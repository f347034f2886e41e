// Issue 16: leadership ideas explained where they are met, and meters that move with the
// story. After a choice the feedback names the ideas it applied or went against, each with a
// one-line explanation and its author, and a card behind a disclosure button (what the idea
// says, the source, a question); the debrief lists every idea met with how the choices related
// to it and the same cards; the library's idea filter shows the chosen idea's card. The cards
// open and close with Enter and Space, have the right roles and names, and are axe clean. The
// feedback shows the choice's own meter changes apart from each delayed consequence's, each
// signed and worded ("+4, better"). Screenshots at 390 and 1280 px go to artifacts/ideas-*.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  choose,
  open,
  openLibrary,
  playToEnding,
  saveKey,
  scenarioSessions,
  settle,
  snap,
  waitForScene,
} from "./helpers.js";

const ID = "stretch-target";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const CHANGE = /^(.+) ([+−]\d+), (better|worse)$/;

async function expectNoViolations(page, what) {
  await settle(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
  expect(results.passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
}

/**
 * Checks one card's disclosure inside `scope`: a button named "More about this idea: NAME",
 * collapsed, that opens with Enter and closes with Space (focus stays on it), controlling a
 * panel with what the idea says, its source and a question. Leaves the card open.
 */
async function expectCard(page, scope, name) {
  const button = scope.getByRole("button", { name: `More about this idea: ${name}`, exact: true });
  await expect(button).toHaveAttribute("aria-expanded", "false");
  const panelId = await button.getAttribute("aria-controls");
  expect(panelId).toBeTruthy();
  const panel = page.locator(`[id="${panelId}"]`);
  await expect(panel).toBeHidden();

  await button.focus();
  await page.keyboard.press("Enter");
  await expect(button).toHaveAttribute("aria-expanded", "true");
  await expect(panel).toBeVisible();
  await expect(panel.locator(".idea-says")).toHaveText(/\w.{40,}/);
  await expect(panel.locator(".idea-source")).toHaveText(/^Source: .+, .+\.$/);
  await expect(panel.locator(".idea-question")).toHaveText(/^To reflect on: .+\?$/);
  await expect(button).toBeFocused();

  await page.keyboard.press("Space");
  await expect(button).toHaveAttribute("aria-expanded", "false");
  await expect(panel).toBeHidden();
  await page.keyboard.press("Space");
  await expect(button).toHaveAttribute("aria-expanded", "true");
  await expect(panel).toBeVisible();
}

/** Name and author of each idea line in `scope`, e.g. ["Applied", "Clarity of purpose", "Flavio Martins, ..."]. */
async function ideaLines(scope) {
  return scope.locator(".idea-line").evaluateAll((els) =>
    els.map((el) => ({
      verdict: el.querySelector(".idea-verdict")?.textContent.replace(/:\s*$/, "") ?? null,
      name: el.querySelector(".idea-name")?.textContent ?? "",
      author: el.querySelector(".idea-author")?.textContent.trim().replace(/^· /, "") ?? "",
      text: el.textContent,
    })),
  );
}

test("the feedback names the choice's ideas with a line each, and their cards open by keyboard", async ({ page }) => {
  const cards = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/ideas.txt")) cards.push(r.url());
  });
  await open(page, `/play/${ID}`);
  await waitForScene(page);
  await choose(page, "first");
  const feedback = page.locator("aside.feedback");
  const ideas = feedback.locator(".feedback-ideas");
  await expect(ideas.locator(".feedback-kicker")).toHaveText("Leadership ideas in this choice");
  const lines = await ideaLines(ideas);
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) {
    expect(["Applied", "Went against"]).toContain(l.verdict);
    expect(l.name.length).toBeGreaterThan(2);
    expect(l.author.length).toBeGreaterThan(2);
    // "Applied: NAME · AUTHOR — a one-line explanation."
    expect(l.text).toMatch(/ — .{20,}\.$/);
  }
  // The cards' texts are fetched only when a card is first opened.
  expect(cards).toEqual([]);
  await expectCard(page, ideas, lines[0].name);
  expect(cards.length).toBe(1);
  await expectNoViolations(page, "the feedback with an idea card open");
});

test("the debrief explains every idea the choices met, with how they related and its card", async ({ page }) => {
  await open(page, `/play/${ID}`);
  await waitForScene(page);
  await playToEnding(page, "first");
  const section = page.locator("section.ideas-met");
  await expect(section.getByRole("heading", { name: "Leadership ideas in this scenario" })).toBeVisible();
  const items = section.locator("li.idea");
  const n = await items.count();
  expect(n).toBeGreaterThan(0);
  // Every idea named in the timeline's "Applied"/"Went against" lines is in the section.
  const timeline = (await page.locator(".decision-tags").allTextContents()).join("; ");
  const names = (await ideaLines(section)).map((l) => l.name);
  expect(new Set(names).size).toBe(n);
  for (const name of names) expect(timeline).toContain(name);
  for (let i = 0; i < n; i++) {
    await expect(items.nth(i).locator(".idea-relation")).toHaveText(
      /^You (applied it in decisions? [\d, and]+|went against it in decisions? [\d, and]+|applied it in decisions? [\d, and]+ and went against it in decisions? [\d, and]+)\.$/,
    );
    await expect(items.nth(i).getByRole("button", { name: /^More about this idea: / })).toBeVisible();
  }
  await expectCard(page, items.first(), names[0]);
  await expectNoViolations(page, "the debrief with an idea card open");
});

test("the library's idea filter shows the chosen idea and links to its card", async ({ page }) => {
  await openLibrary(page);
  const select = page.getByLabel("Leadership idea");
  const option = select.locator("option").nth(1);
  const name = (await option.textContent()).trim();
  await select.selectOption({ index: 1 });
  const idea = page.locator(".library-idea");
  await expect(idea.locator(".idea-name")).toHaveText(name);
  await expectCard(page, idea, name);
  // Another idea: its own card, closed.
  await select.selectOption({ index: 2 });
  const other = (await select.locator("option").nth(2).textContent()).trim();
  await expect(idea.locator(".idea-name")).toHaveText(other);
  await expect(idea.getByRole("button", { name: `More about this idea: ${other}` })).toHaveAttribute("aria-expanded", "false");
  await select.selectOption({ index: 0 });
  await expect(page.locator(".library-idea")).toHaveCount(0);
  await select.selectOption({ index: 1 });
  await expectNoViolations(page, "the library with an idea chosen");
});

test.describe("without the service worker (whose fetches page.route cannot see)", () => {
  test.use({ serviceWorkers: "block" });
  test("a card that cannot be downloaded says so and offers to try again", async ({ page }) => {
  let fail = true;
  await page.route("**/ideas.txt", (route) => (fail ? route.fulfill({ status: 503, body: "" }) : route.continue()));
  await open(page, `/play/${ID}`);
  await waitForScene(page);
  await choose(page, "first");
  const button = page.locator(".feedback-ideas .idea-toggle").first();
  await button.click();
  const panel = page.locator(`[id="${await button.getAttribute("aria-controls")}"]`);
  await expect(panel.getByRole("alert")).toHaveText("The explanation could not be downloaded (the server answered 503).");
  fail = false;
  await panel.getByRole("button", { name: "Try again" }).click();
  await expect(panel.locator(".idea-question")).toHaveText(/\?$/);
  });
});

/** The changes listed in `scope` as { label, delta, word, good }. */
async function changes(scope) {
  return scope.locator(":scope > .changes > .change").evaluateAll((els) =>
    els.map((el) => ({ text: el.textContent, good: el.classList.contains("good"), bad: el.classList.contains("bad") })),
  );
}

/**
 * Opens a finished playthrough's debrief in which a delayed consequence moved a meter, then
 * replays from that decision and makes the same choice with the same dice. Returns the
 * scenario id, or fails if no bundled path has such a consequence.
 */
const CONSEQUENCE_IDS = ["burnout", "escalation", "stretch-target", "policy", "boss-demand"];
let sessionsCache = null;

async function replayToConsequence(page) {
  const ids = CONSEQUENCE_IDS;
  // Worked out by the engine (a cargo run, slow the first time), once per worker.
  sessionsCache ??= scenarioSessions(...ids);
  const sessions = sessionsCache;
  for (const id of ids) {
    for (const kind of ["worst", "best", "longest", "lowest_pass"]) {
      const path = sessions[id]?.[kind];
      if (!path) continue;
      await page.goto("about:blank");
      await open(page, "/");
      await page.evaluate(([k, code]) => localStorage.setItem(k, code), [saveKey(id), path.code]);
      await open(page, `/ending/${id}`);
      await expect(page.locator(".ending .score")).toBeVisible();
      await expect(page.locator("ol.timeline > li").first()).toBeVisible();
      const steps = page.locator("ol.timeline > li");
      const at = await steps.evaluateAll((lis) =>
        lis.findIndex((li) => li.querySelector(".timeline-consequence .timeline-changes")),
      );
      if (at < 0) continue;
      const choice = (await steps.nth(at).locator(".decision-choice").textContent()).replace(/^You chose:\s*/, "").trim();
      await steps.nth(at).getByRole("button", { name: `Replay from decision ${at + 1}` }).click();
      await expect(page.locator("#scene-heading")).toHaveText(new RegExp(`^Decision ${at + 1}\\b`));
      const before = await page.locator("section[aria-label=Meters] .meter").evaluateAll((els) =>
        els.map((el) => [el.querySelector(".meter-label").textContent, Number(el.querySelector(".meter-value").textContent)]),
      );
      await page.locator("ol.choices button.choice", { hasText: choice }).first().click();
      await expect(page.locator("aside.feedback .feedback-consequence").first()).toBeVisible();
      return { id, before: Object.fromEntries(before) };
    }
  }
  throw new Error("no bundled path has a delayed consequence that moves a meter");
}

test("a delayed consequence is shown apart from the choice, each change signed, worded and coloured", async ({ page }) => {
  test.setTimeout(180_000);
  const { before } = await replayToConsequence(page);
  const feedback = page.locator("aside.feedback");
  const own = await changes(feedback.locator(".feedback-own"));
  const consequences = feedback.locator(".feedback-consequence");
  const all = [...own];
  let withChanges = 0;
  for (let i = 0; i < (await consequences.count()); i++) {
    const c = consequences.nth(i);
    const listed = await changes(c);
    all.push(...listed);
    const kicker = (await c.locator(".feedback-kicker").textContent()).trim();
    if (listed.length) withChanges++;
    // The kicker says the news in words, agreeing with the colour class.
    if (listed.length && listed.every((x) => x.good)) {
      expect(kicker).toBe("Meanwhile (good news):");
      await expect(c).toHaveClass(/\bgood\b/);
    } else if (listed.length && listed.every((x) => x.bad)) {
      expect(kicker).toBe("Meanwhile (bad news):");
      await expect(c).toHaveClass(/\bbad\b/);
    } else {
      expect(kicker).toBe("Meanwhile:");
    }
  }
  expect(withChanges).toBeGreaterThan(0);
  // Every change is "Label +N, better" or "Label −N, worse" for a high-is-good meter, and its
  // colour class agrees with the word; together they add up to the meters' movement.
  const net = {};
  for (const x of all) {
    const m = CHANGE.exec(x.text);
    expect(m, x.text).toBeTruthy();
    expect(x.good).toBe(m[3] === "better");
    expect(x.bad).toBe(m[3] === "worse");
    net[m[1]] = (net[m[1]] ?? 0) + Number(m[2].replace("−", "-"));
  }
  const after = await page.locator("section[aria-label=Meters] .meter").evaluateAll((els) =>
    els.map((el) => [el.querySelector(".meter-label").textContent, Number(el.querySelector(".meter-value").textContent)]),
  );
  for (const [label, value] of after) {
    expect(value - before[label], label).toBe(net[label] ?? 0);
  }
  // The screen reader hears the consequence apart too.
  await expect(page.locator("main#main [aria-live=polite]")).toContainText("Meanwhile:");
});

for (const size of SIZES) {
  test(`screenshots of ideas and consequences at ${size.width}px`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(size);
    const tag = `${size.width}x${size.height}`;
    await open(page, `/play/${ID}`);
    await waitForScene(page);
    await choose(page, "first");
    await page.locator(".feedback-ideas .idea-toggle").first().click();
    await expect(page.locator(".feedback-ideas .idea-question").first()).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, `ideas-feedback-${tag}`);

    await replayToConsequence(page);
    await expect(page.locator("aside.feedback .feedback-consequence").first()).toBeVisible();
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, `ideas-consequence-${tag}`);

    await open(page, `/play/${ID}`);
    await waitForScene(page);
    await playToEnding(page, "first");
    await page.locator("section.ideas-met .idea-toggle").first().click();
    await expect(page.locator("section.ideas-met .idea-question").first()).toBeVisible();
    const section = page.locator("section.ideas-met");
    await page.evaluate(() => window.scrollTo(0, 0));
    await settle(page);
    const box = await section.boundingBox();
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(size.width);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The section as it lies in the page (an element screenshot would scroll it under the
    // sticky meters on a phone).
    await page.screenshot({
      path: join(ARTIFACTS, `ideas-debrief-${tag}.png`),
      fullPage: true,
      clip: { x: 0, y: Math.max(0, box.y - 16), width: size.width, height: Math.min(box.height + 32, 1600) },
    });
  });
}

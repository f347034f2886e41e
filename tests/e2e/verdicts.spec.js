// Verdicts a learner can trust, in the browser (the LMS side is in lms.spec.js):
// - the policy scenario's exemplary path, derived at test time from the scenario file (its
//   analysis's best path and a seed whose dice play it out, pinned through the save), ends
//   with a passing score that names the scenario's pass mark, and the past results agree;
// - every what-if is worded by whether its decision mattered, as the engine says natively
//   (the `sessions` example's `mattered`), and a decision that did not matter says "any
//   choice here led to the same ending";
// - results stored before score bands still load, marked as not comparable, and are cleared
//   with the rest.
import { test, expect } from "@playwright/test";
import {
  card,
  open,
  openLibrary,
  playTexts,
  saveKey,
  scenarioSessions,
  snap,
  WHAT_IF_OPENINGS,
} from "./helpers.js";

let sessions;

test.beforeAll(() => {
  test.setTimeout(300_000);
  sessions = scenarioSessions("policy", "escalation");
});

// The scenario's own pass mark, as the debrief names it.
const OWN_MARK = "\\(pass mark \\d+: (an exemplary ending|a \\w+ ending or better|any ending)\\)";

const squash = (s) => (s ?? "").replace(/\s+/g, " ").trim();

/** Pins a scenario's next playthrough to a seed: its save is the seed's session with no decisions. */
async function pin(page, id, path) {
  await openLibrary(page);
  await page.evaluate(([key, code]) => localStorage.setItem(key, code), [saveKey(id), path.start]);
  await open(page, `/play/${id}`);
}

/** Each decision's what-if says what the engine found it meant. */
async function expectWhatIfs(page, mattered) {
  const whatIfs = page.locator("ol.timeline > li .what-if");
  await expect(whatIfs).toHaveCount(mattered.length);
  const texts = (await whatIfs.allTextContents()).map(squash);
  texts.forEach((text, n) => {
    expect(text, `decision ${n + 1} (${mattered[n]})`).toMatch(new RegExp(`^${WHAT_IF_OPENINGS[mattered[n]]}`));
    expect(text).not.toContain("strongest");
  });
  return texts;
}

test("policy: the exemplary path shows a passing score with the scenario's pass mark", async ({ page }) => {
  const best = sessions.policy.best;
  expect(best.rating).toBe("exemplary");
  await pin(page, "policy", best);
  await playTexts(
    page,
    best.steps.map((s) => s.text),
  );
  await expect(page).toHaveURL(/#\/ending\/policy$/);
  await expect(page.locator(".ending .rating")).toHaveText("Exemplary");
  await expect(page.locator(".ending .score")).toHaveText(
    new RegExp(`^Score ${best.score} / 100 — passed ${OWN_MARK}$`),
  );
  await expect(page.locator(".ending .score")).toHaveClass(/passed/);
  // With the same dice, no other choice anywhere on the best path ends better.
  const texts = await expectWhatIfs(page, best.mattered);
  expect(texts.some((t) => t.startsWith(WHAT_IF_OPENINGS["alternative-better"]))).toBe(false);
  await expect(page.locator(".past-results li").first()).toContainText(
    new RegExp(`score ${best.score}, passed \\(pass mark \\d+\\)`),
  );
  await snap(page, "verdict-policy-exemplary");
});

test("what-ifs: a decision that did not matter says so, one that did names the better ending", async ({ page }) => {
  // A share link replays the playthrough exactly; its debrief has the same what-ifs.
  const path = sessions.policy.worst;
  const same = path.mattered.indexOf("same-ending");
  expect(same, "the worst path of policy has a decision whose choices all end the same way").toBeGreaterThanOrEqual(0);
  await open(page, `/shared/${path.code}`);
  await expect(page.locator(".ending .score")).toHaveText(
    new RegExp(`^Score ${path.score} / 100 — not passed ${OWN_MARK}$`),
  );
  const texts = await expectWhatIfs(page, path.mattered);
  expect(texts[same]).toMatch(/^What if: any choice here led to the same ending, “[^”]+” \((exemplary|solid|costly|failing)\), /);
  const better = path.mattered.indexOf("alternative-better");
  if (better >= 0) {
    expect(texts[better]).toMatch(/^What if: a different choice here(, “[^”]+”, would have reached the same ending| would have led to “[^”]+” \()/);
    await expect(page.locator("ol.timeline > li").nth(better).locator(".what-if")).toHaveClass(/better/);
  }
  await page.locator("ol.timeline > li").nth(same).scrollIntoViewIfNeeded();
  await snap(page, "verdict-what-ifs-policy-worst");
});

// Results as the build before score bands stored them: postcard bytes of a list of
// { code, ending, rating, score, passed, at }, in URL-safe base64 without padding.
function earlierResults(records) {
  const varint = (n) => {
    const out = [];
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    return out;
  };
  const text = (s) => {
    const bytes = Buffer.from(s, "utf8");
    return [...varint(bytes.length), ...bytes];
  };
  const f64 = (x) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return [...b];
  };
  const ratings = ["exemplary", "solid", "costly", "failing"];
  const bytes = [...varint(records.length)];
  for (const r of records) {
    bytes.push(...text(r.code), ...text(r.ending), ...varint(ratings.indexOf(r.rating)));
    bytes.push(...varint(r.score >= 0 ? r.score * 2 : -r.score * 2 - 1), r.passed ? 1 : 0, ...f64(r.at));
  }
  return Buffer.from(bytes).toString("base64url");
}

test("past results: the debrief's verdict, and results from before score bands still listed, marked", async ({ page }) => {
  const { worst, lowest_pass: pass } = sessions.escalation;
  await openLibrary(page);
  const old = earlierResults([
    { code: worst.code, ending: "An ending of old", rating: "costly", score: 41, passed: false, at: Date.UTC(2026, 0, 15) },
  ]);
  await page.evaluate((raw) => localStorage.setItem("frontline.v1.results.escalation", raw), old);
  await page.reload();
  await expect(card(page, "escalation").locator(".card-progress")).toHaveText(/^Completed 1 time/);

  await pin(page, "escalation", pass);
  await playTexts(
    page,
    pass.steps.map((s) => s.text),
  );
  const scoreLine = page.locator(".ending .score");
  await expect(scoreLine).toHaveText(
    new RegExp(`^Score ${pass.score} / 100 — passed ${OWN_MARK}$`),
  );
  const mark = /pass mark (\d+)/.exec(await scoreLine.textContent())[1];
  const items = page.locator(".past-results li");
  await expect(items).toHaveCount(2);
  // Newest first: this playthrough, judged as the debrief says; then the earlier one.
  await expect(items.nth(0)).toContainText(`score ${pass.score}, passed (pass mark ${mark})`);
  await expect(items.nth(0)).toContainText("(this playthrough)");
  await expect(items.nth(1)).toContainText(
    "An ending of old — score 41 under the earlier scoring, not comparable with later scores",
  );
  await expect(items.nth(1).getByRole("link", { name: "View debrief" })).toBeVisible();
  await items.nth(1).scrollIntoViewIfNeeded();
  await snap(page, "verdict-past-results");

  await openLibrary(page);
  await expect(card(page, "escalation").locator(".card-progress")).toHaveText(/^Completed 2 times/);
  await page.getByRole("button", { name: "Clear all my results" }).click();
  await expect(card(page, "escalation").locator(".card-progress")).toHaveCount(0);
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes("results")));
  expect(left).toEqual([]);
});

// Player journeys through the built app, with the mouse and with the keyboard alone:
// - a full playthrough of `stretch-target` from the library card to its ending (route, rating,
//   score, decision list), with visible meter deltas and the polite live-region announcement
//   agreeing with the meters shown;
// - autosave and resume: a reload after 3 decisions returns to Decision 4 with the same
//   meters and history, and the library card then says "Resume";
// - corrupt and tampered saves are discarded with a dismissable notice and a fresh start;
// - a keyboard-only playthrough (Tab/Shift+Tab/Enter/Space) with focus on the new scene's
//   heading after every choice and after "Play again".
import { test, expect } from "@playwright/test";
import {
  card,
  startFromLibrary,
  choose,
  decisionNumber,
  expectEnding,
  liveRegion,
  meters,
  open,
  openLibrary,
  saveKey,
  waitAfterDecision,
  waitForScene,
  MAX_DECISIONS,
} from "./helpers.js";

const ID = "stretch-target";
const ANNOUNCEMENT = /(rose|fell) by \d+ to \d+/;

test("play stretch-target from the library to an ending by clicking", async ({ page }) => {
  await openLibrary(page);
  const stretch = card(page, ID);
  await expect(stretch.locator("h3")).toHaveText("A stretch target");
  const start = stretch.getByRole("link", { name: /^Start A stretch target$/ });
  await expect(start).toBeVisible();
  await start.click();

  // The briefing: role, team, customers and what each meter means, then Begin.
  await expect(page).toHaveURL(new RegExp(`#/intro/${ID}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("A stretch target");
  await expect(page.getByRole("heading", { name: "Your role" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "What the meters mean" })).toBeVisible();
  await expect(page.locator(".meter-guide dt").first()).toHaveText("Team morale");
  await expect(page.locator(".cast li").first()).not.toBeEmpty();
  await page.getByRole("link", { name: "Begin" }).click();

  await expect(page).toHaveURL(new RegExp(`#/play/${ID}$`));
  await expect(page.locator("header.play-bar h1")).toHaveText("A stretch target");
  await expect(page.locator("header.play-bar").getByRole("link", { name: "← Library" })).toBeVisible();
  await waitForScene(page);
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
  // Before any decision: no feedback, no deltas, nothing announced.
  await expect(page.locator("aside.feedback")).toHaveCount(0);
  await expect(page.locator(".meter-delta")).toHaveCount(0);
  await expect(liveRegion(page)).toHaveText("");

  const initial = await meters(page);
  expect(initial.length).toBeGreaterThan(0);
  for (const m of initial) expect(m.now, `${m.label} aria-valuenow`).toBe(m.value);

  const made = [];
  let deltasSeen = 0;
  const announcements = [];
  let previous = initial;
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const { text, ended } = await choose(page, "first");
    made.push(text);
    const now = await meters(page);
    for (const m of now) expect(m.now, `${m.label} aria-valuenow`).toBe(m.value);
    const changed = now.filter((m, k) => m.value !== previous[k].value);
    const deltaCount = await page.locator(".meter-delta").count();
    if (deltaCount > 0) {
      deltasSeen++;
      await expect(page.locator(".meter-delta").first()).toBeVisible();
    }
    // A delta badge is shown exactly for the meters whose value changed, with the right size.
    expect(deltaCount).toBe(changed.length);
    for (const m of changed) {
      const k = now.indexOf(m);
      const d = m.value - previous[k].value;
      expect(m.delta).toBe(d > 0 ? `+${d}` : `\u2212${-d}`);
    }
    const spoken = ((await liveRegion(page).textContent()) ?? "").trim();
    announcements.push(spoken);
    // Each meter's announced changes (the choice's own, then each delayed consequence's after
    // "Meanwhile:") add up to its movement, the last one ending at its new value.
    for (const [k, m] of now.entries()) {
      const said = [...spoken.matchAll(new RegExp(`${m.label} (rose|fell) by (\\d+) to (\\d+)\\.`, "g"))];
      const total = said.reduce((t, x) => t + (x[1] === "rose" ? 1 : -1) * Number(x[2]), 0);
      expect(total, `${m.label}'s announced changes add up`).toBe(m.value - previous[k].value);
      if (said.length) expect(Number(said.at(-1)[3]), `${m.label} ends where the meter shows`).toBe(m.value);
      if (changed.includes(m)) expect(said.length, `${m.label} is announced`).toBeGreaterThan(0);
    }
    if (ANNOUNCEMENT.test(spoken)) {
      expect(spoken).toMatch(/^([^.]+ (rose|fell) by \d+ to \d+\.|Meanwhile:)( ([^.]+ (rose|fell) by \d+ to \d+\.|Meanwhile:))*$/);
    } else {
      expect(changed).toEqual([]);
      expect(spoken).toBe("The meters did not change.");
    }
    previous = now;
    if (ended) break;
  }

  await expectEnding(page, ID, made);
  expect(deltasSeen, "a .meter-delta appeared at least once").toBeGreaterThan(0);
  expect(announcements.some((a) => ANNOUNCEMENT.test(a))).toBe(true);
  // The finished session is saved too.
  expect(await page.evaluate((k) => localStorage.getItem(k), saveKey(ID))).toMatch(/^stretch-target\./);
});

test("reload after 3 decisions resumes at Decision 4 with the same meters and history", async ({ page }) => {
  await openLibrary(page);
  await expect(card(page, ID).getByRole("link")).toHaveText(/^Start\b/);
  await startFromLibrary(page, ID);

  const made = [];
  for (let i = 0; i < 3; i++) {
    const { text, ended } = await choose(page, "first");
    expect(ended, "stretch-target should not end within 3 decisions").toBe(false);
    made.push(text);
  }
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 4\b/);
  const heading = (await page.locator("#scene-heading").textContent()).trim();
  const sceneText = (await page.locator(".scene .scene-text").textContent()).trim();
  const choices = await page.locator("button.choice .choice-text").allTextContents();
  const before = await meters(page);
  const saved = await page.evaluate((k) => localStorage.getItem(k), saveKey(ID));
  expect(saved, "autosaved after each decision").toMatch(/^stretch-target\./);

  await page.reload();
  await waitForScene(page);
  await expect(page).toHaveURL(new RegExp(`#/play/${ID}$`));
  await expect(page.locator(".notice")).toHaveCount(0);
  await expect(page.locator("#scene-heading")).toHaveText(heading);
  await expect(page.locator(".scene .scene-text")).toHaveText(sceneText);
  expect(await page.locator("button.choice .choice-text").allTextContents()).toEqual(choices);
  const after = await meters(page);
  expect(after.map(({ label, value, now }) => ({ label, value, now }))).toEqual(
    before.map(({ label, value, now }) => ({ label, value, now })),
  );
  // The restored session re-encodes to the same code: same seed, same history.
  expect(await page.evaluate((k) => localStorage.getItem(k), saveKey(ID))).toBe(saved);

  // The library now offers to resume this scenario, and only this one.
  await page.locator("header.play-bar").getByRole("link", { name: "← Library" }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(card(page, ID).getByRole("link")).toHaveText(/^Resume\b/);
  await expect(card(page, ID).getByRole("link")).toHaveAccessibleName("Resume A stretch target");
  await expect(page.locator(".card a.button", { hasText: /^Resume/ })).toHaveCount(1);

  // Resuming continues the same history: the ending lists the 3 earlier decisions first.
  await card(page, ID).getByRole("link").click();
  await waitForScene(page);
  await expect(page.locator("#scene-heading")).toHaveText(heading);
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const { text, ended } = await choose(page, "first");
    made.push(text);
    if (ended) break;
  }
  await expectEnding(page, ID, made);
});

test.describe("a save that cannot be restored", () => {
  async function expectDiscarded(page) {
    const notice = page.locator(".notice");
    await expect(notice).toBeVisible();
    await expect(notice).toHaveAttribute("role", "status");
    await expect(notice).toContainText("could not be restored");
    await expect(page.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
    await expect(page.locator("aside.feedback")).toHaveCount(0);
    return notice;
  }

  test("garbage in the save key: notice, fresh start, key removed, Dismiss hides it", async ({ page }) => {
    await openLibrary(page);
    await page.evaluate((k) => localStorage.setItem(k, "garbage"), saveKey(ID));
    await page.goto("about:blank");
    await open(page, `/play/${ID}`);
    await waitForScene(page);

    const notice = await expectDiscarded(page);
    expect(await page.evaluate((k) => localStorage.getItem(k), saveKey(ID))).toBeNull();

    await notice.getByRole("button", { name: "Dismiss" }).click();
    await expect(page.locator(".notice")).toHaveCount(0);

    // Play goes on normally and saves a good code over the removed one.
    await choose(page, "first");
    const code = await page.evaluate((k) => localStorage.getItem(k), saveKey(ID));
    expect(code).toMatch(/^stretch-target\./);
    await page.reload();
    await waitForScene(page);
    await expect(page.locator(".notice")).toHaveCount(0);
    await expect(page.locator("#scene-heading")).toHaveText(/^Decision 2\b/);
  });

  test("a tampered session code is discarded the same way", async ({ page }) => {
    await open(page, `/play/${ID}`);
    await waitForScene(page);
    await choose(page, "first");
    await choose(page, "first");
    const code = await page.evaluate((k) => localStorage.getItem(k), saveKey(ID));
    expect(code).toMatch(/^stretch-target\./);
    // Change one character in the middle of the encoded body.
    const at = Math.floor((code.indexOf(".") + 1 + code.length) / 2);
    const tampered = code.slice(0, at) + (code[at] === "A" ? "B" : "A") + code.slice(at + 1);
    expect(tampered).not.toBe(code);
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [saveKey(ID), tampered]);
    await page.reload();
    await waitForScene(page);

    await expectDiscarded(page);
    const left = await page.evaluate((k) => localStorage.getItem(k), saveKey(ID));
    expect(left).not.toBe(tampered);
    expect(left).toBeNull();
  });
});

test("keyboard only: start from the library and reach an ending", async ({ page }) => {
  await openLibrary(page);

  /** Presses `key` until `predicate(activeElement)` holds; fails after `max` presses. */
  async function tabTo(key, predicate, arg, max = 40) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press(key);
      if (await page.evaluate(predicate, arg)) return;
    }
    throw new Error(`focus never reached the target with ${key}`);
  }
  const isHref = (href) => document.activeElement?.getAttribute("href") === href;
  const isChoice = (n) =>
    document.activeElement === document.querySelectorAll("ol.choices button.choice")[n];

  // The first Tab reaches the skip link, and it is shown when focused.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();

  await tabTo("Tab", isHref, `#/intro/${ID}`);
  await expect(card(page, ID).getByRole("link")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`#/intro/${ID}$`));
  // On the briefing, Tab through the feedback setting to "Begin".
  await tabTo("Tab", isHref, `#/play/${ID}`);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`#/play/${ID}$`));
  await waitForScene(page);

  let made = 0;
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const n = await decisionNumber(page);
    if (made === 0) {
      // Nothing is focused inside the scene yet: Tab forward to the first choice.
      await tabTo("Tab", isChoice, 0);
    } else {
      // After a choice focus sits on the scene heading, and the next Tab is the first choice.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(isChoice, 0), "Tab from the heading reaches choice A").toBe(true);
    }
    const count = await page.locator("ol.choices button.choice").count();
    if (count > 1) {
      // Go to B and back to A with Shift+Tab.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(isChoice, 1)).toBe(true);
      await page.keyboard.press("Shift+Tab");
      expect(await page.evaluate(isChoice, 0)).toBe(true);
    }
    await expect(page.locator("ol.choices button.choice").first()).toBeFocused();
    // Alternate Enter and Space: both must activate the button.
    await page.keyboard.press(i % 2 === 0 ? "Enter" : "Space");
    const ended = await waitAfterDecision(page, n);
    made++;
    await expect(page.locator("h2#scene-heading")).toBeFocused();
    if (ended) break;
  }

  await expect(page).toHaveURL(new RegExp(`#/ending/${ID}$`));
  await expect(page.locator(".ending .rating")).toBeVisible();
  await expect(page.locator(".ending ol.timeline > li")).toHaveCount(made);
  await expect(page.locator("h2#scene-heading")).toBeFocused();

  // "Play again" works from the keyboard too.
  await tabTo("Tab", () => document.activeElement?.textContent?.trim() === "Play again", undefined);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`#/play/${ID}$`));
  await waitForScene(page);
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
  // The button is gone with the ending: focus moves to the new scene, not to <body>.
  await expect(page.locator("h2#scene-heading")).toBeFocused();
  await page.keyboard.press("Tab");
  expect(await page.evaluate(isChoice, 0), "Tab from the heading reaches choice A").toBe(true);
});

// Shared steps for the browser suite: opening a route and waiting for the app to render it,
// reading the meters, making a decision (by mouse or keyboard) and waiting for the next scene
// or the ending, and playing a whole scenario. Every wait here is on something the app must
// do (a new "Decision N" heading, the ending route and its score), so a broken behaviour makes
// the calling test fail rather than pass by accident.
import { expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = dirname(fileURLToPath(import.meta.url));
// The built app under test: dist/ (`trunk build --release`), or the folder in FRONTLINE_DIST
// (scripts/test builds into target/dist-test, so that a running ./scripts/serve, which
// rebuilds dist/, and the tests never write the same folder).
export const DIST = process.env.FRONTLINE_DIST ?? join(HERE, "..", "..", "dist");
export const ARTIFACTS = join(HERE, "artifacts");
// The room server serving the same bundle (playwright.config.js starts it).
export const ROOMS_URL = `http://127.0.0.1:${Number(process.env.E2E_ROOMS_PORT ?? Number(process.env.E2E_PORT ?? 8091) + 200)}/`;
// Two nodes with NATS behind haproxy (scripts/cluster), serving the same bundle: the proxy, and
// each node directly (so a test can put the projector on one node and a phone on the other).
const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? Number(process.env.E2E_PORT ?? 8091) + 300);
export const CLUSTER_URL = `http://127.0.0.1:${CLUSTER_PORT}/`;
export const CLUSTER_NODE_URLS = [1, 2].map((n) => `http://127.0.0.1:${CLUSTER_PORT + n}/`);

/** The save key for a scenario (see src/platform/saves.rs). */
export const saveKey = (id) => `frontline.v1.save.${id}`;

/** More decisions than any scenario has: a playthrough that runs past this is a dead end. */
export const MAX_DECISIONS = 60;

/** Opens a hash route (e.g. "/play/stretch-target") in a fresh document and waits for the app. */
export async function open(page, route) {
  await page.goto(`./#${route}`);
  await expect(page.locator("main#main")).toBeVisible();
}

/** Opens the library and waits for its cards. */
export async function openLibrary(page) {
  await open(page, "/");
  await expect(page.locator(".card").first()).toBeVisible();
}

/** The library card (li.card) for a scenario id. */
export function card(page, id) {
  return page.locator(".card", { has: page.locator(`h3#card-${id}`) });
}

/** Scenario ids in library order, read from the cards' links (briefing, or play to resume). */
export async function libraryIds(page) {
  const hrefs = await page.locator(".card a.button").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  return hrefs.map((h) => {
    const m = /^#\/(?:intro|play)\/([\w-]+)$/.exec(h ?? "");
    if (!m) throw new Error(`unexpected card link ${h}`);
    return m[1];
  });
}

/**
 * Starts scenario `id` from its library card: the card opens the briefing, whose "Begin"
 * opens the first scene. Waits for the scene.
 */
export async function startFromLibrary(page, id) {
  await card(page, id).locator("a.button").click();
  await expect(page).toHaveURL(new RegExp(`#/intro/${id}$`));
  await page.getByRole("link", { name: "Begin" }).click();
  await expect(page).toHaveURL(new RegExp(`#/play/${id}$`));
  await waitForScene(page);
}

/** Waits until the play screen shows a scene with choices. */
export async function waitForScene(page) {
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision \d+/);
  await expect(page.locator("ol.choices button.choice").first()).toBeVisible();
}

/** The number in the current "Decision N" heading. */
export async function decisionNumber(page) {
  const text = (await page.locator("#scene-heading").textContent()) ?? "";
  const m = /^Decision (\d+)/.exec(text.trim());
  if (!m) throw new Error(`not on a decision: heading is "${text}"`);
  return Number(m[1]);
}

/** Meter values as shown, with their aria-valuenow, in meter order. */
export async function meters(page) {
  return page.locator("section[aria-label=Meters] .meter").evaluateAll((els) =>
    els.map((el) => ({
      label: el.querySelector(".meter-label")?.textContent?.trim() ?? "",
      value: Number(el.querySelector(".meter-value")?.textContent?.trim()),
      now: Number(el.querySelector("[role=meter]")?.getAttribute("aria-valuenow")),
      delta: el.querySelector(".meter-delta")?.textContent?.trim() ?? null,
    })),
  );
}

/** The polite live region that announces meter changes. */
export function liveRegion(page) {
  return page.locator("main#main [aria-live=polite]");
}

const squash = (s) => (s ?? "").replace(/\s+/g, " ").trim();

/**
 * Waits for the result of a decision made on decision `n`: either "Decision n+1" or the
 * ending route with its score.
 */
export async function waitAfterDecision(page, n) {
  await page.waitForFunction(
    (next) => {
      const heading = document.querySelector("#scene-heading");
      if (!heading) return false;
      if (location.hash.startsWith("#/ending/")) {
        return !!document.querySelector(".ending .score");
      }
      const m = /^Decision (\d+)/.exec(heading.textContent.trim());
      return !!m && Number(m[1]) === next && !!document.querySelector("button.choice");
    },
    n + 1,
  );
  return page.url().includes("#/ending/");
}

/**
 * Clicks a choice ("first", "last" or an index) and waits for what follows. Returns the
 * choice's text and whether the session ended.
 */
export async function choose(page, which = "first") {
  const n = await decisionNumber(page);
  const buttons = page.locator("ol.choices button.choice");
  const count = await buttons.count();
  expect(count, `Decision ${n} offers no choices`).toBeGreaterThan(0);
  const index = which === "first" ? 0 : which === "last" ? count - 1 : which;
  const button = buttons.nth(index);
  const text = squash(await button.locator(".choice-text").textContent());
  await button.click();
  const ended = await waitAfterDecision(page, n);
  // The feedback panel names the choice just made.
  await expect(page.locator("aside.feedback .feedback-choice")).toHaveText(`You chose: ${text}`, {
    normalizeWhitespace: true,
  });
  return { text, ended };
}

/**
 * Plays the current scenario to its ending, always taking the same position ("first" or
 * "last"). `onStep` runs after each decision. Returns the texts of the choices made.
 */
export async function playToEnding(page, which = "first", onStep = async () => {}) {
  await waitForScene(page);
  const made = [];
  for (let i = 0; i < MAX_DECISIONS; i++) {
    const { text, ended } = await choose(page, which);
    made.push(text);
    await onStep(made.length, ended);
    if (ended) return made;
  }
  throw new Error(`no ending after ${MAX_DECISIONS} decisions: a dead end or a loop`);
}

/** Checks the ending screen of scenario `id` after the decisions `made`. */
export async function expectEnding(page, id, made) {
  await expect(page).toHaveURL(new RegExp(`#/ending/${id}$`));
  await expect(page.locator(".ending .rating")).toHaveText(/^(Exemplary|Solid|Costly|Failing)$/);
  await expect(page.locator("h2#scene-heading")).not.toHaveText(/^Decision \d+/);
  await expect(page.locator("h2#scene-heading")).not.toBeEmpty();
  await expect(page.locator(".ending .score")).toHaveText(
    /^Score \d{1,3} \/ 100 — (passed|not passed) \(pass mark \d+(, set by your learning platform|: (an exemplary ending|a solid ending or better|a costly ending or better|any ending))\)$/,
  );
  await expect(page.locator(".ending .debrief")).not.toBeEmpty();
  await expect(page.getByRole("heading", { name: "Your path" })).toBeVisible();
  const listed = page.locator(".ending ol.timeline > li");
  await expect(listed).toHaveCount(made.length);
  const texts = (await listed.locator(".decision-choice").allTextContents()).map(squash);
  expect(texts).toEqual(made.map((m) => `You chose: ${m}`));
  await expect(page.getByRole("button", { name: "Play again" })).toBeVisible();
  await expect(page.locator("button.choice")).toHaveCount(0);
}

/** Waits until CSS animations and transitions (meter deltas, bar widths) have finished. */
export async function settle(page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState === "finished" || a.playState === "idle"),
  );
}

/** Writes a full-page screenshot to artifacts/NAME.png. */
export async function snap(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await settle(page);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Session codes and paths for every bundled scenario, from `cargo run -p frontline-cli
 * --example sessions` (see crates/cli/examples/sessions.rs): per scenario id, `best`,
 * `worst`, `longest` and `lowest_pass` paths ({ code, start, seed, steps: [{ scene, choice,
 * text }], rating, score, passed, mattered: [...] }) and `random` codes. Derived from the
 * scenario files at test time, so content changes never leave a test with stale choices.
 */
export function scenarioSessions(...ids) {
  const root = join(HERE, "..", "..");
  const files = ids.length
    ? ids.map((id) => join("scenarios", `${id}.toml`))
    : readdirSync(join(root, "scenarios"))
        .filter((f) => f.endsWith(".toml"))
        .map((f) => join("scenarios", f));
  const out = execFileSync("cargo", ["run", "--quiet", "-p", "frontline-cli", "--example", "sessions", "--", ...files], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

/**
 * Plays the choices with these texts, in order, in `scope` (a page or a frame), from
 * Decision 1, and waits for the ending's score.
 */
export async function playTexts(scope, texts) {
  for (const [n, text] of texts.entries()) {
    await expect(scope.locator("#scene-heading")).toHaveText(new RegExp(`^Decision ${n + 1}\\b`));
    await expect(scope.locator("ol.choices button.choice").first()).toBeVisible();
    const offered = (await scope.locator("ol.choices button.choice .choice-text").allTextContents()).map(squash);
    const i = offered.indexOf(squash(text));
    expect(i, `Decision ${n + 1} offers "${text}" (it offers: ${offered.join(" | ")})`).toBeGreaterThanOrEqual(0);
    await scope.locator("ol.choices button.choice").nth(i).click();
  }
  await expect(scope.locator(".ending .score")).toBeVisible();
}

/** What the debrief's what-if at a decision starts with, by `WhatIf::mattered`. */
export const WHAT_IF_OPENINGS = {
  "alternative-better": "What if: a different choice here",
  "same-ending": "What if: any choice here led to the same ending",
  "choice-was-best": "What if: your choice kept the best ending in reach",
  "no-alternative": "What if: there was no other choice",
};

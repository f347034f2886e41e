// Shared steps for the live-room specs (rooms-console, rooms-phone, rooms-journey): phones in
// contexts of their own, joining by code, the phone page's landmarks, the facilitator's setup
// ("Run a live room") up to the console, the projector window, and axe. Every wait is on
// something the app must show.
import { expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { ROOMS_URL, settle } from "./helpers.js";

export const SCENARIO = "stretch-target";
export const PHONE = { width: 390, height: 844 };
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
/** A room code: six of 23456789ABCDEFGHJKMNPQRSTUVWXYZ. */
export const CODE = /[2-9A-HJKMNP-Z]{6}/;
export const squash = (s) => (s ?? "").replace(/\s+/g, " ").trim();

/** Runs axe (WCAG 2.1 A and AA) once the page has settled and expects no violation. */
export async function expectNoViolations(page, what) {
  await settle(page);
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary?.split("\n").slice(1).join(" ")}`),
  }));
  expect(summary, `axe violations on ${what}`).toEqual([]);
  expect(results.passes.length, `axe ran rules on ${what}`).toBeGreaterThan(5);
}

/**
 * A page in a browser context of its own (its own storage, so its own participant token, and
 * its own network state), phone-sized (touch, mobile) unless `viewport` says otherwise.
 * `errors` collects page errors, console errors and Content-Security-Policy violations.
 */
export async function phone(browser, viewport = PHONE) {
  const mobile = viewport.width === PHONE.width && viewport.height === PHONE.height;
  const context = await browser.newContext({ viewport, hasTouch: mobile, isMobile: mobile });
  const page = await context.newPage();
  const errors = [];
  await page.exposeBinding("__roomCspViolation", (_source, v) => errors.push(`CSP: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener(
      "securitypolicyviolation",
      (e) => window.__roomCspViolation(`${e.effectiveDirective} ${e.blockedURI}`),
      true,
    );
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  return { context, page, errors };
}

/** Opens room.html on `base` and joins by typing the code (in lower case, with spaces). */
export async function joinRoom(page, code, name, base = ROOMS_URL) {
  await page.goto(new URL("room.html", base).href);
  await page.getByLabel("Room code").fill(` ${code.toLowerCase()} `);
  if (name) await page.getByLabel(/Your name/).fill(name);
  await page.getByRole("button", { name: "Join" }).click();
}

// The phone page's parts.
export const heading = (page) => page.locator("#room-view-heading");
export const choices = (page) => page.locator("button.choice");
export const voteLine = (page) => page.locator(".room-vote");
export const status = (page) => page.locator(".room-status");

/** From the briefing a phone shows first to the first decision. */
export async function toFirstDecision(page) {
  await expect(heading(page)).toHaveText("Briefing");
  await page.getByRole("button", { name: "On to the first decision" }).click();
  await expect(heading(page)).toHaveText(/^Decision 1/);
}

/** Opens workshop setup on the room server at `base` and returns its "Run a live room" section. */
export async function openLiveSetup(page, base = ROOMS_URL) {
  await page.goto(new URL("workshop.html#/workshop", base).href);
  const live = page.locator("section.live-setup");
  await expect(live.getByRole("heading", { name: /Run a live room/ })).toBeVisible();
  // Settled: the default scenario downloaded and its estimate shown, as a person sees it
  // before choosing.
  await expect(live.locator(".estimate")).toBeVisible();
  return live;
}

/**
 * Starts the live room planned in the setup section `live` and waits for the console at
 * #/live/console/CODE with its first decision. Returns the code.
 */
export async function startLiveRoom(page, live) {
  await live.getByRole("button", { name: "Start the live room" }).click();
  await expect(page).toHaveURL(new RegExp(`#/live/console/${CODE.source}$`));
  const code = /console\/(\w{6})$/.exec(page.url())[1];
  await expect(page.locator("#console-scene-heading")).toHaveText(/^Decision 1\b/);
  await expect(page.locator(".room-code")).toHaveText(code);
  return code;
}

/**
 * Opens the projector from the console's "Open projector window" (a window of the console's
 * context, so on the console's origin) at `viewport`, and waits for its join card.
 */
export async function openProjector(console, code, viewport) {
  const [projector] = await Promise.all([
    console.context().waitForEvent("page"),
    console.getByRole("button", { name: "Open projector window" }).click(),
  ]);
  await projector.setViewportSize(viewport);
  await expect(projector).toHaveURL(new RegExp(`#/live/projector/${code}$`));
  await expect(projector.locator(".join-code")).toHaveText(code);
  return projector;
}

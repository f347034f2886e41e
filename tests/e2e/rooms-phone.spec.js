// A live room on participants' phones (room.html, the phone module): joining by code at phone
// size, the briefing, voting and changing the vote, lock, reveal, the timer, the discussion
// question, the room's choice with its feedback, the debrief with how the room chose; teams
// mode to a team's ending; a phone offline for 30 s (issue 18's fault test: it rejoins at the
// current scene, a vote made offline is sent if its vote is still open and dropped with a
// notice if not); wrong and malformed codes; the page from static hosting; axe on the join
// and scene pages; screenshots at 390 px.
//
// The facilitator is a raw WebSocket opened in a page of its own browser context on the room
// server (same origin, as the server demands), so the tests need no console page and its
// connection is not taken offline with the phone's context.
import { test, expect } from "@playwright/test";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, HERE, ROOMS_URL, snap } from "./helpers.js";
import {
  PHONE,
  SCENARIO,
  choices,
  expectNoViolations,
  heading,
  joinRoom,
  phone,
  status,
  toFirstDecision,
  voteLine,
} from "./rooms-helpers.js";

/**
 * Opens a room as its facilitator. `send(frame)` sends a command frame and resolves with the
 * entry it produced (or rejects with the error frame); `entries()` lists every entry so far;
 * `room()` joins again with the secret and returns the room of the fresh welcome.
 */
async function facilitator(browser, base = ROOMS_URL, scenario = SCENARIO) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(new URL("rooms/info", base).href);
  const welcome = await page.evaluate(
    (scenario) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/rooms/ws`);
        const state = { ws, entries: [], waiting: [], welcome: null };
        window.facilitator = state;
        ws.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.type === "welcome" && !state.welcome) {
            state.welcome = frame;
            resolve({ code: frame.code, secret: frame.secret });
          } else if (frame.type === "entry") {
            state.entries.push(frame);
            if (frame.entry.kind === "command") state.waiting.shift()?.resolve(frame);
          } else if (frame.type === "error") {
            const waiter = state.waiting.shift();
            if (waiter) waiter.reject(new Error(`${frame.code}: ${frame.message}`));
            else reject(new Error(`${frame.code}: ${frame.message}`));
          }
        };
        ws.onerror = () => reject(new Error("the facilitator's socket failed"));
        ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "create", scenario }));
      }),
    scenario,
  );
  const send = (command) =>
    page.evaluate(
      (command) =>
        new Promise((resolve, reject) => {
          const state = window.facilitator;
          state.waiting.push({ resolve, reject });
          state.ws.send(JSON.stringify({ v: 1, type: "command", ...command }));
        }),
      command,
    );
  const entries = () => page.evaluate(() => window.facilitator.entries.map((e) => e.entry));
  const room = () =>
    page.evaluate(
      ({ code, secret }) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/rooms/ws`);
          ws.onmessage = (event) => {
            const frame = JSON.parse(event.data);
            if (frame.type === "welcome") {
              ws.close();
              resolve(frame.room);
            } else if (frame.type === "error") reject(new Error(frame.message));
          };
          ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "join", code, secret }));
        }),
      welcome,
    );
  const ballots = async () => (await entries()).filter((e) => e.kind === "ballot");
  return { code: welcome.code, send, entries, ballots, room, close: () => context.close() };
}

test("a participant joins by code on a phone, votes, sees the room's choice and the debrief", async ({ browser }) => {
  test.setTimeout(120_000);
  const fac = await facilitator(browser);
  const { page, errors } = await phone(browser);
  await page.goto(new URL(`room.html#/join/${fac.code}`, ROOMS_URL).href);
  // The projector's QR code fills in the code; the name field has the focus.
  await expect(page.getByLabel("Room code")).toHaveValue(fac.code);
  await expect(page.getByLabel(/Your name/)).toBeFocused();
  await expect(page.getByText("optional — your votes stay anonymous")).toBeVisible();
  await expectNoViolations(page, "the join page");
  await snap(page, "room-phone-join");

  await joinRoom(page, fac.code, "Ana");
  // The briefing and cast come first.
  await expect(heading(page)).toHaveText("Briefing");
  await expect(page.getByRole("heading", { name: "Your role" })).toBeVisible();
  await expect(page.locator(".cast li").first()).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/room/${fac.code}$`));
  await page.getByRole("button", { name: "On to the first decision" }).click();
  await expect(heading(page)).toHaveText(/^Decision 1/);
  await expect(heading(page)).toBeFocused();

  // Big tap targets.
  for (const box of await choices(page).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) {
    expect(box).toBeGreaterThanOrEqual(44);
  }
  await expect(voteLine(page)).toHaveText("Tap a choice to vote. Your vote is anonymous.");
  await choices(page).nth(0).click();
  await expect(voteLine(page)).toContainText("Your vote: A — you can change it until the facilitator locks the vote");
  await choices(page).nth(1).click();
  await expect(voteLine(page)).toContainText("Your vote: B — you can change it");
  await expect(choices(page).nth(1)).toHaveAttribute("aria-pressed", "true");
  await expect(choices(page).nth(0)).toHaveAttribute("aria-pressed", "false");
  await expect.poll(async () => (await fac.ballots()).map((b) => b.choice)).toEqual([0, 1]);
  // The open vote's tally is never on the phone.
  await expect(page.locator("main")).not.toContainText(/\bB 1\b/);

  // The timer runs on the phone; the discussion question shows when the facilitator shows it.
  await fac.send({ command: "set_timer", seconds: 90 });
  await fac.send({ command: "toggle_timer" });
  const timer = page.getByRole("timer");
  await expect(timer).toContainText("Discussion time left");
  await expect(timer).toContainText(/1:(2\d|30)/);
  await fac.send({ command: "show", panel: "question" });
  await expect(page.getByRole("heading", { name: "Discuss" })).toBeVisible();
  await expectNoViolations(page, "a scene with a vote");
  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await snap(page, "room-phone-scene-vote");
  await page.emulateMedia({ colorScheme: "dark" });
  await expectNoViolations(page, "a scene with a vote, dark scheme");
  await page.emulateMedia({ colorScheme: "light" });

  await fac.send({ command: "lock" });
  await expect(voteLine(page)).toHaveText("The facilitator has locked the vote. Your vote: B.");
  await expect(choices(page).nth(0)).toBeDisabled();
  await fac.send({ command: "reveal", shown: true });
  await expect(voteLine(page)).toContainText("The vote is closed. The room voted A 0 · B 1");
  const chosen = (await choices(page).nth(1).innerText()).replace(/^B\s*/, "").trim();

  await fac.send({ command: "play_majority" });
  await expect(heading(page)).toHaveText(/^Decision 2/);
  // The focus goes to what the room's choice did, above the next scene.
  await expect(page.locator(".room-last")).toBeFocused();
  await expect(page.locator(".room-last")).toBeInViewport();
  await expect(page.locator(".feedback-choice")).toContainText(`The room chose: ${chosen}`);
  await expect(page.locator(".feedback")).toBeVisible();
  await expect(voteLine(page)).toHaveText("Tap a choice to vote. Your vote is anonymous.");
  await snap(page, "room-phone-feedback");

  // The room plays on (the phone votes for the first choice, the majority is played) to the end.
  for (let n = 2; n < 40; n++) {
    if (await page.locator(".room-debrief").isVisible()) break;
    await expect(heading(page)).toHaveText(new RegExp(`^Decision ${n}`));
    const cast = (await fac.ballots()).length;
    await choices(page).nth(0).click();
    await expect(voteLine(page)).toContainText("Your vote: A");
    // The line shows a vote as soon as it is tapped; the room has it once its ballot is in
    // the log, and only then is there a majority to play.
    await expect.poll(async () => (await fac.ballots()).length).toBe(cast + 1);
    await fac.send({ command: "play_majority" });
    await expect(page.locator(".room-debrief").or(heading(page).filter({ hasText: `Decision ${n + 1}` }))).toBeVisible();
  }
  const debrief = page.locator(".room-debrief");
  await expect(debrief).toBeVisible();
  await expect(debrief.locator(".rating")).toBeVisible();
  await expect(debrief).toContainText(/Score \d+ \/ 100 — (passed|not passed)/);
  await expect(debrief.getByRole("heading", { name: "How the room chose" })).toBeVisible();
  const decisions = (await fac.room()).workshop.room.length;
  await expect(debrief.locator(".room-path > li")).toHaveCount(decisions);
  await expect(debrief.locator(".room-path > li").first()).toContainText("Votes: A 0 · B 1");
  await expect(debrief.locator(".room-path > li").first()).toContainText(chosen);
  await expect(heading(page)).toBeFocused();
  await snap(page, "room-phone-debrief");
  expect(errors).toEqual([]);
  await fac.close();
});

test("teams mode: one phone plays for a team to its ending, another follows along", async ({ browser }) => {
  test.setTimeout(90_000);
  const fac = await facilitator(browser);
  await fac.send({ command: "mode", mode: "teams" });
  const player = await phone(browser);
  const follower = await phone(browser);
  await joinRoom(player.page, fac.code);
  await joinRoom(follower.page, fac.code);
  for (const p of [player.page, follower.page]) {
    await expect(heading(p)).toHaveText("The room plays in teams");
    await expect(p.getByText("Your team plays on one device; follow along there.")).toBeVisible();
  }
  const page = player.page;
  await page.getByLabel("Team name").fill("Blue");
  await page.getByRole("button", { name: "Play for a team on this device" }).click();
  await expect(page.getByText("Playing for team Blue")).toBeVisible();
  // A second team cannot take the name.
  await follower.page.getByLabel("Team name").fill("blue");
  await follower.page.getByRole("button", { name: "Play for a team on this device" }).click();
  await expect(follower.page.getByRole("alert")).toContainText("There is already a team called blue");

  for (let n = 1; n < 40; n++) {
    if (await page.locator(".team-ending").isVisible()) break;
    await expect(page.locator("#scene-heading")).toHaveText(new RegExp(`^Decision ${n}`));
    await page.locator("button.choice").first().click();
    await expect(page.locator(".team-ending").or(page.locator("#scene-heading", { hasText: `Decision ${n + 1}` }))).toBeVisible();
    if (n === 1) await expect(page.locator(".feedback-choice")).toContainText("Your team chose:");
  }
  await expect(page.locator(".team-ending")).toContainText("Your result is with the facilitator");
  await snap(page, "room-phone-team-ending");
  await expect.poll(async () => (await fac.room()).workshop.teams.map((t) => t.name)).toEqual(["Blue"]);
  expect(player.errors).toEqual([]);
  await fac.close();
});

test("a phone offline for 30 s rejoins at the current scene; its offline vote is sent, or dropped once the vote closed", async ({ browser }) => {
  test.setTimeout(150_000);
  const fac = await facilitator(browser);
  const { context, page, errors } = await phone(browser);
  await joinRoom(page, fac.code);
  await toFirstDecision(page);

  // Offline for 30 s, with a vote made meanwhile, while the vote stays open: sent on return.
  await context.setOffline(true);
  await expect(status(page)).toContainText("Offline");
  await choices(page).nth(1).click();
  await expect(status(page)).toHaveText("Offline: your vote will be sent when you reconnect.");
  await expect(voteLine(page)).toContainText("Your vote: B — not sent yet");
  await snap(page, "room-phone-offline");
  await page.waitForTimeout(30_000);
  expect(await fac.ballots()).toEqual([]);
  await context.setOffline(false);
  await expect.poll(async () => (await fac.ballots()).map((b) => b.choice), { timeout: 15_000 }).toEqual([1]);
  await expect(voteLine(page)).toContainText("Your vote: B — you can change it");
  await expect(status(page)).toBeEmpty();
  await expect(heading(page)).toHaveText(/^Decision 1/);

  // Offline again; a changed vote made offline, and the room plays on meanwhile: dropped.
  await context.setOffline(true);
  await expect(status(page)).toContainText("Offline");
  await choices(page).nth(0).click();
  await expect(voteLine(page)).toContainText("Your vote: A — not sent yet");
  await fac.send({ command: "play_majority" });
  await fac.send({ command: "show", panel: "question" });
  await page.waitForTimeout(2_000);
  await context.setOffline(false);
  // It rejoins at the room's current scene, with the question the facilitator shows.
  await expect(heading(page)).toHaveText(/^Decision 2/, { timeout: 15_000 });
  await expect(page.getByRole("heading", { name: "Discuss" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Your vote was not sent" })).toBeVisible();
  await expect(voteLine(page)).toHaveText("Tap a choice to vote. Your vote is anonymous.");
  expect((await fac.ballots()).map((b) => b.choice)).toEqual([1]);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByText("Your vote was not sent")).toHaveCount(0);
  expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(e))).toEqual([]);
  await fac.close();
});

test("a reload rejoins the room as the same participant (on a desktop-sized window)", async ({ browser }) => {
  const fac = await facilitator(browser);
  const { page, errors } = await phone(browser, { width: 1280, height: 800 });
  await joinRoom(page, fac.code, "Bo");
  await toFirstDecision(page);
  await choices(page).nth(0).click();
  await expect(voteLine(page)).toContainText("Your vote: A — you can change it");
  await page.reload();
  await expect(page.getByRole("button", { name: "On to the first decision" })).toBeVisible();
  await page.getByRole("button", { name: "On to the first decision" }).click();
  await expect(voteLine(page)).toContainText("Your vote: A — you can change it");
  const joined = (await fac.entries()).filter((e) => e.kind === "joined");
  expect(joined).toHaveLength(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await snap(page, "room-desktop-scene");
  expect(errors).toEqual([]);
  await fac.close();
});

test("wrong and malformed codes get clear errors; static hosting says a room server is needed", async ({ browser, page }) => {
  const phoneSide = await phone(browser);
  const p = phoneSide.page;
  // The short address a facilitator can read out, /join, opens the form.
  await p.goto(new URL("join", ROOMS_URL).href);
  await expect(p).toHaveURL(/\/room\.html/);
  await expect(p.getByRole("heading", { name: "Join a live workshop" })).toBeVisible();
  await expect(p.getByLabel("Room code")).toBeFocused();
  await p.getByLabel("Room code").fill("K7QD0M");
  await p.getByRole("button", { name: "Join" }).click();
  await expect(p.locator("#room-code-error")).toContainText("A room code is six letters and digits");
  await expect(p.getByLabel("Room code")).toBeFocused();
  await p.getByLabel("Room code").fill("ZZZZZZ");
  await p.getByRole("button", { name: "Join" }).click();
  await expect(p.locator("#room-code-error")).toContainText("There is no room with this code");
  await expect(p.getByRole("button", { name: "Join" })).toBeEnabled();

  // The same page from static hosting (the suite's plain file server) has no room server.
  await page.goto("room.html");
  await expect(page.getByRole("alert")).toHaveText(
    "This page needs Frontline's room server; ask your facilitator for the address.",
  );
  await expect(page.getByRole("button", { name: "Join" })).toBeDisabled();
});

/** A room server of the test's own whose rooms expire after `idle` without an entry or a join. */
async function shortLivedServer(idle) {
  // E2E_PORT + 300 to + 303 are the cluster's (playwright.config.js), + 200 the room server's.
  const port = Number(process.env.E2E_PORT ?? 8091) + 210;
  const bin = process.env.FRONTLINE_ROOMS_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(HERE, "..", "..", "target"), "release", "frontline-rooms");
  const data = mkdtempSync(join(tmpdir(), "frontline-rooms-"));
  const server = spawn(bin, ["--port", String(port), "--dist", DIST, "--data", data, "--idle", idle], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(new URL("rooms/info", base))).ok) return { base, stop: () => server.kill() };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error("the short-lived room server did not start");
}

test("a room that closes, also while the phone is offline, ends the attempts with a clear message", async ({ browser }) => {
  const server = await shortLivedServer("3s");
  // The page loads before the room opens, so a slow load cannot outlast the room.
  const join = async (page, code) => {
    await page.getByLabel("Room code").fill(code);
    await page.getByRole("button", { name: "Join" }).click();
  };
  try {
    // Closed while connected: the server says so.
    const { page } = await phone(browser);
    await page.goto(new URL("room.html", server.base).href);
    await expect(page.getByRole("button", { name: "Join" })).toBeEnabled();
    const fac = await facilitator(browser, server.base);
    await join(page, fac.code);
    await expect(heading(page)).toHaveText("Briefing");
    await expect(status(page)).toHaveText("The room has closed.", { timeout: 10_000 });
    await expect(page.getByRole("button", { name: "Join another room" })).toBeVisible();

    // Closed while the phone was offline: its rejoin is refused, and it stops trying
    // (it used to keep "reconnecting" with its old copy of the room).
    const other = await phone(browser);
    await other.page.goto(new URL("room.html", server.base).href);
    await expect(other.page.getByRole("button", { name: "Join" })).toBeEnabled();
    const fac2 = await facilitator(browser, server.base);
    await join(other.page, fac2.code);
    await expect(heading(other.page)).toHaveText("Briefing");
    await other.context.setOffline(true);
    await expect(status(other.page)).toContainText("Offline");
    await other.page.waitForTimeout(6_000);
    await other.context.setOffline(false);
    await expect(status(other.page)).toContainText("There is no room with this code (or it has closed)", { timeout: 15_000 });
    await other.page.getByRole("button", { name: "Join another room" }).click();
    await expect(other.page.getByRole("heading", { name: "Join a live workshop" })).toBeVisible();
    await fac.close();
    await fac2.close();
  } finally {
    server.stop();
  }
});

// The live room's console and projector (workshop.html served by the room server at
// ROOMS_URL), with participants played by raw WebSockets from a page on the server's origin
// (so no WebSocket package is needed in Node):
// - workshop setup offers the live room only when a room server served the page;
// - the facilitator starts a room with a plan (timer, a decision without discussion) and
//   lands on the console at #/live/console/CODE; a reload rejoins;
// - participants join (the count rises on the console and the projector, names only on the
//   console), their ballots arrive as a tally, the projector shows no tally until reveal,
//   lock refuses a late ballot, override and rewind ask first, the projector follows "show"
//   (briefing, discussion question, debrief) and the timer;
// - in teams mode two teams play their own paths to an ending, the console's team table and
//   the debrief comparison fill in, on the projector too;
// - the facilitator's secret never appears in the projector's page;
// - axe-core finds nothing on the console and the projector; screenshots in artifacts/.
import { test, expect } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, ROOMS_URL, settle } from "./helpers.js";
import { SCENARIO as ID, expectNoViolations, openLiveSetup, openProjector, squash, startLiveRoom } from "./rooms-helpers.js";

/**
 * A page on the room server's origin that holds participants' WebSockets. `join` resolves
 * with the participant's index once welcomed; each participant tracks the vote round from
 * the log (a logged play, rewind or clear opens a new one) and keeps the errors it got.
 */
async function crowd(context) {
  const page = await context.newPage();
  await page.goto(`${ROOMS_URL}rooms/info`);
  await page.evaluate(() => {
    const opens = ["play_majority", "play", "rewind", "clear_votes"];
    window.people = [];
    window.joinRoom = (code, name) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}/rooms/ws`);
        const p = { ws, round: 0, number: null, errors: [], chose: 0, waiters: [] };
        ws.onopen = () => ws.send(JSON.stringify({ v: 1, type: "join", code, ...(name ? { name } : {}) }));
        ws.onmessage = (e) => {
          const f = JSON.parse(e.data);
          if (f.type === "welcome") {
            p.number = f.participant;
            p.round = f.room.round;
            window.people.push(p);
            resolve(window.people.length - 1);
          } else if (f.type === "entry") {
            const entry = f.entry;
            if (entry.kind === "command" && opens.includes(entry.command)) p.round += 1;
            if (entry.kind === "team_chose" && entry.participant === p.number) p.chose += 1;
            if (entry.participant === p.number || entry.kind === "command") p.waiters.splice(0).forEach((w) => w(f));
          } else if (f.type === "error") {
            p.errors.push(f.code);
            if (p.number === null) reject(new Error(f.message));
            p.waiters.splice(0).forEach((w) => w(f));
          }
        };
      });
    /** Sends a frame and waits for this participant's next entry or error. */
    window.ask = (i, frame) =>
      new Promise((resolve) => {
        const p = window.people[i];
        p.waiters.push(resolve);
        p.ws.send(JSON.stringify({ v: 1, ...frame }));
      });
    window.vote = (i, choice) => window.ask(i, { type: "vote", round: window.people[i].round, choice });
    /** Plays a team's path to its ending: the first choice on offer at each decision. */
    window.playTeam = async (i, name) => {
      const started = await window.ask(i, { type: "start_team", name });
      if (started.type === "error") throw new Error(`start_team: ${started.code}`);
      for (let step = 0; step < 60; step += 1) {
        let moved = false;
        for (let choice = 0; choice < 8 && !moved; choice += 1) {
          let answer = await window.ask(i, { type: "team_choose", choice });
          while (answer.type === "error" && answer.code === "rate_limited") {
            await new Promise((r) => setTimeout(r, 300));
            answer = await window.ask(i, { type: "team_choose", choice });
          }
          moved = answer.type === "entry";
        }
        if (!moved) return window.people[i].chose; // no choice on offer: the ending
      }
      throw new Error("the team's path did not end");
    };
  });
  return {
    page,
    join: (code, name) => page.evaluate(([c, n]) => window.joinRoom(c, n), [code, name]),
    vote: (i, choice) => page.evaluate(([i, c]) => window.vote(i, c), [i, choice]),
    errors: (i) => page.evaluate((i) => window.people[i].errors, i),
    playTeam: (i, name) => page.evaluate(([i, n]) => window.playTeam(i, n), [i, name]),
  };
}

test("without a room server, workshop setup offers no live room", async ({ page }) => {
  const info = page.waitForResponse((r) => r.url().endsWith("/rooms/info"));
  await page.goto("./workshop.html#/workshop");
  await expect(page.getByRole("heading", { name: "Start a workshop" })).toBeVisible();
  // The bundle's own rooms/info says there is no room server (no 404 on a static host).
  expect(JSON.parse(await (await info).text()).v).toBe(0);
  await expect(page.getByRole("heading", { name: /Run a live room/ })).toHaveCount(0);
});

test("a live room from the console: votes, reveal, override, rewind, projector, teams", async ({ context }) => {
  test.setTimeout(120_000);
  mkdirSync(ARTIFACTS, { recursive: true });
  const facilitator = await context.newPage();
  await facilitator.setViewportSize({ width: 1280, height: 900 });
  const live = await openLiveSetup(facilitator);

  // The plan: a two-minute timer, the first decision without discussion; the estimate says
  // what it assumes and moves with the plan.
  await live.getByLabel("Scenario").selectOption(ID);
  await live.getByLabel("Discussion timer").selectOption("120");
  const estimate = live.locator(".estimate");
  await expect(estimate).toContainText(/About \d+ minutes/);
  await expect(estimate).toContainText("a minute per decision to read and vote");
  const before = squash(await estimate.textContent());
  await live.getByLabel("Discussion timer").selectOption("600");
  await expect(estimate).not.toHaveText(before);
  await live.getByLabel("Discussion timer").selectOption("120");
  const first = live.locator(".quick-list input[type=checkbox]").first();
  await first.check();
  await expectNoViolations(facilitator, "live room setup");
  await facilitator.screenshot({ path: join(ARTIFACTS, "rooms-setup-1280.png"), fullPage: true });
  const code = await startLiveRoom(facilitator, live);
  const heading = facilitator.locator("#console-scene-heading");
  await expect(facilitator.locator(".quick-badge")).toBeVisible();
  await expect(facilitator.locator(".timer-figure")).toHaveText("2:00");

  // The projector, opened from the console.
  const projector = await openProjector(facilitator, code, { width: 1920, height: 1080 });
  await expect(projector.locator(".join-address")).toContainText("/join");
  await expect(projector.locator("svg.qr")).toBeVisible();
  await expect(projector.locator(".join-count")).toHaveText("0 joined");
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 1\b/);

  // Participants join; names reach the console only.
  const people = await crowd(context);
  expect(await people.join(code, "Zephyrine")).toBe(0);
  expect(await people.join(code, "Quillon")).toBe(1);
  expect(await people.join(code)).toBe(2);
  await expect(facilitator.locator(".live-joined")).toHaveText("3");
  await expect(facilitator.locator("section[aria-labelledby=people-heading]")).toContainText("Zephyrine, Quillon, and 1 without a name");
  await expect(projector.locator(".join-count")).toHaveText("3 joined");

  // Ballots arrive as a tally on the console; the projector shows none until reveal.
  await people.vote(0, 0);
  await people.vote(1, 1);
  await people.vote(2, 1);
  const counts = facilitator.locator(".tally-count");
  await expect(counts.nth(0)).toHaveText("A: 1 vote");
  await expect(counts.nth(1)).toHaveText("B: 2 votes");
  await expect(facilitator.locator(".vote-summary")).toContainText("3 of 3 participants voted");
  await expect(projector.locator(".projector-choice")).not.toHaveCount(0);
  await expect(projector.locator(".vote-result")).toHaveCount(0);
  await expect(projector.locator("main")).not.toContainText(/\bvotes?\b/);

  // Locked: a late ballot is refused.
  await facilitator.getByRole("button", { name: "Lock the vote (L)" }).click();
  await expect(facilitator.locator(".vote-state")).toHaveText(/^Locked/);
  const refused = await people.vote(0, 1);
  expect(refused.code).toBe("vote_closed");
  await expect(counts.nth(1)).toHaveText("B: 2 votes");
  await expect(projector.locator(".vote-result")).toHaveCount(0);

  // Reveal: now the projector shows the tally.
  await facilitator.getByRole("button", { name: "Reveal the votes (R)" }).click();
  await expect(projector.locator(".vote-result")).not.toHaveCount(0);
  await expect(projector.locator(".projector-vote-summary")).toContainText("The room's choice: B");

  // Override asks first.
  await facilitator.getByRole("button", { name: "Override: play A" }).click();
  await expect(facilitator.locator("#confirm-override")).toContainText("Override the room? It chose B");
  await facilitator.getByRole("button", { name: "Keep the room's choice" }).click();
  await expect(facilitator.locator("#confirm-override")).toHaveCount(0);
  await expect(heading).toHaveText(/^Decision 1\b/);
  await facilitator.getByRole("button", { name: "Override: play A" }).click();
  await facilitator.getByRole("button", { name: "Yes, play A" }).click();
  await expect(heading).toHaveText(/^Decision 2\b/);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 2\b/);
  await expect(projector.locator(".projector-override")).toBeVisible();
  await expect(facilitator.locator(".history")).toContainText("facilitator override: the room chose B");
  await expect(facilitator.locator(".quick-badge")).toHaveCount(0);

  // Show on projector: briefing, discussion question, back to the scene.
  await facilitator.getByRole("button", { name: "Briefing and cast" }).click();
  await expect(projector.locator("#projector-heading")).toHaveText("The briefing");
  await expect(projector.locator(".projector-cast li")).not.toHaveCount(0);
  await facilitator.getByRole("button", { name: "Discussion question" }).click();
  await expect(projector.locator("#projector-heading")).toHaveText("Discuss");

  // The timer on the server's clock, on both screens.
  await facilitator.getByRole("button", { name: "Start (T)" }).click();
  await expect(facilitator.getByRole("button", { name: "Pause (T)" })).toBeVisible();
  await expect(projector.locator(".projector-question .projector-timer")).toHaveText(/ 1:5\d$/);
  await expect(facilitator.locator(".timer-figure")).toHaveText(/^1:5\d$/);
  await facilitator.getByRole("button", { name: "Pause (T)" }).click();
  await facilitator.getByRole("button", { name: "Reset" }).click();
  await expect(facilitator.locator(".timer-figure")).toHaveText("2:00");
  await facilitator.getByRole("button", { name: "The scene" }).click();
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 2\b/);

  // A reload of the console rejoins the room with the kept secret.
  await facilitator.reload();
  await expect(heading).toHaveText(/^Decision 2\b/);
  await expect(facilitator.locator(".live-joined")).toHaveText("3");

  // Play the majority, then rewind it (asked first; the votes stay in the log).
  await people.vote(0, 0);
  await people.vote(1, 0);
  await expect(counts.nth(0)).toHaveText("A: 2 votes");
  await facilitator.getByRole("button", { name: "Play the majority (N)" }).click();
  await expect(heading).toHaveText(/^Decision 3\b/);
  await facilitator.getByRole("button", { name: "Go back to decision 2…" }).click();
  await expect(facilitator.locator("#confirm-rewind")).toContainText("stay in the room's log");
  await facilitator.getByRole("button", { name: "Yes, go back to decision 2" }).click();
  await expect(heading).toHaveText(/^Decision 2\b/);
  await expect(projector.locator("#projector-heading")).toHaveText(/^Decision 2\b/);
  await expect(facilitator.locator(".explored")).toContainText("From decision 2: 1 decision explored, then rewound");
  // A new vote opens at decision 2.
  await people.vote(2, 0);
  await expect(counts.nth(0)).toHaveText("A: 1 vote");

  await expectNoViolations(facilitator, "live console");
  await facilitator.screenshot({ path: join(ARTIFACTS, "rooms-console-1280.png"), fullPage: true });
  await expectNoViolations(projector, "live projector");
  await projector.screenshot({ path: join(ARTIFACTS, "rooms-projector-1920x1080.png") });

  // Teams: two teams play their own paths; the console and the comparison fill in.
  await facilitator.getByRole("button", { name: "Teams, each on its own device" }).click();
  await expect(facilitator.locator(".live-teams-empty")).toBeVisible();
  await expect(projector.locator("#projector-heading")).toHaveText("Teams are playing");
  const blue = await people.playTeam(0, "Blue");
  const red = await people.playTeam(2, "Red");
  expect(blue).toBeGreaterThan(1);
  expect(red).toBeGreaterThan(1);
  const teamRows = facilitator.locator("table.teams-live tbody tr");
  await expect(teamRows).toHaveCount(2);
  await expect(teamRows.nth(0)).toContainText("Finished:");
  await expect(teamRows.nth(1)).toContainText("Finished:");
  const compared = facilitator.locator(".live-comparison table.teams-table tbody tr");
  await expect(compared.filter({ hasText: "Blue" })).toHaveCount(1);
  await expect(compared.filter({ hasText: "Red" })).toHaveCount(1);
  await facilitator.getByRole("button", { name: "Debrief", exact: true }).click();
  await expect(projector.locator("#projector-heading")).toHaveText("Debrief");
  await expect(projector.locator("table.teams-table")).toContainText("Blue");
  await expect(projector.locator("table.teams-table")).toContainText("Red");
  // The room is still at decision 2: its half path stays out of the teams' comparison.
  await expect(projector.locator(".split-summary")).toHaveText("Every team took the same path.");
  await facilitator.screenshot({ path: join(ARTIFACTS, "rooms-console-teams-1280.png"), fullPage: true });
  await settle(projector);
  await projector.screenshot({ path: join(ARTIFACTS, "rooms-projector-debrief-1920x1080.png") });

  // The secret stays in the console's browser storage, never in the projector's page.
  const kept = await facilitator.evaluate((c) => localStorage.getItem(`frontline.v1.room.${c}`), code);
  const secret = JSON.parse(kept).secret;
  expect(secret?.length).toBeGreaterThan(8);
  expect(await projector.content()).not.toContain(secret);
  expect(await projector.content()).not.toContain("Zephyrine");
  expect(await projector.content()).not.toContain("Quillon");
});

// The whole room, as issue 18's "Done when" asks: in one test, a facilitator's console
// (1280 px), a projector and six participants' phones (390×844, each a browser context of its
// own, so each has its own token) play a live room from setup to the debrief:
// - setup in workshop.html (a two-minute timer, the first decision planned without
//   discussion), the console, the projector opened from it;
// - six phones join: by typing the code (room.html, and the short /join address the projector
//   shows) and by the projector's QR address room.html#/join/CODE;
// - the briefing on the projector and the phones; votes from the phones, two of them changed;
//   the tally on the console and not on the projector; lock; reveal (the tally on the
//   projector and the phones); the timer started from the console, running on a phone and
//   the projector; the majority played (its feedback on the phones); an override (asked
//   first); a rewind (asked first; the rewound decision and its votes under "Branches
//   explored"); the discussion question on the projector and the phones;
// - teams mode: two teams, each playing its own path on its own phone to its ending, followed
//   on the console and the projector; the debrief with the team comparison on the projector,
//   and the room's debrief on a phone.
// The same journey runs on one room server (ROOMS_URL) and on two nodes sharing rooms through
// NATS JetStream behind haproxy (scripts/cluster): the console and the projector on node 1,
// the phones through the proxy and one phone directly on node 2, so a participant on one node
// and the projector on the other see the same room. Screenshots go to artifacts/.
//
// The server limits failed joins per address, and every page here comes from 127.0.0.1: the
// journey never sends a wrong code.
import { test, expect } from "@playwright/test";
import { ROOMS_URL, CLUSTER_URL, CLUSTER_NODE_URLS, snap } from "./helpers.js";
import {
  CODE,
  PHONE,
  SCENARIO,
  choices,
  heading,
  joinRoom,
  openLiveSetup,
  openProjector,
  phone,
  squash,
  startLiveRoom,
  voteLine,
} from "./rooms-helpers.js";

// The two journeys start eight pages each: one after the other, not side by side on two cores.
test.describe.configure({ mode: "default" });

/** "A 4 · B 2" for the offered choices (letters in order), as the phones write a tally. */
const tallyLine = (counts) => counts.map((n, i) => `${String.fromCharCode(65 + i)} ${n}`).join(" · ");

/**
 * Plays the whole room. `setup`: `console` (the base URL of the console and the projector),
 * `phones` (a base URL for each of the six phones), `name` (for the screenshots) and
 * `projector` (its viewport).
 */
async function journey(browser, setup) {
  const snapName = (what) => `rooms-journey-${setup.name}-${what}`;

  // --- Setup: the plan, then the console. ---
  const consoleContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const facilitator = await consoleContext.newPage();
  const live = await openLiveSetup(facilitator, setup.console);
  await live.getByLabel("Scenario").selectOption(SCENARIO);
  await live.getByLabel("Discussion timer").selectOption("120");
  await expect(live.locator(".estimate")).toContainText(/About \d+ minutes/);
  // The first decision without discussion.
  await live.locator(".quick-list input[type=checkbox]").first().check();
  const code = await startLiveRoom(facilitator, live);
  const sceneHeading = facilitator.locator("#console-scene-heading");
  await expect(facilitator.locator(".quick-badge")).toBeVisible();
  await expect(facilitator.locator(".timer-figure")).toHaveText("2:00");
  await expect(facilitator.locator(".live-joined")).toHaveText("0");

  // --- The projector, from the console (on the console's node). ---
  const projector = await openProjector(facilitator, code, setup.projector);
  const projectorHeading = projector.locator("#projector-heading");
  await expect(projector.locator(".join-address")).toContainText("/join");
  await expect(projector.locator("svg.qr")).toBeVisible();
  await expect(projector.locator(".join-count")).toHaveText("0 joined");
  await expect(projectorHeading).toHaveText(/^Decision 1\b/);

  // --- Six phones join. ---
  const phones = [];
  for (let i = 0; i < 6; i++) phones.push(await phone(browser));
  const pages = phones.map((p) => p.page);
  const names = ["Zephyrine", "Quillon", null, null, "Odalys", null];
  // Typing the code on room.html.
  for (const i of [0, 1, 2]) await joinRoom(pages[i], code, names[i], setup.phones[i]);
  // The short address the projector shows, /join, then the code.
  await pages[3].goto(new URL("join", setup.phones[3]).href);
  await expect(pages[3]).toHaveURL(/\/room\.html/);
  await pages[3].getByLabel("Room code").fill(code);
  await pages[3].getByRole("button", { name: "Join" }).click();
  // The QR code's address fills in the code.
  for (const i of [4, 5]) {
    await pages[i].goto(new URL(`room.html#/join/${code}`, setup.phones[i]).href);
    await expect(pages[i].getByLabel("Room code")).toHaveValue(code);
    if (names[i]) await pages[i].getByLabel(/Your name/).fill(names[i]);
    await pages[i].getByRole("button", { name: "Join" }).click();
  }
  for (const page of pages) {
    await expect(heading(page)).toHaveText("Briefing");
    await expect(page).toHaveURL(new RegExp(`#/room/${code}$`));
    await expect(page.locator(".room-kicker .seed-code")).toHaveText(code);
  }
  await expect(facilitator.locator(".live-joined")).toHaveText("6");
  await expect(facilitator.locator("section[aria-labelledby=people-heading]")).toContainText(
    "Zephyrine, Quillon, Odalys, and 3 without a name",
  );
  await expect(projector.locator(".join-count")).toHaveText("6 joined");

  // --- The briefing, on the projector and the phones. ---
  await facilitator.getByRole("button", { name: "Briefing and cast" }).click();
  await expect(projectorHeading).toHaveText("The briefing");
  await expect(projector.locator(".projector-cast li")).not.toHaveCount(0);
  const castNames = (await projector.locator(".projector-cast li strong").allTextContents()).map(squash);
  for (const page of [pages[0], pages[5]]) {
    await expect(page.getByRole("heading", { name: "Your role" })).toBeVisible();
    await expect(page.locator(".cast li").first()).toContainText(castNames[0]);
  }
  await facilitator.getByRole("button", { name: "The scene" }).click();
  await expect(projectorHeading).toHaveText(/^Decision 1\b/);
  for (const page of pages) {
    await page.getByRole("button", { name: "On to the first decision" }).click();
    await expect(heading(page)).toHaveText(/^Decision 1\b/);
  }
  // Planned without discussion: the phones say so.
  await expect(pages[0].getByText("The facilitator plays this decision without a discussion.")).toBeVisible();
  const offered1 = await choices(pages[0]).count();
  expect(offered1).toBeGreaterThanOrEqual(2);

  // --- Decision 1: votes from the phones, two of them changed. ---
  /** Taps choice `letter` on phone `i` and waits until the room has the vote. */
  const vote = async (i, letter) => {
    await choices(pages[i]).nth(letter.charCodeAt(0) - 65).click();
    await expect(voteLine(pages[i])).toHaveText(
      `Your vote: ${letter} — you can change it until the facilitator locks the vote.`,
    );
  };
  await vote(0, "A");
  await vote(1, "A");
  await vote(2, "A");
  await vote(3, "A");
  await vote(3, "B"); // changed
  await vote(4, "B");
  await vote(5, "B");
  await vote(5, "A"); // changed
  await expect(choices(pages[3]).nth(1)).toHaveAttribute("aria-pressed", "true");
  await expect(choices(pages[3]).nth(0)).toHaveAttribute("aria-pressed", "false");
  // The tally arrives on the console, counting each phone's last vote once.
  const counts = facilitator.locator(".tally-count");
  await expect(counts.nth(0)).toHaveText("A: 4 votes");
  await expect(counts.nth(1)).toHaveText("B: 2 votes");
  await expect(facilitator.locator(".vote-summary")).toHaveText("Majority: A with 4 of 6 votes. 6 of 6 participants voted.");
  // Neither the projector nor a phone shows the open vote's tally.
  await expect(projector.locator(".projector-choice")).toHaveCount(offered1);
  await expect(projector.locator(".vote-result")).toHaveCount(0);
  await expect(projector.locator("main")).not.toContainText(/\bvotes?\b/);
  await expect(pages[0].locator("main")).not.toContainText(tallyLine([4, 2]));
  await snap(pages[3], snapName("phone-vote-390"));
  await snap(facilitator, snapName("console-tally-1280"));

  // --- Lock, then reveal. ---
  await facilitator.getByRole("button", { name: "Lock the vote (L)" }).click();
  await expect(facilitator.locator(".vote-state")).toHaveText(/^Locked/);
  await expect(voteLine(pages[3])).toHaveText("The facilitator has locked the vote. Your vote: B.");
  await expect(voteLine(pages[5])).toHaveText("The facilitator has locked the vote. Your vote: A.");
  await expect(choices(pages[0]).first()).toBeDisabled();
  await expect(projector.locator(".vote-result")).toHaveCount(0);
  await facilitator.getByRole("button", { name: "Reveal the votes (R)" }).click();
  await expect(projector.locator(".vote-result")).toHaveCount(offered1);
  await expect(projector.locator(".projector-choice .vote-figure").nth(0)).toHaveText("4 votes · 67%");
  await expect(projector.locator(".projector-choice .vote-figure").nth(1)).toHaveText("2 votes · 33%");
  await expect(projector.locator(".projector-vote-summary")).toContainText("The room's choice: A");
  const revealed = tallyLine([4, 2, 0].slice(0, offered1));
  for (const i of [0, 3, 5]) await expect(voteLine(pages[i])).toContainText(`The vote is closed. The room voted ${revealed}.`);
  await snap(projector, snapName("projector-revealed"));

  // --- The timer, started from the console, runs on the projector and the phones. ---
  await facilitator.getByRole("button", { name: "Start (T)" }).click();
  await expect(facilitator.getByRole("button", { name: "Pause (T)" })).toBeVisible();
  await expect(facilitator.locator(".timer-figure")).toHaveText(/^1:5\d$/);
  await expect(projector.locator(".projector-bar .projector-timer")).toHaveText(/1:5\d$/);
  for (const i of [0, 5]) {
    const timer = pages[i].getByRole("timer");
    await expect(timer).toContainText("Discussion time left");
    await expect(timer).toContainText(/1:5\d/);
  }

  // --- The majority played: decision 2 everywhere, the room's choice on the phones. ---
  const choiceA = squash(await facilitator.locator(".tally-row .vote-choice").nth(0).textContent());
  await facilitator.getByRole("button", { name: "Play the majority (N)" }).click();
  await expect(sceneHeading).toHaveText(/^Decision 2\b/);
  await expect(projectorHeading).toHaveText(/^Decision 2\b/);
  await expect(projector.locator(".projector-last-choice")).toContainText(choiceA);
  for (const page of pages) {
    await expect(heading(page)).toHaveText(/^Decision 2\b/);
    await expect(page.locator(".feedback-choice")).toContainText(`The room chose: ${choiceA}`);
    await expect(voteLine(page)).toHaveText("Tap a choice to vote. Your vote is anonymous.");
  }
  // A new decision resets the timer.
  await expect(pages[5].getByRole("timer")).toHaveCount(0);
  await expect(facilitator.locator(".timer-figure")).toHaveText("2:00");
  await expect(facilitator.locator(".quick-badge")).toHaveCount(0);

  // --- Decision 2: the room votes A; the facilitator overrides it (asked first). ---
  const offered2 = await choices(pages[0]).count();
  for (const [i, letter] of ["A", "A", "A", "A", "B", "B"].entries()) await vote(i, letter);
  await expect(counts.nth(0)).toHaveText("A: 4 votes");
  await expect(counts.nth(1)).toHaveText("B: 2 votes");
  const choiceB = squash(await facilitator.locator(".tally-row .vote-choice").nth(1).textContent());
  await facilitator.getByRole("button", { name: "Override: play B" }).click();
  await expect(facilitator.locator("#confirm-override")).toContainText("Override the room? It chose A");
  await expect(sceneHeading).toHaveText(/^Decision 2\b/);
  await facilitator.getByRole("button", { name: "Yes, play B" }).click();
  await expect(sceneHeading).toHaveText(/^Decision 3\b/);
  await expect(projectorHeading).toHaveText(/^Decision 3\b/);
  await expect(projector.locator(".projector-override")).toHaveText("The facilitator played this option to explore it.");
  await expect(facilitator.locator(".history")).toContainText("facilitator override: the room chose A (4 of 6 votes)");
  for (const page of [pages[1], pages[5]]) {
    await expect(heading(page)).toHaveText(/^Decision 3\b/);
    await expect(page.locator(".feedback-choice")).toContainText(`The room chose: ${choiceB}`);
    await expect(page.getByText("The facilitator played this option to explore it.")).toBeVisible();
  }

  // --- A rewind (asked first): back to decision 2, the overridden decision and its votes kept. ---
  await facilitator.getByRole("button", { name: "Go back to decision 2…" }).click();
  await expect(facilitator.locator("#confirm-rewind")).toContainText("stay in the room's log");
  await facilitator.getByRole("button", { name: "Yes, go back to decision 2" }).click();
  await expect(sceneHeading).toHaveText(/^Decision 2\b/);
  await expect(projectorHeading).toHaveText(/^Decision 2\b/);
  const explored = facilitator.locator(".explored");
  await expect(explored).toContainText("From decision 2: 1 decision explored, then rewound");
  await expect(explored.locator(".explored-steps li")).toHaveCount(1);
  await expect(explored.locator(".explored-steps li")).toContainText(`Decision 2: B — ${choiceB}`);
  await expect(explored.locator(".explored-steps li")).toContainText(
    `Votes ${tallyLine([4, 2, 0, 0].slice(0, offered2))}; facilitator override: the room chose A (4 of 6 votes).`,
  );
  await expect(facilitator.locator(".vote-summary")).toContainText("0 of 6 participants voted");
  for (const page of pages) {
    await expect(heading(page)).toHaveText(/^Decision 2\b/);
    await expect(voteLine(page)).toHaveText("Tap a choice to vote. Your vote is anonymous.");
  }
  await snap(facilitator, snapName("console-rewound-1280"));

  // --- The discussion question on the projector and the phones. ---
  await facilitator.getByRole("button", { name: "Discussion question" }).click();
  await expect(projectorHeading).toHaveText("Discuss");
  await expect(projector.locator(".projector-question-text")).not.toBeEmpty();
  const question = squash(await projector.locator(".projector-question-text").textContent());
  for (const page of [pages[2], pages[5]]) {
    await expect(page.getByRole("heading", { name: "Discuss" })).toBeVisible();
    await expect(page.locator(".room-question")).toContainText(question);
  }
  await snap(projector, snapName("projector-question"));
  await facilitator.getByRole("button", { name: "The scene" }).click();
  await expect(projectorHeading).toHaveText(/^Decision 2\b/);
  await expect(pages[5].getByRole("heading", { name: "Discuss" })).toHaveCount(0);

  // --- Teams: two teams, each playing its own path on its own phone to its ending. ---
  await facilitator.getByRole("button", { name: "Teams, each on its own device" }).click();
  await expect(facilitator.locator(".live-teams-empty")).toBeVisible();
  await expect(projectorHeading).toHaveText("Teams are playing");
  for (const page of pages) await expect(heading(page)).toHaveText("The room plays in teams");
  const teams = [
    { page: pages[0], name: "North", pick: "first" },
    { page: pages[5], name: "South", pick: "last" },
  ];
  for (const t of teams) {
    await t.page.getByLabel("Team name").fill(t.name);
    await t.page.getByRole("button", { name: "Play for a team on this device" }).click();
    await expect(t.page.getByText(`Playing for team ${t.name}`)).toBeVisible();
  }
  const teamRows = facilitator.locator("table.teams-live tbody tr");
  await expect(teamRows).toHaveCount(2);
  await expect(projector.locator(".projector-teams li")).toHaveText(["North — decision 1", "South — decision 1"]);
  const playTeam = async ({ page, pick }) => {
    for (let n = 1; n < 40; n++) {
      if (await page.locator(".team-ending").isVisible()) return n - 1;
      await expect(page.locator("#scene-heading")).toHaveText(new RegExp(`^Decision ${n}\\b`));
      const buttons = page.locator("button.choice");
      await (pick === "first" ? buttons.first() : buttons.last()).click();
      await expect(
        page.locator(".team-ending").or(page.locator("#scene-heading", { hasText: new RegExp(`^Decision ${n + 1}\\b`) })),
      ).toBeVisible();
      if (n === 1) {
        await expect(page.locator(".feedback-choice")).toContainText("Your team chose:");
        // The console follows the team's scene as it plays.
        await expect(teamRows.filter({ hasText: page === pages[0] ? "North" : "South" })).toContainText(/Decision [2-9]|Finished:/);
      }
    }
    throw new Error("the team's path did not end");
  };
  const played = await Promise.all(teams.map(playTeam));
  for (const n of played) expect(n).toBeGreaterThan(1);
  for (const t of teams) await expect(t.page.locator(".team-ending")).toContainText("Your result is with the facilitator");
  await snap(pages[5], snapName("phone-team-ending-390"));
  await expect(teamRows.nth(0)).toContainText("Finished:");
  await expect(teamRows.nth(1)).toContainText("Finished:");
  await expect(projector.locator(".projector-teams li")).toHaveText(["North — finished", "South — finished"]);
  // The other phones still offer to start a team.
  await expect(heading(pages[2])).toHaveText("The room plays in teams");

  // --- The debrief with the team comparison on the projector. ---
  const compared = facilitator.locator(".live-comparison table.teams-table tbody tr");
  for (const { name } of teams) {
    await expect(compared.filter({ hasText: name })).toHaveCount(1);
    // A team has the same colour in the live table as in the comparison (and its charts).
    const swatch = await compared.filter({ hasText: name }).locator(".swatch").getAttribute("class");
    await expect(teamRows.filter({ hasText: name }).locator(".swatch")).toHaveAttribute("class", swatch);
  }
  await facilitator.getByRole("button", { name: "Debrief", exact: true }).click();
  await expect(projectorHeading).toHaveText("Debrief");
  const table = projector.locator("table.teams-table");
  for (const { name } of teams) await expect(table.locator("tbody tr").filter({ hasText: name })).toHaveCount(1);
  // No Remove buttons on the projector, and no empty column for them.
  await expect(table.locator("thead th")).toHaveText(["Team", "Decisions", "Ending", "Score", "Ideas applied", "Ideas gone against"]);
  await expect(table.locator("tbody tr").first().locator("td")).toHaveCount(5);
  await expect(projector.locator(".split-summary")).not.toBeEmpty();
  await snap(projector, snapName("projector-debrief"));
  await snap(facilitator, snapName("console-teams-1280"));

  // Back to one room: the phones show the room's debrief (the room stopped at decision 2).
  await facilitator.getByRole("button", { name: "One room, voting together" }).click();
  for (const page of [pages[2], pages[5]]) {
    await expect(heading(page)).toHaveText("Debrief");
    await expect(page.getByRole("heading", { name: "How the room chose" })).toBeVisible();
    await expect(page.locator(".room-path > li")).toHaveCount(1);
    await expect(page.locator(".room-path > li")).toContainText(choiceA);
    await expect(page.locator(".room-path > li")).toContainText("Votes: A 4 · B 2");
  }
  await snap(pages[2], snapName("phone-debrief-390"));

  // Nothing wider than a phone; no names and no secret on the projector; no page errors.
  for (const page of pages) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  }
  const kept = await facilitator.evaluate((c) => localStorage.getItem(`frontline.v1.room.${c}`), code);
  const secret = JSON.parse(kept).secret;
  expect(secret?.length).toBeGreaterThan(8);
  const projected = await projector.content();
  expect(projected).not.toContain(secret);
  for (const name of names.filter(Boolean)) expect(projected).not.toContain(name);
  for (const [i, p] of phones.entries()) expect(p.errors, `phone ${i + 1}'s errors`).toEqual([]);

  // A phone that leaves (its last page closed) is no longer counted as connected, on
  // whichever node it was; the people who joined stay in the room.
  await phones[5].context.close();
  await expect(facilitator.locator(".live-joined")).toHaveText("5");
  await expect(facilitator.locator(".live-count")).toContainText("6 have joined");

  await Promise.all([consoleContext.close(), ...phones.slice(0, 5).map((p) => p.context.close())]);
  return code;
}

test("the whole room on one node: console, projector and six phones from setup to the debrief", async ({ browser }) => {
  test.setTimeout(120_000);
  const code = await journey(browser, {
    name: "one-node",
    console: ROOMS_URL,
    projector: { width: 1280, height: 720 },
    phones: Array(6).fill(ROOMS_URL),
  });
  expect(code).toMatch(CODE);
});

test("the whole room on two nodes with NATS behind haproxy: projector on node 1, a phone on node 2", async ({ browser }) => {
  test.setTimeout(120_000);
  const [node1, node2] = CLUSTER_NODE_URLS;
  const code = await journey(browser, {
    name: "two-nodes",
    console: node1,
    projector: { width: 1920, height: 1080 },
    // Five phones through the proxy (which spreads them over both nodes), the sixth (the one
    // that plays for team South) directly on node 2.
    phones: [CLUSTER_URL, CLUSTER_URL, CLUSTER_URL, CLUSTER_URL, CLUSTER_URL, node2],
  });
  expect(code).toMatch(CODE);
});

// LMS embedding against real peers. The packages are written by `frontline package` from
// the built bundle (../../dist) and served from their zips by lms/server.mjs, an "LMS" on
// 127.0.0.1:(E2E_LMS_PORT, default E2E_PORT + 100) with an "LRS" on the next port.
//
// - SCORM 1.2 and 2004: scorm-again 3.4.3 is the LMS-side runtime (window.API /
//   window.API_1484_11) in a host page; the package's SCO runs in an iframe. A playthrough
//   to the ending must leave status, score, one interaction per decision and the session
//   code in suspend_data; reloading the host with the stored data must resume at the same
//   scene; a runtime whose commits fail must not stop play and must show the notice.
// - cmi5: a launch against the LRS stub; every statement is validated with xapi-validation
//   2.1.4 and checked for cmi5's rules.
// - The built zips' manifests: parsed, every file listed, only existing files referenced.
// - The host-page postMessage API: events to an allowed parent, commands from it.
// - What real platforms do (at the end of this file): scorm-again as LMS variants (no
//   cmi.interactions, a suspend_data refused for good, review and browse modes, an SCO nine
//   frames below the API), the exit control, a
//   strict cmi5 LRS (409, one completed per registration, a refused verb, late answers), a
//   reload inside a cmi5 launch, a SCORM package with no API, the packages' schema files and
//   the cmi5 package's Content-Security-Policy.
// - An LMS's own pass mark (mastery 95) wins: a playthrough that passes the scenario's mark
//   but scores below 95 is "not passed (pass mark 95, set by your learning platform)" in the
//   debrief and the past results, and failed in the LMS's record (SCORM 1.2, 2004, cmi5).
// - A package's launch runs the embedded module (the app with the LMS code) and does not
//   download the smaller first-play module.
import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import JSZip from "jszip";
import AxeBuilder from "@axe-core/playwright";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { HERE, DIST, ARTIFACTS, playTexts, scenarioSessions } from "./helpers.js";
import { startLms } from "./lms/server.mjs";

const require = createRequire(import.meta.url);
const validateStatement = require("xapi-validation").default;

const SCENARIO = "stretch-target";
const ROOT = join(HERE, "..", "..");
const OUT = join(ROOT, "target", "packages", "e2e");
const LMS_PORT = Number(process.env.E2E_LMS_PORT ?? Number(process.env.E2E_PORT ?? 8091) + 100);
const LRS_ORIGIN = `http://127.0.0.1:${LMS_PORT + 1}`;

test.describe.configure({ mode: "serial" });

let lms;
/** Paths through the packaged scenario, derived from its file (see helpers.js). */
let paths;

/** Runs the CLI (built by cargo if needed). */
function frontline(args) {
  return execFileSync("cargo", ["run", "--quiet", "-p", "frontline-cli", "--", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  mkdirSync(OUT, { recursive: true });
  const packages = {};
  for (const format of ["scorm12", "scorm2004", "cmi5"]) {
    const out = join(OUT, `${SCENARIO}-${format}.zip`);
    const extra = format === "cmi5" ? ["--lrs-origin", LRS_ORIGIN] : [];
    frontline(["package", "--format", format, "--scenario", SCENARIO, "--dist", DIST, "--out", out, ...extra]);
    packages[format] = out;
  }
  // The host-page API reads its allowlist from frontline-embed.json beside index.html.
  lms = await startLms({
    port: LMS_PORT,
    packages: { ...packages, embed: packages.scorm12 },
    extras: { embed: { "frontline-embed.json": JSON.stringify({ allowedOrigins: [`http://127.0.0.1:${LMS_PORT}`] }) } },
  });
  lms.packages = packages;
  paths = scenarioSessions(SCENARIO)[SCENARIO];
});

test.afterAll(async () => {
  await lms?.close();
});

/** The launch the manifest names: resource href plus the item's parameters. */
async function scormLaunch(zipPath) {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  const xml = await zip.file("imsmanifest.xml").async("string");
  const href = /<resource [^>]*href="([^"]+)"/.exec(xml)[1];
  const params = /<item [^>]*parameters="([^"]+)"/.exec(xml)[1].replaceAll("&amp;", "&");
  return href + params;
}

/** Plays the app in `frame` to the ending, choosing the first choice each time; returns the number of decisions. */
async function playToEnding(frame, { stopAfter = Infinity } = {}) {
  let decisions = 0;
  for (let guard = 0; guard < 60; guard++) {
    const heading = frame.locator("#scene-heading");
    await expect(heading).toBeVisible();
    const text = (await heading.textContent()) ?? "";
    const m = /^Decision (\d+)/.exec(text.trim());
    if (!m) return decisions;
    if (decisions >= stopAfter) return decisions;
    await frame.locator("ol.choices button.choice").first().click();
    decisions += 1;
    await expect(frame.locator("#scene-heading")).not.toHaveText(new RegExp(`^Decision ${m[1]}\\b`));
  }
  throw new Error("no ending after 60 decisions");
}

/** What the host's LMS records as the attempt's success: 1.2's lesson_status, 2004's success_status. */
function recordedSuccess(page, version) {
  return page.evaluate((v) => {
    const cmi = window.host.cmi();
    return v === "12" ? cmi.core.lesson_status : cmi.success_status;
  }, version);
}

async function openHost(page, version, pkg, extra = "") {
  const launch = await scormLaunch(lms.packages[pkg]);
  await page.goto(`${lms.origin}/host/scorm-host.html?version=${version}&pkg=${pkg}&launch=${encodeURIComponent(launch)}${extra}`);
  const frame = page.frameLocator("#sco");
  await expect(frame.locator("main#main")).toBeVisible();
  return frame;
}

for (const [version, pkg] of [["12", "scorm12"], ["2004", "scorm2004"]]) {
  const label = version === "12" ? "1.2" : "2004";
  test(`SCORM ${label}: plays, scores, reports every decision and resumes under scorm-again`, async ({ page }) => {
    const frame = await openHost(page, version, pkg);
    // Embed mode: no skip link or library link inside the LMS.
    // The library and briefing links are hidden in embed mode.
    await expect(frame.locator(".back-link")).toHaveCount(2);
    for (const link of await frame.locator(".back-link").all()) await expect(link).toBeHidden();

    // Two decisions, then leave (the host page reloads as the learner's next visit).
    await playToEnding(frame, { stopAfter: 2 });
    const sceneBefore = (await frame.locator(".scene-text").textContent())?.trim();
    await page.waitForFunction(() => window.host.commits > 0, null, { timeout: 10_000 });
    const mid = await page.evaluate(() => window.host.cmi());
    const midSuspend = mid.suspend_data;
    expect(midSuspend).toMatch(new RegExp(`^${SCENARIO}\\.[A-Za-z0-9_-]+$`));

    await page.reload();
    const again = page.frameLocator("#sco");
    await expect(again.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
    await expect(again.locator(".scene-text")).toHaveText(sceneBefore ?? "");
    // The page that was left called LMSFinish / Terminate once, on pagehide.
    const finishes = await page.evaluate((k) => localStorage.getItem(k), `lms-host-${pkg}-finishes`);
    expect(finishes).toBe("1");
    expect(mid.session_time ?? mid.core?.session_time).toBeTruthy();

    const commitsBefore = await page.evaluate(() => window.host.commits);
    const rest = await playToEnding(again);
    await expect(again.locator(".score")).toBeVisible();
    const scoreText = (await again.locator(".score strong").textContent()) ?? "";
    const score = Number(/Score (\d+)/.exec(scoreText)[1]);
    const passed = (await again.locator(".score").getAttribute("class")).includes("passed");
    await page.waitForFunction((n) => window.host.commits > n, commitsBefore, { timeout: 10_000 });
    const cmi = await page.evaluate(() => window.host.cmi());
    const commits = (await page.evaluate(() => window.host.commits)) - commitsBefore;

    const interactions = Object.values(cmi.interactions?.childArray ?? cmi.interactions ?? {});
    const total = 2 + rest;
    if (version === "12") {
      expect(cmi.core.lesson_status).toBe(passed ? "passed" : "failed");
      expect(Number(cmi.core.score.raw)).toBe(score);
      expect(cmi.core.score.min).toBe("0");
      expect(cmi.core.score.max).toBe("100");
      expect(cmi.core.exit).toBe("");
    } else {
      expect(cmi.completion_status).toBe("completed");
      expect(cmi.success_status).toBe(passed ? "passed" : "failed");
      expect(Number(cmi.score.raw)).toBe(score);
      expect(Number(cmi.score.scaled)).toBeCloseTo(score / 100, 2);
      expect(cmi.progress_measure).toBe("1.00");
      expect(cmi.exit).toBe("normal");
    }
    // The resumed LMS session holds the decisions made in it (the first two were stored in
    // the first session, as an LMS keeps interactions per attempt).
    expect(interactions.length).toBe(rest);
    for (const it of interactions) {
      expect(it.id).toMatch(/^[A-Za-z0-9_]+$/);
      expect(it.type).toBe("choice");
      expect(version === "12" ? ["correct", "wrong", "neutral"] : ["correct", "incorrect", "neutral"]).toContain(it.result);
      if (version === "12") expect(it.student_response).toMatch(/^[a-z0-9]$/);
      else {
        expect(it.learner_response).toMatch(/^[A-Za-z0-9_]+$/);
        expect(it.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$/);
        expect(it.description.length).toBeGreaterThan(0);
      }
    }
    const suspend = cmi.suspend_data;
    expect(suspend.length).toBeLessThanOrEqual(4096);
    console.log(
      `SCORM ${label}: ${total} decisions, score ${score} (${passed ? "passed" : "failed"}), ` +
        `suspend_data ${suspend.length} chars (after 2 decisions: ${midSuspend.length}), ` +
        `${interactions.length} interactions in the resumed session, ${commits} commits for its ${rest} decisions`,
    );
    await page.screenshot({ path: join(ARTIFACTS, `lms-scorm${version}-ending.png`) });
  });
}

test("SCORM 1.2: when commits fail, play goes on with a notice, and recovers", async ({ page }) => {
  test.setTimeout(120_000);
  // On a phone, in the dark scheme: the notice must not hide the content or fail axe.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  const frame = await openHost(page, "12", "scorm12", "&fail=commit");
  const decisions = await playToEnding(frame);
  await expect(frame.locator(".score")).toBeVisible();
  const notice = frame.locator(".lms-status[role=status]");
  await expect(notice).toContainText("not recording progress");
  expect(decisions).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.host.failedCommits)).toBeGreaterThan(0);
  await page.screenshot({ path: join(ARTIFACTS, "lms-scorm12-notice-390-dark.png") });
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  expect(axe.passes.length).toBeGreaterThan(5);
  await page.evaluate(() => window.host.stopFailing());
  // The next retry (at most 15 s later) succeeds and the notice goes.
  await expect(notice).toHaveText("", { timeout: 30_000 });
  const cmi = await page.evaluate(() => window.host.cmi());
  expect(["passed", "failed"]).toContain(cmi.core.lesson_status);
  expect(await page.evaluate(() => window.host.commits)).toBeGreaterThan(0);
});

test("cmi5: statements validate, follow cmi5's rules and carry the LaunchData context", async ({ page }) => {
  const activityId = `https://frontline.invalid/scenarios/${SCENARIO}/au`;
  const actor = { objectType: "Agent", name: "Ada Learner", account: { homePage: "https://lms.invalid", name: "ada" } };
  const sessionId = "a4ad53c1-1c51-4a6c-9e1b-6f0c7f2b2a10";
  const launch = lms.lrs.launch({
    activityId,
    actor,
    launchData: {
      contextTemplate: {
        contextActivities: { grouping: [{ id: `https://frontline.invalid/scenarios/${SCENARIO}`, objectType: "Activity" }] },
        extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": sessionId },
      },
      launchMode: "Normal",
      launchMethod: "AnyWindow",
      moveOn: "Passed",
      masteryScore: 0.6,
    },
  });
  const zip = await JSZip.loadAsync(readFileSync(lms.packages.cmi5));
  const courseXml = await zip.file("cmi5.xml").async("string");
  const url = /<url>([^<]+)<\/url>/.exec(courseXml)[1].replaceAll("&amp;", "&");
  const query = new URLSearchParams(launch).toString();
  await page.goto(`${lms.origin}/pkg/cmi5/${url}&${query}`);
  await expect(page.locator("main#main")).toBeVisible();
  const decisions = await playToEnding(page);
  await expect(page.locator(".score")).toBeVisible();
  // Leaving the page sends terminated.
  await page.goto("about:blank");
  await expect
    .poll(() => lms.lrs.statements.map((s) => s.verb.id.split("/").pop()).join(" "), { timeout: 15_000 })
    .toMatch(/terminated$/);

  const statements = lms.lrs.statements;
  // xapi-validation returns its findings (it does not throw); none is allowed. The broken
  // copy shows that the validator is really looking.
  const findings = (s) => validateStatement(s).map((w) => `${w.path.join(".")}: ${w.name}`);
  for (const s of statements) {
    expect(findings(s), JSON.stringify(s)).toEqual([]);
  }
  expect(findings({ ...statements[0], verb: { id: "initialized" }, timestamp: "yesterday" }).length).toBeGreaterThan(1);
  const verbs = statements.map((s) => s.verb.id.split("/").pop());
  expect(verbs[0]).toBe("initialized");
  expect(verbs.at(-1)).toBe("terminated");
  expect(verbs.filter((v) => v === "answered")).toHaveLength(decisions);
  expect(verbs.filter((v) => v === "completed")).toHaveLength(1);
  expect(verbs.filter((v) => v === "passed" || v === "failed")).toHaveLength(1);
  const cmi5Cat = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  const moveOnCat = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  for (const s of statements) {
    const cats = (s.context.contextActivities?.category ?? []).map((c) => c.id);
    expect(s.context.registration).toBe(launch.registration);
    expect(s.context.extensions["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]).toBe(sessionId);
    expect(s.actor).toEqual(actor);
    const verb = s.verb.id.split("/").pop();
    if (verb === "answered") {
      expect(cats).not.toContain(cmi5Cat);
      expect(s.object.definition.interactionType).toBe("choice");
    } else {
      expect(s.object.id).toBe(activityId);
      expect(cats).toContain(cmi5Cat);
      expect(cats.includes(moveOnCat)).toBe(["completed", "passed", "failed"].includes(verb));
    }
    if (verb === "passed" || verb === "failed") {
      expect(s.context.extensions["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"]).toBe(0.6);
      expect(s.result.success).toBe(verb === "passed");
      expect(s.result.score.scaled >= 0.6).toBe(verb === "passed");
    }
  }
  const xapiRequests = lms.lrs.requests.filter((r) => r.path.startsWith("/xapi/"));
  for (const r of xapiRequests) {
    expect(r.headers["x-experience-api-version"]).toBe("1.0.3");
    expect(r.headers.authorization).toMatch(/^Basic /);
  }
  const fetches = lms.lrs.requests.filter((r) => r.path.startsWith("/fetch/"));
  expect(fetches).toHaveLength(1);
  // The session code was stored as the AU's state (its suspend data).
  const saved = [...lms.lrs.state.entries()].find(([k]) => k.includes("frontline.session"));
  expect(JSON.parse(saved[1]).code).toMatch(new RegExp(`^${SCENARIO}\\.`));
  console.log(
    `cmi5: ${statements.length} statements (${verbs.join(", ")}), all valid; ` +
      `${xapiRequests.filter((r) => r.path.endsWith("/statements")).length} statement POSTs; ` +
      `state document ${saved[1].length} chars`,
  );
});

test("the packages' manifests parse, list every file and reference only files in the zip", async () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["file", "resource", "item", "au"].includes(name) });
  for (const [format, path] of Object.entries(lms.packages)) {
    const zip = await JSZip.loadAsync(readFileSync(path));
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir);
    for (const n of names) expect(n, format).not.toMatch(/^\/|\\|\.\./);
    expect(names).toContain("index.html");
    expect(names).toContain("frontline-web_bg.wasm");
    expect(names).toContain(`scenarios/${SCENARIO}.flc`);
    const manifestName = format === "cmi5" ? "cmi5.xml" : "imsmanifest.xml";
    const xml = await zip.file(manifestName).async("string");
    expect(XMLValidator.validate(xml), format).toBe(true);
    const doc = parser.parse(xml);
    if (format === "cmi5") {
      const au = doc.courseStructure.au;
      expect(au).toHaveLength(1);
      expect(names).toContain(au[0].url.split("?")[0]);
      expect(au[0]["@moveOn"]).toBe("Passed");
      continue;
    }
    const manifest = doc.manifest;
    const v12 = format === "scorm12";
    expect(String(manifest.metadata.schemaversion)).toBe(v12 ? "1.2" : "2004 4th Edition");
    const [resource] = manifest.resources.resource;
    expect(manifest.resources.resource).toHaveLength(1);
    expect(resource[v12 ? "@adlcp:scormtype" : "@adlcp:scormType"]).toBe("sco");
    expect(resource[v12 ? "@adlcp:scormType" : "@adlcp:scormtype"]).toBeUndefined();
    expect(names).toContain(resource["@href"]);
    const files = resource.file.map((f) => f["@href"]);
    expect(new Set(files).size).toBe(files.length);
    // Every file but the manifest and the schema files it names (at the root, see below).
    expect([...files].sort()).toEqual(names.filter((n) => n !== "imsmanifest.xml" && !/^[^/]+\.(xsd|dtd)$/.test(n)).sort());
    const [item] = manifest.organizations.organization.item;
    expect(item["@identifierref"]).toBe(resource["@identifier"]);
    console.log(`${format}: ${names.length} files in the zip, ${files.length} listed in the manifest`);
  }
});

test("host page: events reach an allowed parent and its commands drive the app", async ({ page }) => {
  // The app comes from the SCORM 1.2 zip with a frontline-embed.json added beside
  // index.html; there is no SCORM API on this page, so it runs standalone in embed mode.
  await page.goto(`${lms.origin}/host/embed-host.html`);
  const frame = page.frameLocator("#app");
  await expect(frame.locator("main#main")).toBeVisible();
  await page.waitForFunction(() => window.messages.some((m) => m.type === "ready"));
  await page.evaluate((id) => window.send({ type: "start", scenario: id }), SCENARIO);
  await expect(frame.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
  await playToEnding(frame);
  await page.waitForFunction(() => window.messages.some((m) => m.type === "score"));
  const messages = await page.evaluate(() => window.messages);
  const types = messages.map((m) => m.type);
  expect(types[0]).toBe("ready");
  expect(types.filter((t) => t === "decision").length).toBeGreaterThan(0);
  expect(types).toContain("ending");
  const score = messages.find((m) => m.type === "score");
  expect(score.max).toBe(100);
  expect(score.scenario).toBe(SCENARIO);
  for (const m of messages) expect(m.source).toBe("frontline");
  // Embed mode hides the app's own chrome.
  await expect(frame.locator(".skip-link")).toBeHidden();
  // The library and briefing links are hidden in embed mode.
  await expect(frame.locator(".back-link")).toHaveCount(2);
  for (const link of await frame.locator(".back-link").all()) await expect(link).toBeHidden();
  await page.screenshot({ path: join(ARTIFACTS, "lms-embed-ending.png") });
  // Restart starts the scenario again from the first decision.
  await page.evaluate(() => window.send({ type: "restart" }));
  await expect(frame.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
});

test("host page: a parent that is not on the allowlist gets nothing and cannot command", async ({ page }) => {
  await page.goto(`${lms.origin.replace("127.0.0.1", "localhost")}/host/embed-host.html`);
  const frame = page.frameLocator("#app");
  await expect(frame.locator("main#main")).toBeVisible();
  await page.evaluate((id) => window.send({ type: "start", scenario: id }), SCENARIO);
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.messages)).toEqual([]);
  await expect(frame.locator("#scene-heading")).toHaveCount(0);
});

/**
 * The path that scores lowest while still passing the scenario's own pass mark: below 95,
 * so a learning platform's mastery score of 95 turns it into a fail.
 */
function passingBelow95() {
  const path = paths.lowest_pass;
  expect(path.passed).toBe(true);
  expect(path.score).toBeLessThan(95);
  return path;
}

const PLATFORM_FAIL = (score) => `Score ${score} / 100 — not passed (pass mark 95, set by your learning platform)`;

for (const [version, pkg] of [["2004", "scorm2004"], ["12", "scorm12"]]) {
  const label = version === "12" ? "1.2" : "2004";
  test(`SCORM ${label}: the LMS's pass mark of 95 wins in the debrief, the past results and the LMS's record`, async ({ page }) => {
    const path = passingBelow95();
    // The LMS hands back a saved session with no decision yet: the seed whose dice play the
    // path out (what the host page keeps in its localStorage, as an LMS keeps suspend_data).
    await page.goto(`${lms.origin}/host/host.css`);
    const stored =
      version === "12"
        ? { core: { exit: "suspend", lesson_status: "incomplete", lesson_location: "" }, suspend_data: path.start }
        : { exit: "suspend", completion_status: "incomplete", location: "", suspend_data: path.start };
    await page.evaluate(([key, data]) => localStorage.setItem(key, JSON.stringify(data)), [`lms-host-${pkg}`, stored]);
    const frame = await openHost(page, version, pkg, "&mastery=0.95");
    await playTexts(
      frame,
      path.steps.map((s) => s.text),
    );
    await expect(frame.locator(".ending .score")).toHaveText(PLATFORM_FAIL(path.score));
    await expect(frame.locator(".ending .score")).toHaveClass(/failed/);
    await expect(frame.locator(".past-results li").first()).toContainText(
      `score ${path.score}, not passed (pass mark 95, set by your learning platform)`,
    );
    await expect.poll(() => recordedSuccess(page, version), { timeout: 10_000 }).toBe("failed");
    const cmi = await page.evaluate(() => window.host.cmi());
    if (version === "12") {
      expect(cmi.student_data.mastery_score).toBe("95");
      expect(Number(cmi.core.score.raw)).toBe(path.score);
    } else {
      expect(cmi.scaled_passing_score).toBe("0.95");
      expect(Number(cmi.score.raw)).toBe(path.score);
      expect(cmi.completion_status).toBe("completed");
    }
    await frame.locator(".ending .score").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, `lms-scorm${version}-mastery-95.png`) });
  });
}

test("cmi5: a masteryScore of 0.95 wins in the debrief and the failed statement", async ({ page }) => {
  const path = passingBelow95();
  const activityId = `https://frontline.invalid/scenarios/${SCENARIO}/au`;
  const actor = { objectType: "Agent", name: "Ada Learner", account: { homePage: "https://lms.invalid", name: "ada" } };
  const launch = lms.lrs.launch({
    activityId,
    actor,
    launchData: { contextTemplate: {}, launchMode: "Normal", launchMethod: "AnyWindow", moveOn: "Passed", masteryScore: 0.95 },
  });
  // The AU's saved session: the seed whose dice play the path out, no decision made yet.
  lms.lrs.state.set(JSON.stringify(["frontline.session", activityId, launch.registration]), JSON.stringify({ code: path.start }));
  const zip = await JSZip.loadAsync(readFileSync(lms.packages.cmi5));
  const courseXml = await zip.file("cmi5.xml").async("string");
  const url = /<url>([^<]+)<\/url>/.exec(courseXml)[1].replaceAll("&amp;", "&");
  await page.goto(`${lms.origin}/pkg/cmi5/${url}&${new URLSearchParams(launch).toString()}`);
  await expect(page.locator("main#main")).toBeVisible();
  await playTexts(
    page,
    path.steps.map((s) => s.text),
  );
  await expect(page.locator(".ending .score")).toHaveText(PLATFORM_FAIL(path.score));
  const ours = () => lms.lrs.statements.filter((s) => s.context?.registration === launch.registration);
  await expect
    .poll(() => ours().map((s) => s.verb.id.split("/").pop()).filter((v) => v === "passed" || v === "failed"), { timeout: 15_000 })
    .toEqual(["failed"]);
  const failed = ours().find((s) => s.verb.id.endsWith("/failed"));
  expect(failed.result.success).toBe(false);
  expect(failed.result.score.raw).toBe(path.score);
  expect(failed.context.extensions["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"]).toBe(0.95);
});

test("an LMS launch downloads the embedded module, never the first-play one", async ({ page }) => {
  const wasm = [];
  page.on("response", (res) => {
    const path = new URL(res.url()).pathname;
    if (path.endsWith(".wasm") && !/(loader|what-ifs)_bg\.wasm$/.test(path)) wasm.push(path);
  });
  const frame = await openHost(page, "12", "scorm12");
  await expect(frame.locator("#scene-heading")).toBeVisible();
  expect(wasm.some((p) => p.endsWith("/embedded/frontline-embedded_bg.wasm")), wasm.join(", ")).toBe(true);
  expect(wasm.filter((p) => p.endsWith("/frontline-web_bg.wasm")), wasm.join(", ")).toEqual([]);
});

// ---------------------------------------------------------------------------------------
// What real platforms do (issue 17): LMS variants of scorm-again (an optional element not
// implemented, a value refused for good, review mode), the exit control, and a strict cmi5
// LRS (409 for an id it has, 400 for a second `completed` per registration).

const squash = (s) => s.replace(/\s+/g, " ").trim();

/** Plays the given choice texts, the first at decision `first`. */
async function playSteps(scope, texts, first = 1) {
  for (const [k, text] of texts.entries()) {
    await expect(scope.locator("#scene-heading")).toHaveText(new RegExp(`^Decision ${first + k}\\b`));
    await expect(scope.locator("ol.choices button.choice").first()).toBeVisible();
    const offered = (await scope.locator("ol.choices button.choice .choice-text").allTextContents()).map(squash);
    const i = offered.indexOf(squash(text));
    expect(i, `Decision ${first + k} offers "${text}" (it offers: ${offered.join(" | ")})`).toBeGreaterThanOrEqual(0);
    await scope.locator("ol.choices button.choice").nth(i).click();
  }
}

/** Stores what the host page's LMS hands back at the next launch: a saved session, no decision yet. */
async function seedHost(page, version, pkg, code) {
  await page.goto(`${lms.origin}/host/host.css`);
  const stored =
    version === "12"
      ? { core: { exit: "suspend", lesson_status: "incomplete", lesson_location: "" }, suspend_data: code }
      : { exit: "suspend", completion_status: "incomplete", location: "", suspend_data: code };
  await page.evaluate(([key, data]) => localStorage.setItem(key, JSON.stringify(data)), [`lms-host-${pkg}`, stored]);
}

const ACTIVITY = `https://frontline.invalid/scenarios/${SCENARIO}/au`;
const ACTOR = { objectType: "Agent", name: "Ada Learner", account: { homePage: "https://lms.invalid", name: "ada" } };
const NORMAL = { contextTemplate: {}, launchMode: "Normal", launchMethod: "AnyWindow", moveOn: "Passed" };

/** The address a cmi5 LMS opens for a launch. */
async function cmi5Url(launch) {
  const zip = await JSZip.loadAsync(readFileSync(lms.packages.cmi5));
  const courseXml = await zip.file("cmi5.xml").async("string");
  const url = /<url>([^<]+)<\/url>/.exec(courseXml)[1].replaceAll("&amp;", "&");
  return `${lms.origin}/pkg/cmi5/${url}&${new URLSearchParams(launch).toString()}`;
}

const verbOf = (s) => s.verb.id.split("/").pop();
const statementsOf = (registration) => lms.lrs.statements.filter((s) => s.context?.registration === registration);

for (const [version, pkg, code] of [["12", "scorm12", "401"], ["2004", "scorm2004", "402"]]) {
  const label = version === "12" ? "1.2" : "2004";
  test(`SCORM ${label}: an LMS without cmi.interactions (error ${code}) still gets where the learner is, the resume, the score and its own pass mark`, async ({ page }) => {
    const path = passingBelow95();
    const texts = path.steps.map((s) => s.text);
    await seedHost(page, version, pkg, path.start);
    const variant = `&refuse=cmi.interactions:${code}&mastery=0.95`;
    let frame = await openHost(page, version, pkg, variant);
    await playSteps(frame, texts.slice(0, 2));
    await expect(frame.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
    await page.waitForFunction(() => window.host.commits > 0, null, { timeout: 10_000 });
    const mid = await page.evaluate(() => window.host.cmi());
    expect(mid.suspend_data).toMatch(new RegExp(`^${SCENARIO}\\.`));
    expect(mid.suspend_data).not.toBe(path.start);
    expect(version === "12" ? mid.core.lesson_location : mid.location).toBeTruthy();
    // The LMS lists no interaction elements, so none is even tried.
    expect(await page.evaluate(() => window.host.sets.filter(([e]) => e.startsWith("cmi.interactions")).length)).toBe(0);

    // The next visit resumes at decision 3 and plays to the ending.
    await page.reload();
    frame = page.frameLocator("#sco");
    await playSteps(frame, texts.slice(2), 3);
    await expect(frame.locator(".ending .score")).toHaveText(PLATFORM_FAIL(path.score));
    await expect.poll(() => recordedSuccess(page, version), { timeout: 10_000 }).toBe("failed");
    const cmi = await page.evaluate(() => window.host.cmi());
    expect(Number(version === "12" ? cmi.core.score.raw : cmi.score.raw)).toBe(path.score);
    // Nothing required was lost, so the learner sees no notice.
    await expect(frame.locator(".lms-status")).toHaveText("");
  });
}

test("SCORM 1.2: a suspend_data the LMS refuses for good (405) costs only the resume; status, score and decisions are recorded and the learner is told", async ({ page }) => {
  const frame = await openHost(page, "12", "scorm12", "&refuse=cmi.suspend_data:405");
  const decisions = await playToEnding(frame);
  await expect(frame.locator(".score")).toBeVisible();
  const score = Number(/Score (\d+)/.exec((await frame.locator(".score strong").textContent()) ?? "")[1]);
  const passed = (await frame.locator(".score").getAttribute("class")).includes("passed");
  await expect.poll(() => page.evaluate(() => window.host.cmi().core.lesson_status), { timeout: 10_000 }).toBe(passed ? "passed" : "failed");
  const cmi = await page.evaluate(() => window.host.cmi());
  expect(Number(cmi.core.score.raw)).toBe(score);
  expect(cmi.core.lesson_location).toBeTruthy();
  expect(Object.values(cmi.interactions?.childArray ?? cmi.interactions ?? {})).toHaveLength(decisions);
  expect(cmi.suspend_data).toBe("");
  await expect(frame.locator(".lms-status")).toContainText("did not accept all of your progress");
});

for (const [version, pkg] of [["12", "scorm12"], ["2004", "scorm2004"]]) {
  const label = version === "12" ? "1.2" : "2004";
  test(`SCORM ${label}: "Save and exit" suspends, finishes once and hands the learner back to the LMS`, async ({ page }) => {
    const frame = await openHost(page, version, pkg);
    await playToEnding(frame, { stopAfter: 1 });
    await frame.getByRole("button", { name: "Save and exit" }).click();
    await expect(frame.locator(".lms-exited")).toContainText("You can close this window");
    expect(await page.evaluate(() => window.host.finishes)).toBe(1);
    const cmi = await page.evaluate(() => window.host.cmi());
    if (version === "12") {
      expect(cmi.core.exit).toBe("suspend");
      expect(cmi.core.lesson_status).toBe("incomplete");
    } else {
      expect(cmi.exit).toBe("suspend");
      expect(await page.evaluate(() => window.host.navRequest)).toBe("suspendAll");
    }
    expect(cmi.suspend_data).toMatch(new RegExp(`^${SCENARIO}\\.`));
    // Leaving the page afterwards does not finish a second time.
    await page.goto(`${lms.origin}/host/host.css`);
    expect(await page.evaluate((k) => localStorage.getItem(k), `lms-host-${pkg}-finishes`)).toBe("1");
  });
}

test("SCORM 1.2: review mode shows the recorded attempt read-only and writes nothing", async ({ page }) => {
  // A normal session: two decisions, then the learner leaves.
  const frame = await openHost(page, "12", "scorm12");
  await playToEnding(frame, { stopAfter: 2 });
  await page.waitForFunction(() => window.host.commits > 0, null, { timeout: 10_000 });
  const recorded = await page.evaluate(() => window.host.cmi());
  // The LMS opens the attempt for review.
  const review = await openHost(page, "12", "scorm12", "&mode=review");
  await expect(review.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
  await expect(review.locator(".history summary")).toHaveText("Your decisions so far (2)");
  await expect(review.locator("ol.choices")).toBeHidden();
  await expect(review.locator(".choice-keys")).toHaveCount(0);
  // The letter keys take no decision either.
  await review.locator("#scene-heading").press("a");
  await expect(review.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
  await expect(review.locator(".history summary")).toHaveText("Your decisions so far (2)");
  await expect(review.locator(".lms-status")).toContainText("looking back at an attempt");
  await review.getByRole("button", { name: "Exit" }).click();
  await expect(review.locator(".lms-exited")).toBeVisible();
  expect(await page.evaluate(() => window.host.sets)).toEqual([]);
  expect(await page.evaluate(() => window.host.finishes)).toBe(1);
  const after = await page.evaluate(() => window.host.cmi());
  expect(after.suspend_data).toBe(recorded.suspend_data);
  expect(after.core.lesson_location).toBe(recorded.core.lesson_location);
});

test("SCORM 2004: review of a finished attempt shows its debrief with the LMS's pass mark, and no way to play again", async ({ page }) => {
  const path = passingBelow95();
  await seedHost(page, "2004", "scorm2004", path.code);
  const frame = await openHost(page, "2004", "scorm2004", "&mode=review&mastery=0.95");
  await expect(frame.locator(".ending .score")).toHaveText(PLATFORM_FAIL(path.score));
  await expect(frame.locator(".timeline > li")).toHaveCount(path.steps.length);
  await expect(frame.getByRole("button", { name: "Play again" })).toBeHidden();
  await expect(frame.getByRole("button", { name: /^Replay from/ }).first()).toBeHidden();
  await frame.getByRole("button", { name: "Exit" }).click();
  expect(await page.evaluate(() => window.host.navRequest)).toBe("exitAll");
  // Only the navigation request: no data element is written.
  expect(await page.evaluate(() => window.host.sets)).toEqual([["adl.nav.request", "exitAll"]]);
});

test("SCORM 2004: browse mode lets the learner play and writes nothing", async ({ page }) => {
  const frame = await openHost(page, "2004", "scorm2004", "&mode=browse");
  await playToEnding(frame, { stopAfter: 2 });
  await expect(frame.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
  await page.waitForTimeout(3_000);
  expect(await page.evaluate(() => window.host.sets)).toEqual([]);
  await expect(frame.locator(".lms-status")).toHaveText("");
});

test("SCORM 1.2: an SCO nine frames below the LMS's API (past ADL's seven) still finds it and records", async ({ page }) => {
  const launch = await scormLaunch(lms.packages.scorm12);
  await page.goto(`${lms.origin}/host/scorm-host.html?version=12&pkg=scorm12&launch=${encodeURIComponent(launch)}&nest=8`);
  let frame = page.frameLocator("#sco");
  for (let i = 0; i < 8; i++) frame = frame.frameLocator("#inner");
  await playToEnding(frame, { stopAfter: 1 });
  await page.waitForFunction(() => window.host.commits > 0, null, { timeout: 10_000 });
  expect((await page.evaluate(() => window.host.cmi())).suspend_data).toMatch(new RegExp(`^${SCENARIO}\\.`));
  await expect(frame.locator(".lms-status")).toHaveText("");
});

test("SCORM: a package launched where no SCORM API answers says that progress is not recorded", async ({ page }) => {
  const launch = await scormLaunch(lms.packages.scorm12);
  await page.goto(`${lms.origin}/pkg/scorm12/${launch}`);
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 1\b/);
  await expect(page.locator(".lms-status")).toContainText("your progress is not recorded");
  await expect(page.getByRole("button", { name: /exit/i })).toHaveCount(0);
});

test("cmi5: a reload inside the launch keeps recording with the same token, and the LMS's pass mark still wins", async ({ page }) => {
  const path = passingBelow95();
  const texts = path.steps.map((s) => s.text);
  const launch = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: { ...NORMAL, masteryScore: 0.95 } });
  const key = JSON.stringify(["frontline.session", ACTIVITY, launch.registration]);
  lms.lrs.state.set(key, JSON.stringify({ code: path.start }));
  await page.goto(await cmi5Url(launch));
  await playSteps(page, texts.slice(0, 2));
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
  // The saved session moves on from the start before the reload.
  await expect.poll(() => JSON.parse(lms.lrs.state.get(key)).code, { timeout: 10_000 }).not.toBe(path.start);
  await page.reload();
  await expect(page.locator("#scene-heading")).toHaveText(/^Decision 3\b/);
  await expect(page.locator(".lms-status")).toHaveText("");
  await playSteps(page, texts.slice(2), 3);
  await expect(page.locator(".ending .score")).toHaveText(PLATFORM_FAIL(path.score));
  await expect.poll(() => statementsOf(launch.registration).map(verbOf).filter((v) => v === "failed"), { timeout: 15_000 }).toEqual(["failed"]);
  const verbs = statementsOf(launch.registration).map(verbOf);
  expect(verbs.filter((v) => v === "initialized")).toHaveLength(1);
  expect(verbs.filter((v) => v === "answered")).toHaveLength(texts.length);
  expect(lms.lrs.requests.filter((r) => r.path === `/fetch/${launch.fetch.split("/").pop()}`)).toHaveLength(1);
});

test("cmi5: a learner who failed and passes in a later session gets passed without a second completed, which a strict LMS stores", async ({ page }) => {
  const worst = paths.worst;
  const best = paths.best;
  expect(worst.passed).toBe(false);
  expect(best.passed).toBe(true);
  const first = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: NORMAL });
  const key = JSON.stringify(["frontline.session", ACTIVITY, first.registration]);
  lms.lrs.state.set(key, JSON.stringify({ code: worst.start }));
  const answersBefore = lms.lrs.answers.length;
  await page.goto(await cmi5Url(first));
  await playSteps(page, worst.steps.map((s) => s.text));
  await expect(page.locator(".ending .score")).toHaveClass(/failed/);
  await expect.poll(() => statementsOf(first.registration).map(verbOf).includes("failed"), { timeout: 15_000 }).toBe(true);
  await page.goto("about:blank");
  await expect.poll(() => statementsOf(first.registration).map(verbOf).at(-1), { timeout: 15_000 }).toBe("terminated");

  // A later session of the same registration. The learner had pressed "Play again" and left
  // before deciding: the saved session is a new playthrough (the dice of the best path).
  const doc = JSON.parse(lms.lrs.state.get(key));
  lms.lrs.state.set(key, JSON.stringify({ ...doc, code: best.start }));
  const second = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: NORMAL, registration: first.registration });
  await page.goto(await cmi5Url(second));
  await playSteps(page, best.steps.map((s) => s.text));
  await expect(page.locator(".ending .score")).toHaveClass(/passed/);
  await expect.poll(() => statementsOf(first.registration).map(verbOf).includes("passed"), { timeout: 15_000 }).toBe(true);
  const verbs = statementsOf(first.registration).map(verbOf);
  expect(verbs.filter((v) => v === "completed")).toHaveLength(1);
  expect(verbs.filter((v) => v === "failed")).toHaveLength(1);
  expect(verbs.filter((v) => v === "passed")).toHaveLength(1);
  expect(lms.lrs.answers.slice(answersBefore).filter((a) => a.status !== 200)).toEqual([]);
});

test("cmi5: statements in flight when the window closes are not sent again, so a strict LRS stores the closing batch", async ({ page }) => {
  const path = paths.best;
  const texts = path.steps.map((s) => s.text);
  const launch = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: NORMAL });
  lms.lrs.state.set(JSON.stringify(["frontline.session", ACTIVITY, launch.registration]), JSON.stringify({ code: path.start }));
  const answersBefore = lms.lrs.answers.length;
  await page.goto(await cmi5Url(launch));
  await playSteps(page, texts.slice(0, -1));
  await expect.poll(() => statementsOf(launch.registration).filter((s) => verbOf(s) === "answered").length, { timeout: 15_000 }).toBe(texts.length - 1);
  // The LRS stores the ending's batch but answers it slowly; the learner closes the window
  // while the answer is on its way.
  lms.lrs.answerDelayMs = 4_000;
  try {
    await playSteps(page, texts.slice(-1), texts.length);
    await expect.poll(() => statementsOf(launch.registration).map(verbOf).includes("completed"), { timeout: 15_000 }).toBe(true);
    await page.goto("about:blank");
  } finally {
    lms.lrs.answerDelayMs = 0;
  }
  await expect.poll(() => statementsOf(launch.registration).map(verbOf).at(-1), { timeout: 15_000 }).toBe("terminated");
  const verbs = statementsOf(launch.registration).map(verbOf);
  expect(verbs.filter((v) => v === "answered")).toHaveLength(texts.length);
  expect(verbs.filter((v) => v === "completed")).toHaveLength(1);
  expect(verbs.filter((v) => v === "passed")).toHaveLength(1);
  expect(lms.lrs.answers.slice(answersBefore).map((a) => a.status)).not.toContain(409);
});

test("cmi5: a statement the LRS refuses (400) is final: the rest of its batch is stored, it is not retried, and the learner is told", async ({ page }) => {
  const path = paths.worst;
  const launch = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: NORMAL });
  lms.lrs.state.set(JSON.stringify(["frontline.session", ACTIVITY, launch.registration]), JSON.stringify({ code: path.start }));
  await page.goto(await cmi5Url(launch));
  lms.lrs.rejectVerbs = new Set(["completed"]);
  try {
    const answersBefore = lms.lrs.answers.length;
    await playSteps(page, path.steps.map((s) => s.text));
    await expect.poll(() => statementsOf(launch.registration).map(verbOf).includes("failed"), { timeout: 15_000 }).toBe(true);
    await expect(page.locator(".lms-status")).toContainText("did not accept all of your progress");
    // Give a retry loop time to show itself: the refused statement is sent alone once.
    await page.waitForTimeout(5_000);
    const refused = lms.lrs.answers.slice(answersBefore).filter((a) => a.status === 400);
    expect(refused.map((a) => a.verbs.length)).toEqual([refused[0].verbs.length, 1]);
    expect(refused[1].verbs).toEqual(["completed"]);
  } finally {
    lms.lrs.rejectVerbs = new Set();
  }
  await page.goto("about:blank");
  await expect.poll(() => statementsOf(launch.registration).map(verbOf).at(-1), { timeout: 15_000 }).toBe("terminated");
  const verbs = statementsOf(launch.registration).map(verbOf);
  expect(verbs).not.toContain("completed");
  expect(verbs.filter((v) => v === "answered")).toHaveLength(path.steps.length);
});

test("cmi5: the exit control terminates the session and returns the learner to the LMS's returnURL; learner preferences are read", async ({ page }) => {
  lms.lrs.profiles.set("cmi5LearnerPreferences", { languagePreference: "en-US", audioPreference: "off" });
  const returnURL = `${lms.origin}/host/returned.html`;
  const launch = lms.lrs.launch({ activityId: ACTIVITY, actor: ACTOR, launchData: { ...NORMAL, returnURL } });
  const requestsBefore = lms.lrs.requests.length;
  await page.goto(await cmi5Url(launch));
  await playToEnding(page, { stopAfter: 1 });
  await page.getByRole("button", { name: "Save and exit" }).click();
  await expect(page).toHaveURL(returnURL);
  await expect
    .poll(() => statementsOf(launch.registration).map(verbOf), { timeout: 15_000 })
    .toEqual(["initialized", "answered", "terminated"]);
  const preferences = lms.lrs.requests
    .slice(requestsBefore)
    .filter((r) => r.method === "GET" && r.path === "/xapi/agents/profile" && new URLSearchParams(r.search).get("profileId") === "cmi5LearnerPreferences");
  expect(preferences).toHaveLength(1);
  expect(JSON.parse(new URLSearchParams(preferences[0].search).get("agent"))).toEqual(ACTOR);
});

test("the SCORM packages carry the schema files their manifests name in schemaLocation", async () => {
  for (const format of ["scorm12", "scorm2004"]) {
    const zip = await JSZip.loadAsync(readFileSync(lms.packages[format]));
    const xml = await zip.file("imsmanifest.xml").async("string");
    const locations = /xsi:schemaLocation="([^"]+)"/.exec(xml)[1].trim().split(/\s+/);
    expect(locations.length % 2).toBe(0);
    for (let i = 0; i < locations.length; i += 2) {
      const [namespace, file] = [locations[i], locations[i + 1]];
      const entry = zip.file(file);
      expect(entry, `${format}: ${file}`).not.toBeNull();
      const xsd = await entry.async("string");
      expect(XMLValidator.validate(xsd), `${format}: ${file}`).toBe(true);
      expect(xsd, `${format}: ${file} defines ${namespace}`).toMatch(new RegExp(`targetNamespace\\s*=\\s*"${namespace.replaceAll(".", "\\.")}"`));
      // The schemas a schema imports or includes from the package are there too.
      for (const [, imported] of xsd.matchAll(/schemaLocation\s*=\s*"([^":]+)"/g)) {
        expect(zip.file(imported), `${format}: ${file} needs ${imported}`).not.toBeNull();
      }
    }
  }
});

test("cmi5: with --lrs-origin the package's Content-Security-Policy lets the app connect to that LRS only", async ({ page }) => {
  const zip = await JSZip.loadAsync(readFileSync(lms.packages.cmi5));
  const index = await zip.file("index.html").async("string");
  const connect = /connect-src ([^;"]+)/.exec(index)[1].trim();
  expect(connect).toBe(`'self' ${LRS_ORIGIN}`);
  await page.goto(`${lms.origin}/pkg/cmi5/index.html`);
  await expect(page.locator("main#main")).toBeVisible();
  const blocked = await page.evaluate(async () => {
    const violation = new Promise((ok) =>
      document.addEventListener("securitypolicyviolation", (e) => ok(e.effectiveDirective), { once: true }),
    );
    fetch("https://lrs.invalid/xapi/statements").catch(() => {});
    return Promise.race([violation, new Promise((ok) => setTimeout(() => ok("allowed"), 3_000))]);
  });
  expect(blocked).toBe("connect-src");
});

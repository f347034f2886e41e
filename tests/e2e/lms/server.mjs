// The LMS side of the LMS tests, on 127.0.0.1 only. Checks nothing itself; lms.spec.js does.
//
// - An "LMS" origin (port LMS_PORT) serving the host pages in this folder under /host/, the
//   scorm-again runtime under /vendor/, and the packages the `frontline package` command
//   wrote, straight from their zips, under /pkg/NAME/ (as an LMS serves an uploaded
//   package).
// - An "LRS" origin (port LMS_PORT + 1): a cmi5 fetch URL that hands out a token once, the
//   xAPI state resource (LMS.LaunchData and the AU's own documents), the agent profile
//   resource (cmi5LearnerPreferences) and a statements resource that records every statement
//   with the request's headers. It is strict, as an LRS and a cmi5 LMS may be: a batch with
//   an id it already has is answered 409 and one with a second `completed` for a registration
//   400, and neither stores anything of the batch (nor does one with a verb in
//   `rejectVerbs`). `answerDelayMs` stores a batch at once
//   but answers it late (an answer still in flight when the AU's page closes). CORS is
//   answered as a real LRS on another origin would.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import JSZip from "jszip";
import { typeOf } from "../mime.mjs";

const here = resolve(fileURLToPath(new URL(".", import.meta.url)));
const vendor = join(here, "..", "node_modules", "scorm-again", "dist");
const host = "127.0.0.1";

function send(res, status, body, type = "text/plain; charset=utf-8", extra = {}) {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...extra });
  res.end(body);
}

async function staticFile(res, root, rel) {
  const file = normalize(join(root, rel));
  if (!file.startsWith(root + sep)) return send(res, 403, "forbidden");
  const body = await readFile(file).catch(() => null);
  if (!body) return send(res, 404, "not found");
  send(res, 200, body, typeOf(file));
}

/** Starts both servers; returns handles to the LRS records and a close function. */
export async function startLms({ port, packages, extras = {} }) {
  const zips = new Map();
  for (const [name, path] of Object.entries(packages)) {
    zips.set(name, await JSZip.loadAsync(await readFile(path)));
  }
  const lrsPort = port + 1;
  const lrs = {
    origin: `http://${host}:${lrsPort}`,
    statements: [],
    requests: [],
    state: new Map(),
    tokens: new Map(),
    /** Agent profiles by profileId (the same for every learner). */
    profiles: new Map(),
    /** Every answer to a statements POST: { status, verbs }. */
    answers: [],
    answerDelayMs: 0,
    /** Verbs this LRS refuses (400), as an LMS with a rule of its own might. */
    rejectVerbs: new Set(),
    /** Registers a cmi5 launch: its LaunchData and a single-use fetch URL (a new session of
     *  an earlier registration when `registration` is given). */
    launch({ activityId, actor, launchData, registration = randomUUID() }) {
      const fetchId = randomUUID();
      this.tokens.set(fetchId, { used: false, token: Buffer.from(`au:${fetchId}`).toString("base64") });
      const key = JSON.stringify(["LMS.LaunchData", activityId, registration]);
      this.state.set(key, JSON.stringify(launchData));
      return {
        endpoint: `${this.origin}/xapi/`,
        fetch: `${this.origin}/fetch/${fetchId}`,
        registration,
        activityId,
        actor: JSON.stringify(actor),
      };
    },
  };

  const lms = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${host}:${port}`);
      const path = decodeURIComponent(url.pathname);
      if (path.startsWith("/host/")) return await staticFile(res, here, path.slice(6));
      if (path.startsWith("/vendor/")) return await staticFile(res, vendor, path.slice(8));
      const m = path.match(/^\/pkg\/([^/]+)\/(.+)$/);
      const extra = m && extras[m[1]]?.[m[2]];
      if (extra) return send(res, 200, extra, typeOf(m[2]));
      if (m && zips.has(m[1])) {
        const entry = zips.get(m[1]).file(m[2]);
        if (!entry) return send(res, 404, "not found");
        return send(res, 200, await entry.async("nodebuffer"), typeOf(m[2]));
      }
      send(res, 404, "not found");
    } catch (error) {
      send(res, 500, String(error));
    }
  });

  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "Authorization, Content-Type, X-Experience-API-Version",
    "access-control-allow-methods": "GET, PUT, POST, OPTIONS",
  };
  const lrsServer = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", lrs.origin);
    if (req.method === "OPTIONS") return send(res, 204, "", "text/plain", cors);
    lrs.requests.push({ method: req.method, path: url.pathname, search: url.search, headers: req.headers });
    const fetchMatch = url.pathname.match(/^\/fetch\/(.+)$/);
    if (fetchMatch) {
      const t = lrs.tokens.get(fetchMatch[1]);
      if (req.method !== "POST" || !t) return send(res, 404, "not found", "text/plain", cors);
      if (t.used) {
        return send(res, 200, JSON.stringify({ "error-code": "1", "error-text": "the fetch URL was already used" }), "application/json", cors);
      }
      t.used = true;
      return send(res, 200, JSON.stringify({ "auth-token": t.token }), "application/json", cors);
    }
    const authorized = [...lrs.tokens.values()].some((t) => req.headers.authorization === `Basic ${t.token}`);
    if (!authorized) return send(res, 401, "unauthorized", "text/plain", cors);
    if (req.headers["x-experience-api-version"] !== "1.0.3") return send(res, 400, "version", "text/plain", cors);
    if (url.pathname === "/xapi/activities/state") {
      const key = JSON.stringify([
        url.searchParams.get("stateId"),
        url.searchParams.get("activityId"),
        url.searchParams.get("registration"),
      ]);
      if (req.method === "GET") {
        return lrs.state.has(key)
          ? send(res, 200, lrs.state.get(key), "application/json", cors)
          : send(res, 404, "not found", "text/plain", cors);
      }
      if (req.method === "PUT") {
        lrs.state.set(key, body);
        return send(res, 204, "", "text/plain", cors);
      }
    }
    if (url.pathname === "/xapi/agents/profile" && req.method === "GET") {
      const profile = lrs.profiles.get(url.searchParams.get("profileId"));
      return profile
        ? send(res, 200, JSON.stringify(profile), "application/json", cors)
        : send(res, 404, "not found", "text/plain", cors);
    }
    if (url.pathname === "/xapi/statements" && req.method === "POST") {
      const parsed = JSON.parse(body);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const verbs = list.map((s) => s.verb?.id?.split("/").pop());
      const answer = (status, text) => {
        lrs.answers.push({ status, verbs });
        const reply = () => send(res, status, text, status === 200 ? "application/json" : "text/plain", cors);
        if (lrs.answerDelayMs > 0) setTimeout(reply, lrs.answerDelayMs);
        else reply();
      };
      if (verbs.some((v) => lrs.rejectVerbs.has(v))) return answer(400, "this LRS does not take that verb");
      const known = new Set(lrs.statements.map((s) => s.id));
      if (list.some((s) => known.has(s.id))) return answer(409, "a statement with this id is already stored");
      const completed = new Set(lrs.statements.filter((s) => s.verb.id.endsWith("/completed")).map((s) => s.context?.registration));
      for (const s of list) {
        if (!s.verb.id.endsWith("/completed")) continue;
        if (completed.has(s.context?.registration)) return answer(400, "a registration is completed once");
        completed.add(s.context?.registration);
      }
      lrs.statements.push(...list);
      return answer(200, JSON.stringify(list.map((s) => s.id)));
    }
    send(res, 404, "not found", "text/plain", cors);
  });

  await Promise.all([
    new Promise((ok) => lms.listen(port, host, ok)),
    new Promise((ok) => lrsServer.listen(lrsPort, host, ok)),
  ]);
  return {
    origin: `http://${host}:${port}`,
    lrs,
    close: () => Promise.all([new Promise((ok) => lms.close(ok)), new Promise((ok) => lrsServer.close(ok))]),
  };
}

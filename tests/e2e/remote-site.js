// "Another site" for the scenario-link journeys (open.spec.js): an https server on
// 127.0.0.1:$E2E_REMOTE_PORT (default: the app's port + 120; + 100 and + 101 are the LMS spec's) with a throwaway self-signed
// certificate made by openssl, so the app fetches from a different origin over https the way
// it would from a real host. Tests that use it need `ignoreHTTPSErrors: true`.
//   /cors/NAME        a file from fixtures/ or the engine's broken files, with CORS allowed
//   /closed/NAME      the same file without a CORS header (the browser must refuse to read it)
//   /cors/page.html   an HTML page, with CORS allowed
//   anything else     404, with CORS allowed
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HERE } from "./helpers.js";

const APP_PORT = Number(process.env.E2E_PORT ?? 8091);
export const REMOTE_PORT = Number(process.env.E2E_REMOTE_PORT ?? APP_PORT + 120);
export const REMOTE = `https://127.0.0.1:${REMOTE_PORT}`;

const FOLDERS = [join(HERE, "fixtures"), join(HERE, "..", "..", "crates", "engine", "tests", "broken")];

function certificate() {
  const dir = mkdtempSync(join(tmpdir(), "frontline-remote-"));
  const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
  ], { stdio: "ignore" });
  const pair = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}

/** Starts the site; resolves to a function that stops it. */
export async function startRemoteSite() {
  const server = createServer(certificate(), (req, res) => {
    const url = new URL(req.url ?? "/", REMOTE);
    const [, mode, name] = url.pathname.split("/");
    const cors = mode === "closed" ? {} : { "access-control-allow-origin": "*" };
    if (mode === "cors" && name === "page.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...cors }).end("<!doctype html><title>A page</title><p>Not a scenario.</p>");
      return;
    }
    const file = name && !name.includes("..") ? FOLDERS.map((d) => join(d, name)).find((p) => existsSync(p)) : undefined;
    if ((mode === "cors" || mode === "closed") && file) {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...cors }).end(readFileSync(file));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...cors }).end("not found");
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(REMOTE_PORT, "127.0.0.1", resolve);
  });
  return () => new Promise((resolve) => server.close(resolve));
}

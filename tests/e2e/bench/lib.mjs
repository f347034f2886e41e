// What the benchmark scripts share: serving a build with ../serve.mjs and starting Chromium.
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM } from "../chromium.mjs";

export const E2E = fileURLToPath(new URL("..", import.meta.url));
export const ROOT = join(E2E, "..", "..");

/** Serves `dir` on 127.0.0.1:`port`; resolves with the server process once it listens. */
export function serve(dir, port) {
  const child = spawn(process.execPath, [join(E2E, "serve.mjs")], {
    env: { ...process.env, PORT: String(port), DIST_DIR: dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", () => resolve(child));
  });
}

/** Debian's Chromium with the project's flags. */
export function launch() {
  return chromium.launch(CHROMIUM);
}

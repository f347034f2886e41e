// Playwright configuration for Frontline's browser suite. It checks nothing by itself: it
// serves the built bundle (../../dist, built by `trunk build --release`, or $FRONTLINE_DIST)
// with serve.mjs on http://127.0.0.1:8091 (or $E2E_PORT) and runs every *.spec.js here in Debian's Chromium
// (/usr/bin/chromium; no browser is ever downloaded). Each test gets a fresh browser context,
// so localStorage (the saves) starts empty. Screenshots the tests take on purpose are written
// to ./artifacts; Playwright's own failure artifacts go to ./test-results.
import { defineConfig } from "@playwright/test";
import { CHROMIUM } from "./chromium.mjs";

const PORT = Number(process.env.E2E_PORT ?? 8091);
// The room server (crates/room-server, built by scripts/test) serving the same bundle, for
// the live-room tests (rooms*.spec.js); helpers.js's ROOMS_URL points at it.
const ROOMS_PORT = Number(process.env.E2E_ROOMS_PORT ?? PORT + 200);
const ROOMS_BIN =
  process.env.FRONTLINE_ROOMS_BIN ??
  `${process.env.CARGO_TARGET_DIR ?? "../../target"}/release/frontline-rooms`;
const DIST = process.env.FRONTLINE_DIST ?? "../../dist";
// Two room-server nodes sharing rooms through NATS JetStream behind haproxy (scripts/cluster):
// the proxy on CLUSTER_PORT, the nodes on the next two ports, nats-server on the third.
const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? PORT + 300);

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.js$/,
  outputDir: "./test-results",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: CHROMIUM,
      },
    },
  ],
  webServer: [
    {
      command: "node serve.mjs",
      url: `http://127.0.0.1:${PORT}/index.html`,
      env: { PORT: String(PORT) },
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // A fresh data folder on every run, so no room of an earlier run is resumed.
      command: `sh -c 'exec "${ROOMS_BIN}" --port ${ROOMS_PORT} --dist "${DIST}" --data "$(mktemp -d)"'`,
      url: `http://127.0.0.1:${ROOMS_PORT}/rooms/info`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `bash ../../scripts/cluster --ports ${CLUSTER_PORT} --dist "${DIST}"`,
      url: `http://127.0.0.1:${CLUSTER_PORT}/rooms/info`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});

// Serves the built app (../../dist, or $FRONTLINE_DIST) on http://127.0.0.1:8091 for the Playwright suite.
// Checks nothing itself; it exists so the tests see the bundle as a static host would serve
// it: correct MIME types (application/wasm for .wasm, which streaming compilation needs),
// no caching, 404 for missing files, and no path escapes outside dist/.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { typeOf } from "./mime.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(process.env.DIST_DIR ?? process.env.FRONTLINE_DIST ?? join(here, "..", "..", "dist"));
const port = Number(process.env.PORT ?? 8091);
const host = "127.0.0.1";
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", `http://${host}:${port}`);
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith("/")) rel += "index.html";
    const file = normalize(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    const info = await stat(file).catch(() => null);
    if (!info || !info.isFile()) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": typeOf(file),
      "content-length": body.length,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});

server.listen(port, host, () => {
  console.log(`serving ${root} at http://${host}:${port}/`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

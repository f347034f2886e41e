// Content types for the test servers (serve.mjs, lms/server.mjs), as a static host sends them:
// application/wasm matters, streaming compilation needs it.
export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".xml": "application/xml",
  ".flc": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8",
};

/** The content type for a file name. */
export function typeOf(name) {
  const dot = name.lastIndexOf(".");
  return (dot >= 0 && TYPES[name.slice(dot).toLowerCase()]) || "application/octet-stream";
}

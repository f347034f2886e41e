// The Web Worker that checks an opened scenario file. It runs the scenario loader (the
// frontline-loader crate, built by Trunk as its own WebAssembly file) away from the page, so
// the app's first download never includes the TOML parser and a big file never freezes the
// page. Started by src/platform/loader.rs, which sends one request at a time and terminates
// the worker when a newer request supersedes one still being checked:
//   in:  { id: number, name: string, bytes: ArrayBuffer }
//   out: { id, compiled: Uint8Array, warnings: Report[], warningCount }
//      | { id, diagnostics: Report[], errorCount, warningCount } | { id, failed: string }
// with Report = { severity, line, col, message, excerpt, mark }; at most 300 reports are sent,
// the counts count all. `id` is the request's, so a reply can never be taken for another's.
importScripts("./frontline-loader.js");

/* global wasm_bindgen */
const ready = wasm_bindgen({ module_or_path: new URL("./frontline-loader_bg.wasm", self.location.href) });

self.onmessage = async (event) => {
  const { id, name, bytes } = event.data;
  try {
    await ready;
    const reply = wasm_bindgen.open_scenario(String(name), new Uint8Array(bytes));
    reply.id = id;
    self.postMessage(reply, reply.compiled ? [reply.compiled.buffer] : []);
  } catch (error) {
    self.postMessage({ id, failed: String(error && error.message ? error.message : error) });
  }
};

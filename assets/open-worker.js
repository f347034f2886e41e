// The Web Worker that checks an opened scenario file. It runs the scenario loader (the
// frontline-loader crate, built by Trunk as its own WebAssembly file) away from the page, so
// the app's first download never includes the TOML parser and a big file never freezes the
// page. Started by src/platform/loader.rs, one request at a time:
//   in:  { name: string, bytes: ArrayBuffer }
//   out: { compiled: Uint8Array, warnings: Report[] } | { diagnostics: Report[] } | { failed: string }
// with Report = { severity, line, col, message, excerpt }.
importScripts("./frontline-loader.js");

/* global wasm_bindgen */
const ready = wasm_bindgen({ module_or_path: new URL("./frontline-loader_bg.wasm", self.location.href) });

self.onmessage = async (event) => {
  try {
    await ready;
    const { name, bytes } = event.data;
    const reply = wasm_bindgen.open_scenario(String(name), new Uint8Array(bytes));
    self.postMessage(reply, reply.compiled ? [reply.compiled.buffer] : []);
  } catch (error) {
    self.postMessage({ failed: String(error && error.message ? error.message : error) });
  }
};

// The Web Worker that searches the debrief's what-ifs (the frontline-what-ifs crate, built by
// Trunk as its own WebAssembly file), so that the page stays responsive while it searches.
// Started by src/platform/what_ifs.rs when the first debrief is shown; requests are answered
// in order, each reply carrying its request's id:
//   in:  { id: number, scenario: Uint8Array (compiled), seed: string, choices: Uint32Array }
//   out: { id, found: Uint8Array (postcard Vec<WhatIf>), ms: number } | { id, failed: string }
importScripts("./frontline-what-ifs.js");

/* global wasm_bindgen */
const ready = wasm_bindgen({ module_or_path: new URL("./frontline-what-ifs_bg.wasm", self.location.href) });

self.onmessage = async (event) => {
  const id = event.data && event.data.id;
  try {
    await ready;
    const { scenario, seed, choices } = event.data;
    const started = performance.now();
    const found = wasm_bindgen.what_ifs(scenario, String(seed), choices);
    self.postMessage({ id, found, ms: performance.now() - started }, [found.buffer]);
  } catch (error) {
    self.postMessage({ id, failed: String(error && error.message ? error.message : error) });
  }
};

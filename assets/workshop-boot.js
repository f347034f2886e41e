// Starts workshop mode (a separate WebAssembly module, so a first play of a scenario never
// downloads it). Loaded as a module file so the Content-Security-Policy can forbid inline
// scripts; 'wasm-unsafe-eval' lets the browser compile the WebAssembly.
import init from "./frontline-workshop.js";

init({ module_or_path: new URL("./frontline-workshop_bg.wasm", import.meta.url) }).catch((error) => {
  const box = document.getElementById("boot-error");
  if (box) {
    box.hidden = false;
  }
  console.error("Frontline workshop mode could not start:", error);
});

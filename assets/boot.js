// Starts the app. Loaded as a module file so the Content-Security-Policy can forbid inline
// scripts; 'wasm-unsafe-eval' lets the browser compile the WebAssembly.
import init from "./frontline-web.js";

init({ module_or_path: new URL("./frontline-web_bg.wasm", import.meta.url) }).catch((error) => {
  const box = document.getElementById("boot-error");
  if (box) {
    box.hidden = false;
  }
  console.error("Frontline could not start:", error);
});

// Starts a live room's participant pages (a separate WebAssembly module, so a phone joining a
// room downloads only what a participant needs). Loaded as a module file so the
// Content-Security-Policy can forbid inline scripts; 'wasm-unsafe-eval' lets the browser
// compile the WebAssembly.
import init from "./frontline-room.js";

init({ module_or_path: new URL("./frontline-room_bg.wasm", import.meta.url) }).catch((error) => {
  const box = document.getElementById("boot-error");
  if (box) {
    box.hidden = false;
  }
  console.error("Frontline's live room could not start:", error);
});

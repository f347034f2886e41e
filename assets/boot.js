// Starts the app. Loaded as a module file so the Content-Security-Policy can forbid inline
// scripts; 'wasm-unsafe-eval' lets the browser compile the WebAssembly.
import init from "./frontline-web.js";

// The bundled scenario ids, written by scripts/precache.mjs after each build.
const BUNDLED = [];

// Opening a play route directly: fetch its scenario while the wasm downloads and compiles,
// instead of after the app has started (src/platform/fetch.rs makes the same request).
const route = /^#\/(?:play|ending)\/([a-z0-9-]+)$/.exec(location.hash);
if (route && BUNDLED.includes(route[1])) {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = `scenarios/${route[1]}.flc`;
  document.head.append(link);
}

init({ module_or_path: new URL("./frontline-web_bg.wasm", import.meta.url) })
  .then(registerServiceWorker)
  .catch((error) => {
    const box = document.getElementById("boot-error");
    if (box) {
      box.hidden = false;
    }
    console.error("Frontline could not start:", error);
  });

// The service worker (sw.js) keeps the app and the bundled scenarios for offline use. It is
// not registered when an LMS or a host page launched the app (a cmi5 launch, `embed`, or any
// frame): the platform serves the package and owns its address space, and the LMS needs its
// requests (cmi5's closing statements among them) to go straight to the network. It is
// registered once the page has loaded, so its downloads never compete with the first play.
// Where it is not available (an insecure address, a browser setting) the app works online only.
function launchedByAPlatform() {
  const params = new URLSearchParams(location.search);
  let framed = true;
  try {
    framed = window.top !== window.self;
  } catch {
    framed = true;
  }
  return framed || params.has("endpoint") || params.has("fetch") || params.has("embed");
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || launchedByAPlatform()) {
    return;
  }
  const register = () =>
    navigator.serviceWorker
      .register(new URL("./sw.js", import.meta.url), { scope: new URL("./", import.meta.url).href, updateViaCache: "none" })
      .catch((error) => console.info("Frontline will not work offline in this browser:", error.message));
  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register, { once: true });
  }
}

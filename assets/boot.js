// Starts the app. Loaded as a module file so the Content-Security-Policy can forbid inline
// scripts; 'wasm-unsafe-eval' lets the browser compile the WebAssembly. The app's module is
// imported dynamically, so the scenario download below starts as soon as this small file
// arrives rather than after the app's JavaScript (which index.html preloads meanwhile).

// The bundled scenario ids, written by scripts/precache.mjs after each build.
const BUNDLED = [];

// Opening a play route directly: download its scenario while the wasm downloads and compiles,
// instead of after the app has started. The app takes the bytes from here
// (src/platform/fetch.rs, `preloaded`): at once when they have arrived before it starts, so
// its first page is the scene itself, or by waiting on `bytes` otherwise. A failed download
// gives null, and the app then makes the request itself and reports what went wrong.
const route = /^#\/(?:play|ending)\/([a-z0-9-]+)$/.exec(location.hash);
if (route && BUNDLED.includes(route[1])) {
  const preload = { id: route[1], arrived: null };
  preload.bytes = fetch(`scenarios/${route[1]}.flc`)
    .then((response) => (response.ok ? response.arrayBuffer() : null))
    .then((buffer) => (preload.arrived = buffer && new Uint8Array(buffer)))
    .catch(() => null);
  globalThis.frontlinePreload = preload;
}

// The app fires this on the window once its first page is on screen (src/lib.rs).
const started = new Promise((resolve) => window.addEventListener("frontline-started", resolve, { once: true }));

// A page that a learning platform or a host page may have launched runs the embedded module
// (the app with SCORM, cmi5, xAPI and the host-page messages; scripts/build-modules); a plain
// visit runs the first-play module, which leaves all of that out.
const app = launchedByAPlatform() ? "./embedded/frontline-embedded" : "./frontline-web";

import(`${app}.js`)
  .then(({ default: init }) => init({ module_or_path: new URL(`${app}_bg.wasm`, import.meta.url) }))
  .then(() => started)
  .then(registerServiceWorker)
  .catch((error) => {
    const box = document.getElementById("boot-error");
    if (box) {
      box.hidden = false;
    }
    console.error("Frontline could not start:", error);
  });

// Whether a learning platform or a host page may have launched the page: a cmi5 launch, `embed`
// (every LMS package's launch address has it), or any frame.
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

// The service worker (sw.js) keeps the app and the bundled scenarios for offline use. It is
// not registered when an LMS or a host page launched the app: the platform serves the package
// and owns its address space, and the LMS needs its requests (cmi5's closing statements among
// them) to go straight to the network. It is registered once the app's first page is on
// screen and the page has loaded, so its downloads (every file, for offline use) never
// compete with the first play's.
// Where it is not available (an insecure address, a browser setting) the app works online only.
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

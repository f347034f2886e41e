// Frontline's service worker: after the first visit the app and every bundled scenario work
// with the network off.
//
// Network first, cache as the fallback: while online every request goes to the server as if
// there were no service worker (so a new build is seen at once and developers are never
// served stale files); when the network fails, the copy precached at install answers.
// Versioned: scripts/precache.mjs, run by Trunk after each build, writes MANIFEST below with
// every file of the build and a hash of their contents. A new build is a new sw.js, which the
// browser installs as a new worker with a new cache ("frontline-<hash>"); it takes over at
// once and deletes the older caches. Only this app's own GET requests are handled; links to
// scenario files on other sites go straight to the network.

// Replaced by scripts/precache.mjs (the build fails if this line is missing).
const MANIFEST = { version: "unbuilt", files: [] };

const PREFIX = "frontline-";
const CACHE = `${PREFIX}${MANIFEST.version}`;
const SCOPE = self.registration.scope;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // "reload" skips the HTTP cache, so the precache is exactly this build's files.
      await cache.addAll(MANIFEST.files.map((file) => new Request(new URL(file, SCOPE), { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)));
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  event.respondWith(networkFirst(request));
});

async function networkFirst(request) {
  const navigate = request.mode === "navigate";
  let response;
  try {
    response = await fetch(request);
    // A server that is up but failing is no better than no server.
    if (response.status < 500) return response;
  } catch (error) {
    response = Response.error();
  }
  const cache = await caches.open(CACHE);
  // Every page of the app is index.html: routes live in the hash, links in the query.
  const cached = navigate
    ? await cache.match(new URL("index.html", SCOPE))
    : await cache.match(request, { ignoreVary: true });
  return cached ?? response;
}

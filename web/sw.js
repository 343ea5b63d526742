// Serves migplan's own files from a cache so the planner works offline after one visit.
//
// scripts/post-build.py (Trunk's post_build hook) writes the build's version and the list of
// its files below. Each build has its own cache, "migplan-<version>": install fills it with
// every file of the build, activate deletes every other migplan cache, so old files go and
// the files of two builds never mix. The page itself is fetched network first (a new deploy
// shows at once), from the cache when offline; every other file comes from the cache first
// (hashed names, or files of the same build as the cache).
//
// What the planner page never loads is not precached (post-build.py): the JS API, its example
// pages and the docs. Each of their files is kept in the cache once fetched through this
// worker, and a page of them that the worker did not control yet (its first visit) sends the
// files it used (`{keep: [urls]}`), so it too works offline after one visit.
const VERSION = "unbuilt";
const FILES = [];
const CACHE = `migplan-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // "reload": past the HTTP cache, which may hold files of an older build.
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("migplan-") && n !== CACHE).map((n) => caches.delete(n))
      ))
      .then(() => self.clients.claim())
  );
});

const KEPT_ON_USE = ["api/", "demo/", "docs/"];

function keptOnUse(url) {
  const file = new URL(url);
  const scope = new URL(self.registration.scope);
  return file.origin === scope.origin && KEPT_ON_USE.some((folder) => file.pathname.startsWith(scope.pathname + folder));
}

/** Fetches `request`, keeping the answer in this build's cache when it is a file kept on use. */
async function fetchAndKeep(request) {
  const response = await fetch(request);
  if (response.ok && keptOnUse(request.url)) {
    const cache = await caches.open(CACHE);
    await cache.put(request.url, response.clone());
  }
  return response;
}

self.addEventListener("message", (event) => {
  const urls = (event.data?.keep ?? []).filter((u) => typeof u === "string" && keptOnUse(u));
  const reply = (answer) => event.ports[0]?.postMessage(answer);
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(urls.map((u) => new Request(u, { cache: "reload" }))))
      .then(() => reply({ kept: urls.length }), (e) => reply({ error: String(e) }))
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetchAndKeep(request).catch(async () => (await caches.match(request, { cacheName: CACHE, ignoreSearch: true }))
        || (await caches.match("./", { cacheName: CACHE }))
        || Response.error())
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((cached) => cached || fetchAndKeep(request))
  );
});

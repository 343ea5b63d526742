// Serves migplan's own files from a cache so the planner works offline after one visit.
//
// scripts/post-build.py (Trunk's post_build hook) writes the build's version and the list of
// its files below. Each build has its own cache, "migplan-<version>": install fills it with
// every file of the build, activate deletes every other migplan cache, so old files go and
// the files of two builds never mix. The page itself is fetched network first (a new deploy
// shows at once), from the cache when offline; every other file comes from the cache first
// (hashed names, or files of the same build as the cache).
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(request, { cacheName: CACHE, ignoreSearch: true }))
        || (await caches.match("./", { cacheName: CACHE }))
        || Response.error())
    );
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((cached) => cached || fetch(request))
  );
});

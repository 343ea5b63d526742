// Offline use: registers the service worker (sw.js), which keeps every file of this build in
// a cache named after the build. Marks the page once a worker is active, for the tests.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then(() => { document.documentElement.dataset.offlineReady = "true"; })
    .catch((e) => console.warn("offline cache unavailable:", e));
}

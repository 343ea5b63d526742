// The example of the docs' "JS API" section (docs/src/embedding.md), live: CSV text in, the checked plan out.
import { plan, layouts, gpus } from "../api/migplan.js";

const $ = (id) => document.getElementById(id);
const text = async (url) => (await fetch(url)).text();
let controller;

async function run() {
  controller?.abort();
  controller = new AbortController();
  $("status").textContent = "planning…";
  try {
    const [profiles, workload] = await Promise.all([
      text("../examples/a100-40gb-profiles.csv"),
      text("../examples/a100-40gb-workload.csv"),
    ]);
    const result = await plan(profiles, workload, { gpu: "a100-40gb", time_limit_s: 10 }, { signal: controller.signal });
    $("count").textContent = result.gpu_count;
    $("models").replaceChildren(...result.models.map((m) => {
      const li = document.createElement("li");
      li.textContent = `${m.model}: capacity ${m.capacity.toFixed(0)} req/s for a rate of ${m.rate}`;
      return li;
    }));
    $("plan-json").textContent = JSON.stringify(result, null, 2);
    $("status").textContent = `planned by ${result.solver.name} in ${result.solver.elapsed_ms} ms (${result.solver.termination})`;
  } catch (error) {
    $("status").textContent = error.name === "AbortError" ? "cancelled" : error.message;
  }
}

$("plan").onclick = run;
$("cancel").onclick = () => controller?.abort();
const names = (await gpus()).map((g) => g.name);
$("layouts").textContent = `${(await layouts("a100-40gb")).length} maximal layouts on the A100-40GB; GPUs known: ${names.join(", ")}`;
run();

// Offline use: the site's service worker (../sw.js) keeps the planner's files; it is asked to
// keep this page's and the JS API's too, so the page works offline after one visit.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("../sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => new Promise((resolve, reject) => {
      const used = [location.href.split("#")[0], import.meta.url, new URL("../api/migplan.js", import.meta.url).href,
        new URL("../api/plan-worker.js", import.meta.url).href];
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve());
      registration.active.postMessage({ keep: used }, [channel.port2]);
    }))
    .then(() => { document.documentElement.dataset.offlineReady = "true"; })
    .catch((e) => console.warn("offline cache unavailable:", e));
}

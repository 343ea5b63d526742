// migplan as an ES module, for pages that want the numbers without the app (README: JS API).
//
//   import { plan, layouts, gpus } from "./api/migplan.js";
//   const result = await plan(profilesCsv, workloadCsv, { gpu: "a100-40gb" }, { signal });
//
// Profiles and workload are CSV or JSON text (as in the files) or arrays of row objects;
// profiles may also be a profiler's CSV (perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU,
// as `migplan import` reads them) or an array of such files [{name, text}], the name saying
// what a file does not (bert@1g.5gb@b8.csv); the rows an importer skips are warned of on the
// console. Options { gpu, latency, solver, time_limit_s, seed, headroom, headroom_for,
// node_cost, gpus_per_node } are all optional (A100-40GB, p99, auto, 10 s, the fixed seed 1,
// no headroom), text or numbers,
// read through the command line's settings table (its limits and words). plan() solves in a worker of its own and resolves to the plan object of the
// command line's JSON, checked by migplan's validator; an AbortSignal terminates the worker
// and rejects with the signal's reason. A refusal rejects with an Error whose `errors` lists
// each problem ({file, row, line, column, message, hint}). gpus() and layouts() are quick
// and run on the calling thread.

// The planner's own binary; scripts/post-build.py writes its hashed names below.
import init, * as core from "../app.js";

let ready;
function loaded() {
  ready ??= init({ module_or_path: new URL("../app_bg.wasm", import.meta.url) });
  return ready;
}

/** Every MIG-capable GPU migplan knows, as `migplan gpus --format json`. */
export async function gpus() {
  await loaded();
  return core.gpus();
}

/** The maximal layouts of a GPU's plain profiles: [[{profile, start}, ...], ...]. */
export async function layouts(gpu) {
  await loaded();
  return core.layouts(gpu);
}

function abortReason(signal) {
  return signal.reason ?? new DOMException("the plan was aborted", "AbortError");
}

/** The plan of `workload` with `profiles`; see the top of this file. */
export function plan(profiles, workload, options = {}, { signal } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const worker = new Worker(new URL("./plan-worker.js", import.meta.url), { type: "module", name: "migplan-api" });
    const finish = () => {
      worker.terminate();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      reject(abortReason(signal));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = ({ data }) => {
      finish();
      if (data.plan) return resolve(data.plan);
      reject(Object.assign(new Error(data.message), { errors: data.errors ?? [] }));
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`migplan: the planning worker failed: ${event.message ?? "it could not load"}`));
    };
    worker.postMessage({ profiles, workload, options });
  });
}

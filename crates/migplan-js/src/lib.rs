//! migplan's planner as an ES module (wasm-bindgen, target `web`) for pages that want the
//! numbers without the app: `gpus()`, `layouts(gpu)` and `plan(profiles, workload,
//! options)`, JS objects in and out through serde-wasm-bindgen. `web/api/migplan.js` wraps
//! it: `plan` runs in a module worker (`web/api/plan-worker.js`) behind a promise that an
//! AbortSignal cancels by terminating the worker.

pub mod api;
#[cfg(test)]
mod tests;

#[cfg(target_arch = "wasm32")]
mod bindings;

//! migplan's planner for pages that want the numbers without the app: `gpus()`,
//! `layouts(gpu)` and `plan(profiles, workload, options)`, JS objects in and out through
//! serde-wasm-bindgen. The web app's one wasm binary exports them (it links this crate), so
//! the API costs no second download; `web/api/migplan.js` wraps them: `plan` runs in a
//! module worker (`web/api/plan-worker.js`) behind a promise that an AbortSignal cancels by
//! terminating the worker.

pub mod api;
pub mod request;
#[cfg(test)]
mod tests;
pub mod value;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

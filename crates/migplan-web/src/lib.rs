//! migplan in the browser: one wasm binary (`app`) that is both the Yew page and, started
//! again in a module worker, the worker that runs migplan-core's checked workflow; the two
//! talk through [`worker::protocol`].
//!
//! [`state`] is the page's one state and its reducer; `panels` draw it and send actions;
//! [`worker`] plans off the page's thread; [`share`] carries the inputs in a link, an embed
//! and the saved state; [`logic`] is what the page computes that is not drawing.

pub mod logic;
pub mod share;
pub mod state;
pub mod worker;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod panels;

/// The JS API's exports (`gpus`, `layouts`, `plan`), so that this binary carries them.
#[cfg(target_arch = "wasm32")]
pub use migplan_js::bindings as api;

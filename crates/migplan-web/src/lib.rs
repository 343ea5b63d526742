//! migplan in the browser: one wasm binary (`app`) that is both the Yew page and, started
//! again in a module worker, the worker that runs migplan-core's checked workflow; the two
//! talk through [`protocol`].

pub mod error_groups;
pub mod error_text;
pub mod examples;
pub mod layout_groups;
pub mod move_planning;
pub mod move_view;
pub mod planning;
pub mod prepared;
pub mod profile_files;
pub mod protocol;
pub mod rows_window;
pub mod running_cluster;
pub mod share;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod capacity;
#[cfg(target_arch = "wasm32")]
pub mod cluster_read;
#[cfg(target_arch = "wasm32")]
pub mod deploy;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod error_list;
#[cfg(target_arch = "wasm32")]
pub mod file_text;
#[cfg(target_arch = "wasm32")]
pub mod gpu;
#[cfg(target_arch = "wasm32")]
pub mod gpu_groups;
#[cfg(target_arch = "wasm32")]
pub mod inputs;
#[cfg(target_arch = "wasm32")]
pub mod model_table;
#[cfg(target_arch = "wasm32")]
pub mod move_deploy;
#[cfg(target_arch = "wasm32")]
pub mod moves;
#[cfg(target_arch = "wasm32")]
pub mod profile_table;
#[cfg(target_arch = "wasm32")]
pub mod progress;
#[cfg(target_arch = "wasm32")]
pub mod results;
#[cfg(target_arch = "wasm32")]
pub mod saving;
#[cfg(target_arch = "wasm32")]
pub mod share_bar;
#[cfg(target_arch = "wasm32")]
pub mod timeline;
#[cfg(target_arch = "wasm32")]
pub mod trade_off;
#[cfg(target_arch = "wasm32")]
pub mod worker_client;
#[cfg(target_arch = "wasm32")]
pub mod worker_entry;
#[cfg(target_arch = "wasm32")]
pub mod workload_table;

/// The JS API's exports (`gpus`, `layouts`, `plan`), so that this binary carries them.
#[cfg(target_arch = "wasm32")]
pub use migplan_js::bindings as api;

//! migplan in the browser: a Yew page (`app` binary) and a web worker (`worker` binary)
//! that runs migplan-core's checked workflow, talking through [`protocol`].

pub mod error_groups;
pub mod examples;
pub mod layout_groups;
pub mod planning;
pub mod profile_files;
pub mod protocol;
pub mod rows_window;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod deploy;
#[cfg(target_arch = "wasm32")]
pub mod gpu;
#[cfg(target_arch = "wasm32")]
pub mod gpu_groups;
#[cfg(target_arch = "wasm32")]
pub mod inputs;
#[cfg(target_arch = "wasm32")]
pub mod model_table;
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
pub mod worker_client;
#[cfg(target_arch = "wasm32")]
pub mod workload_table;
#[cfg(target_arch = "wasm32")]
pub mod error_list;

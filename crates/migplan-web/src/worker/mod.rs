//! The planning worker and the page's side of it: the messages ([`protocol`]), what the worker
//! does with each request (native, so tested without a browser), and the worker itself.

pub mod move_planning;
pub mod move_view;
pub mod planning;
pub mod prepared;
pub mod protocol;
#[cfg(target_arch = "wasm32")]
pub mod worker_client;
#[cfg(target_arch = "wasm32")]
pub mod worker_entry;

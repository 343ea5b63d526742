//! What the page computes that is not drawing: error grouping and wording, layout groups, the
//! profiles files as kept, the running cluster read, ParvaGPU scenarios. Plain Rust, tested natively.

pub mod baseline;
pub mod error_groups;
pub mod error_text;
pub mod examples;
pub mod layout_groups;
pub mod profile_files;
pub mod rows_window;
pub mod running_cluster;
pub mod slo_scenario;

//! The page's panels (inputs, results, moves, capacity) and the components they draw with. A
//! panel reads the state and sends actions; panels never import one another.

pub mod capacity;
pub mod cluster_read;
pub mod deploy;
pub mod error_list;
pub mod file_text;
pub mod glossary;
pub mod gpu;
pub mod gpu_groups;
pub mod guide;
pub mod inputs;
pub mod model_table;
pub mod move_deploy;
pub mod moves;
pub mod profile_table;
pub mod progress;
pub mod results;
pub mod scenario_input;
pub mod timeline;
pub mod trade_off;
pub mod workload_table;

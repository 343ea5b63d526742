//! Messages between the page and the planning worker, sent as JSON strings.
//!
//! The page posts one [`PlanRequest`]; the worker answers `Ready` once it listens, then
//! `Progress` (with the best plan so far on every improvement), and finally `Done` or
//! `Failed`. Cancel terminates the worker: the page keeps the last plan it received.

use migplan_core::input::InputError;
use migplan_core::plan::Plan;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub gpu: String,
    pub profiles_name: String,
    pub profiles_text: String,
    pub workload_name: String,
    pub workload_text: String,
    pub solver: String,
    pub time_limit_s: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerMessage {
    Ready,
    Progress { best_gpus: Option<usize>, lower_bound: usize, elapsed_ms: u64, phase: String, plan: Option<Plan> },
    Done { plan: Plan },
    Failed { errors: Vec<InputError> },
}

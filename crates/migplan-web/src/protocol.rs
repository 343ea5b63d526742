//! Messages between the page and the planning worker, sent as JSON strings.
//!
//! The page posts one [`Request`]; the worker answers `Ready` once it listens. A plan
//! request gets `Progress` (with the best plan so far on every improvement), then `Done` or
//! `Failed`; a transition request gets `TransitionDone` or `Failed`. Cancel terminates the
//! worker: the page keeps the last plan it received.

use migplan_core::input::InputError;
use migplan_core::plan::Plan;
use migplan_core::transition::Transition;
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

/// Plan the move from a running plan to the plan of a new workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionRequest {
    /// The new workload and its profiles, as for a plan.
    pub inputs: PlanRequest,
    pub running: Plan,
    pub spare: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    Plan(PlanRequest),
    Transition(TransitionRequest),
}

/// What a model must keep during a move: min(old demand, new demand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub model: String,
    pub floor: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerMessage {
    Ready,
    Progress { best_gpus: Option<usize>, lower_bound: usize, elapsed_ms: u64, phase: String, plan: Option<Plan> },
    Done { plan: Plan },
    Failed { errors: Vec<InputError> },
    TransitionDone(Move),
}

/// A planned move from a running plan to the plan of a new workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub running: Plan,
    pub target: Plan,
    pub transition: Transition,
    pub floors: Vec<Floor>,
    pub spare_allowed: usize,
}

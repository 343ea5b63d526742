//! Messages between the page and the planning worker, sent as JSON strings.
//!
//! The page posts one [`Request`]; the worker answers `Ready` once it listens. A plan
//! request gets `Progress` (with the best plan so far on every improvement), then `Done` or
//! `Failed`; a move request gets `MoveProgress` (with the best move so far), then `MoveDone`
//! or `Failed`. Cancel terminates the worker: the page keeps the last plan or move it
//! received. Every plan and move in a message has passed migplan's checkers.

use migplan_core::plan::Plan;
use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::InputError;
use migplan_core::solve::control::Phase;
use migplan_core::workflow::capacity::{Comparison, GrowthPoint};
use migplan_core::workflow::{Move, PhaseTimes};
use serde::{Deserialize, Serialize};

use crate::profile_files::ProfileFile;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    pub gpu: String,
    /// Every profiles file as uploaded, with what the user typed in its row: the worker
    /// imports them, so errors name the file and line.
    pub profiles: Vec<ProfileFile>,
    /// The latency percentile the SLO applies to, where a file has several.
    pub latency: Percentile,
    pub workload_name: String,
    pub workload_text: String,
    pub solver: String,
    /// As the user typed them: the worker checks them like every other input.
    pub time_limit_s: String,
    pub seed: String,
}

/// Plan the move from a running plan to the plan of a new workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionRequest {
    /// The new workload and its profiles, as for a plan.
    pub inputs: PlanRequest,
    pub running: Plan,
    /// Spare GPUs the move may borrow, as the user typed it: the worker checks it.
    pub spare: String,
}

/// Compare GPU types on the inputs and sweep the demand multiplier for the inputs' GPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityRequest {
    pub inputs: PlanRequest,
    /// The GPU types to compare with their costs, as typed: `a100-40gb=1, h100-80gb=2.2`
    /// (empty: the inputs' GPU at 1).
    pub types: String,
    /// The demand multipliers, as typed: from, to and how many.
    pub from: String,
    pub to: String,
    pub steps: String,
}

// One request per run, sent once as JSON: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    Plan(PlanRequest),
    Transition(TransitionRequest),
    Capacity(CapacityRequest),
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub best_gpus: Option<usize>,
    pub lower_bound: usize,
    pub elapsed_ms: u64,
    pub phase: Phase,
}

/// A checked move, and the spare GPUs the user allowed for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedMove {
    #[serde(flatten)]
    pub planned: Move,
    pub spare_allowed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerMessage {
    Ready,
    Progress {
        status: Status,
        plan: Option<Plan>,
    },
    /// The plan, and how long each phase took in the worker.
    Done {
        plan: Plan,
        phases: PhaseTimes,
    },
    MoveProgress {
        status: Status,
        planned: Option<PlannedMove>,
    },
    MoveDone {
        planned: PlannedMove,
    },
    /// Each GPU type alone and the mix, and the growth curve of the inputs' GPU.
    Capacity {
        compare: Vec<Comparison>,
        growth: Vec<GrowthPoint>,
    },
    Failed {
        errors: Vec<InputError>,
    },
}

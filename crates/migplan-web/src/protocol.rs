//! Messages between the page and the planning worker, sent as JSON strings.
//!
//! The page posts one [`Request`]; the worker answers `Ready` once it listens. A plan
//! request gets `Progress` (with the best plan so far on every improvement), then `Done` or
//! `Failed`; a move request gets `MoveProgress` (with the best move so far), then `MoveDone`
//! (the move at the new optimum, and the trade-off of extra GPUs against running GPUs
//! touched) or `Failed`. Cancel terminates the worker: the page keeps the last plan or move it
//! received. Every plan and move in a message has passed migplan's checkers.

use migplan_core::plan::transition::Transition;
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
// Externally tagged (serde's default), like every message here: an internal tag or a
// flattened field makes serde buffer the whole message before reading it, which costs the
// page's thread time on a 1,000-model plan and the binary tens of KB of buffering code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// A checked move, the spare GPUs the user allowed for it, and the trade-off between GPUs
/// and running GPUs touched it was picked from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedMove {
    pub planned: Move,
    pub spare_allowed: usize,
    /// For E = 0, 1, .. extra GPUs, the move touching the fewest running GPUs (all checked);
    /// the page shows them and the user picks one.
    #[serde(default)]
    pub front: Vec<FrontPoint>,
}

/// One point of the trade-off: a checked move's target and steps within the new optimum
/// plus `extra_gpus` GPUs, and the proven fewest running GPUs any such move touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontPoint {
    pub extra_gpus: usize,
    pub touched_lower_bound: usize,
    pub target: Plan,
    pub transition: Transition,
}

impl PlannedMove {
    /// The move of front point `k`, with the same front and spares.
    pub fn pick(&self, k: usize) -> Option<PlannedMove> {
        let point = self.front.get(k)?;
        let mut planned = self.planned.clone();
        planned.target = point.target.clone();
        planned.transition = point.transition.clone();
        if let Some(d) = planned.disruption.as_mut() {
            d.extra_gpus = point.extra_gpus;
            d.running_touched = point.transition.running_touched;
            d.touched_lower_bound = point.touched_lower_bound;
        }
        Some(PlannedMove { planned, spare_allowed: self.spare_allowed, front: self.front.clone() })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

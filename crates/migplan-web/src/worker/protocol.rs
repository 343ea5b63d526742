//! Messages between the page and the planning worker, sent as JSON strings: a 1,000-model
//! `Done` took 4.8 ms as a string (encode, clone, decode) against 24 to 34 ms as
//! serde-wasm-bindgen objects (`examples/protocol_bench.rs`, run by
//! `tests/browser/protocol-bench.mjs`).
//!
//! The page posts one [`Request`]; the worker answers `Ready` once it listens. A plan
//! request gets `Progress` (with the best plan so far on every improvement), then `Done` or
//! `Failed`; a move request gets `MoveProgress` (now and then a better move so far), then
//! `MoveDone` (the move at the new optimum, and the trade-off of extra GPUs against running
//! GPUs touched as one summary a point) or `Failed`. The worker keeps the trade-off's moves:
//! a `ShowMove` request gets the move of one point (`MoveShown`). A move travels as a
//! [`MoveView`], without the running plan the page already has. Cancel terminates the worker:
//! the page keeps the last plan or move it received. Every plan and move in a message has
//! passed migplan's checkers.

use std::rc::Rc;

use migplan_core::plan::Plan;
use migplan_core::problem::input::InputError;
use migplan_core::solve::control::{Phase, Progress};
use migplan_core::workflow::capacity::{Comparison, GrowthPoint};
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::Key;
use migplan_core::workflow::PhaseTimes;
use serde::{Deserialize, Serialize};

use crate::logic::profile_files::ProfileFile;
use crate::worker::move_view::{FrontPoint, MoveView};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// The settings (GPU type, solver, time limit, seed, latency percentile, headroom) as
    /// the user typed them, by their JS option name: the worker reads them through the
    /// settings table, so it refuses what the command line and the JS API refuse, with the
    /// same words, naming the page's box.
    pub settings: Asked,
    /// Every profiles file as uploaded, with what the user typed in its row: the worker
    /// imports them, so errors name the file and line.
    pub profiles: Vec<ProfileFile>,
    pub workload_name: String,
    pub workload_text: String,
}

/// Plan the move from a running plan to the plan of a new workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitionRequest {
    /// The new workload and its profiles, as for a plan.
    pub inputs: PlanRequest,
    pub running: Rc<Plan>,
    /// The move's own settings as typed (the spare GPUs it may borrow), read with the
    /// inputs'.
    pub settings: Asked,
    /// Names the trade-off this request plans, for [`ShowMoveRequest`]s.
    pub front_id: u64,
}

/// Compare GPU types on the inputs and sweep the demand multiplier for the inputs' GPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityRequest {
    pub inputs: PlanRequest,
    /// The panel's settings as typed, read over the inputs': the GPU types to compare with
    /// their costs (`a100-40gb=1, h100-80gb=2.2`; left out, the inputs' GPU at 1) and the
    /// demand multipliers (from, to and how many).
    pub settings: Asked,
}

impl CapacityRequest {
    /// The panel's request as typed: GPU types (none typed: the inputs' GPU), and the
    /// multipliers from, to and how many.
    pub fn new(inputs: PlanRequest, types: &str, from: &str, to: &str, steps: &str) -> CapacityRequest {
        let mut settings = Asked::from([(Key::From, from.into()), (Key::To, to.into()), (Key::Steps, steps.into())]);
        if !types.trim().is_empty() {
            settings.insert(Key::Gpu, types.into());
        }
        CapacityRequest { inputs, settings }
    }
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
    ShowMove(ShowMoveRequest),
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

impl Status {
    pub fn of(p: &Progress) -> Status {
        Status { best_gpus: p.best_gpus, lower_bound: p.lower_bound, elapsed_ms: p.elapsed_ms, phase: p.phase }
    }
}

/// Show the move of point `point` of the trade-off the worker planned last, if it is the
/// one of the page's request `front_id`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShowMoveRequest {
    pub front_id: u64,
    pub point: usize,
}

/// How long the worker took over a move, in milliseconds: reading the request, the core's
/// planning of the trade-off (`workflow::plan_pareto`, with what the worker does with each
/// move found on the way, `streaming_ms`, inside it), and summing up the answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MoveTimes {
    pub read_ms: f64,
    pub plan_ms: f64,
    pub streaming_ms: f64,
    pub answer_ms: f64,
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
    /// Where the planning stands, and a better move than the one last sent, if found.
    MoveProgress {
        status: Status,
        shown: Option<MoveView>,
    },
    /// The move of the trade-off's first point (no extra GPU), the whole trade-off summed up
    /// (the worker keeps the points' moves), and where the worker's time went.
    MoveDone {
        front_id: u64,
        shown: MoveView,
        front: Vec<FrontPoint>,
        times: MoveTimes,
    },
    /// The move of a point of the trade-off, or `None` when this worker no longer holds
    /// that trade-off (it was replaced since: cancelled or crashed).
    MoveShown {
        front_id: u64,
        point: usize,
        shown: Option<MoveView>,
    },
    /// Each GPU type alone and the mix, and the growth curve of the inputs' GPU.
    Capacity {
        compare: Vec<Comparison>,
        growth: Vec<GrowthPoint>,
    },
    Failed {
        errors: Vec<InputError>,
    },
    /// The worker hit a bug and stops (its last message): what it was, in words.
    Crashed {
        message: String,
    },
}

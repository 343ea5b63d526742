//! Moves: what a move is (`Move`, its `Floor`s and `Disruption`), what is asked of one
//! (`MoveRequest`, `Target`), and the checked move to a given target (`move_to`), which
//! `replanning` and the parent's `plan_move` share.

use serde::{Deserialize, Serialize};

use super::refusal::Refusal;
use super::request::{named, Request};
use super::settings::Path;
use crate::check::plan::validate;
use crate::check::transition::check_transition;
use crate::hardware::fleet::Fleet;
use crate::moves::exchange::{plan_transition, Demand};
use crate::plan::transition::Transition;
use crate::plan::Plan;
use crate::problem::input::{ProfileRow, SourceLoc, WorkloadRow};

/// What a model must keep at every step of a move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub model: String,
    pub floor: f64,
}

/// A planned and checked move from a running plan to a target plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub running: Plan,
    pub target: Plan,
    pub transition: Transition,
    /// Per model, min(old demand, new demand): what the move keeps after every step.
    pub floors: Vec<Floor>,
    /// For a target planned from new demand: the running GPUs touched, the proven bound,
    /// and the GPU budget it was planned within.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<Disruption>,
}

/// What a move to new demand costs in disruption, and the proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disruption {
    /// GPUs the new demand needs at best (the plan from scratch).
    pub optimal_gpus: usize,
    /// GPUs allowed beyond those.
    pub extra_gpus: usize,
    /// Running GPUs the move changes or removes.
    pub running_touched: usize,
    /// No plan within `optimal_gpus + extra_gpus` GPUs touches fewer running GPUs.
    pub touched_lower_bound: usize,
}

/// Where a move goes.
pub enum Target<'a> {
    /// A plan the user already has, and the demand it serves (without it, the plan's own
    /// model list).
    Plan(&'a Plan, Option<&'a [WorkloadRow]>),
    /// New demand: planned first, touching the fewest running GPUs.
    Workload(&'a [WorkloadRow]),
}

/// What a move starts from and where it goes.
pub struct MoveRequest<'a> {
    /// The fleet (each running GPU keeps its type unless the move replaces it), and how a
    /// target workload is planned: the solver that plans it from scratch (whose cost is the
    /// new optimum; the replan then looks for a plan within the budget that keeps more
    /// running GPUs as they are), the time for both, the seed, the extra GPUs the target may
    /// use beyond the new optimum to touch fewer running GPUs, and the spare GPUs the move may
    /// borrow while it runs (a replanned target is one whose move borrows no more; the plan
    /// from scratch when none is found).
    pub request: &'a Request,
    pub profiles: &'a [ProfileRow],
    pub running: &'a Plan,
    /// The demand the running plan serves; without it, the running plan's own model list.
    pub running_workload: Option<&'a [WorkloadRow]>,
    pub target: Target<'a>,
}

/// The checked move from `running` to `target`.
pub(super) fn move_to(
    fleet: &Fleet,
    running: &Plan,
    running_workload: &[WorkloadRow],
    target: Plan,
    target_workload: &[WorkloadRow],
) -> Result<Move, Refusal> {
    let demands = Demand::between(
        running_workload.iter().map(|r| (r.model.as_str(), r.rate)),
        target_workload.iter().map(|r| (r.model.as_str(), r.rate)),
    );
    let transition = plan_transition(fleet, running, &target, &demands)
        .map_err(|problem| Refusal::MoveBug { problems: vec![problem] })?;
    let floors = Demand::floors(&demands);
    let problems = check_transition(fleet, running, &target, &floors, &transition, usize::MAX);
    if !problems.is_empty() {
        return Err(Refusal::MoveBug { problems });
    }
    let floors = floors.into_iter().map(|(model, floor)| Floor { model, floor }).collect();
    Ok(Move { running: running.clone(), target, transition, floors, disruption: None })
}

/// The demand the running plan serves (given, or its own model list), once the plan passes
/// [`check_given`] against it.
pub(super) fn checked_running(request: &MoveRequest) -> Result<Vec<WorkloadRow>, Refusal> {
    let problems = request.request.problems();
    if !problems.is_empty() {
        return Err(Refusal::Inputs(named(problems, Path::Api)));
    }
    let running_workload = workload_or_models(request.running_workload, request.running);
    let fleet = &request.request.fleet;
    check_given(fleet, request.profiles, &running_workload, request.running, "the running plan")?;
    Ok(running_workload)
}

/// Checks a plan the user gave for a move: it must serve its workload on its GPU, and state
/// every serving instance's throughput.
pub(super) fn check_given(
    fleet: &Fleet,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    plan: &Plan,
    what: &str,
) -> Result<(), Refusal> {
    let violations = validate(fleet, profiles, workload, plan);
    if !violations.is_empty() {
        return Err(Refusal::PlanRejected { what: what.to_string(), violations });
    }
    let unmeasured: Vec<String> = plan
        .gpus
        .iter()
        .flat_map(|g| g.instances.iter().map(move |i| (g.id, i)))
        .filter(|(_, i)| i.model.is_some() && i.throughput.is_none())
        .map(|(id, i)| format!("GPU {id} slot {}", i.start))
        .collect();
    if !unmeasured.is_empty() {
        return Err(Refusal::Unmeasured { what: what.to_string(), instances: unmeasured });
    }
    Ok(())
}

/// The workload given, or else the rates and SLOs the plan itself lists.
pub(super) fn workload_or_models(workload: Option<&[WorkloadRow]>, plan: &Plan) -> Vec<WorkloadRow> {
    match workload {
        Some(w) => w.to_vec(),
        None => plan
            .models
            .iter()
            .map(|m| WorkloadRow {
                model: m.model.clone(),
                rate: m.rate,
                slo_ms: m.slo_ms,
                loc: SourceLoc { file: "the plan's model list".into(), line: 0 },
            })
            .collect(),
    }
}

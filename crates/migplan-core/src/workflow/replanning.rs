//! Moves to new demand that touch the fewest running GPUs ([`crate::moves::replan`]): one
//! for a GPU budget, or the trade-off of GPUs against disruption (a Pareto front), every
//! target and move checked like any other.

use std::cell::Cell;
use std::sync::atomic::AtomicBool;

use super::moving::{move_to, Disruption, Move, MoveRequest};
use super::refusal::{checked, Refusal, Watch};
use crate::moves::replan::{Replanner, Situation};
use crate::plan::{SolverInfo, Termination};
use crate::problem::input::WorkloadRow;
use crate::problem::Problem;
use crate::solve::control::{Control, Phase, Progress};
use crate::solve::deployment::Deployment;

/// The share of what is left of the budget each point of a Pareto front may take: the first
/// points are the hard ones; later ones start from the answer before and often meet their
/// bound at once.
const PARETO_SHARE: f64 = 0.5;

/// The move to `workload` within the new optimum plus `request.extra_gpus` GPUs that touches
/// the fewest running GPUs found.
pub(super) fn replan_move(
    request: &MoveRequest,
    workload: &[WorkloadRow],
    running_workload: &[WorkloadRow],
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Move, Refusal> {
    let mut moves = replanned(request, workload, running_workload, Some(request.extra_gpus), cancel, watch)?;
    Ok(moves.pop().expect("one move per budget"))
}

/// For extra GPUs E = 0, 1, 2, ... over the new optimum, the move that touches the fewest
/// running GPUs, until nothing more can stay untouched (or the budget is spent): what
/// disruption costs in GPUs. Never touches more with more GPUs.
pub(super) fn pareto(
    request: &MoveRequest,
    workload: &[WorkloadRow],
    running_workload: &[WorkloadRow],
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Vec<Move>, Refusal> {
    replanned(request, workload, running_workload, None, cancel, watch)
}

/// The moves for `extra` GPUs, or for every E of the Pareto front when `None`.
fn replanned(
    request: &MoveRequest,
    workload: &[WorkloadRow],
    running_workload: &[WorkloadRow],
    extra: Option<usize>,
    cancel: &AtomicBool,
    mut watch: Option<Watch<Move>>,
) -> Result<Vec<Move>, Refusal> {
    let MoveRequest { gpu, profiles, running, options, .. } = *request;
    let problem = Problem::build(gpu, profiles, workload)?;
    let read = Situation::read(&problem, running);
    let extended = read.problem.clone();
    // Known once the replanner has bounded and planned the new demand.
    let (gpu_bound, optimal_gpus, extra_now) = (Cell::new(0), Cell::new(0), Cell::new(0));
    // While the new demand is planned from scratch, progress measures GPUs: the moves
    // streamed then have no budget or bound on running GPUs touched yet.
    let touched_measured = Cell::new(false);
    let info = |elapsed_ms: u64, termination: Termination| SolverInfo {
        name: "replan".into(),
        seed: options.seed,
        elapsed_ms,
        termination,
    };
    let disruption = |m: &Move, touched_lower_bound: usize| Disruption {
        optimal_gpus: optimal_gpus.get(),
        extra_gpus: extra_now.get(),
        running_touched: m.transition.running_touched,
        touched_lower_bound,
    };
    let mut observer = |p: &Progress| {
        let Some(watch) = watch.as_mut() else { return };
        let best = p
            .best
            .as_ref()
            .filter(|_| p.phase == Phase::Improved)
            .map(|d| {
                // One GPU type, unpriced: the bound on cost is the bound on GPUs.
                let bound = gpu_bound.get();
                d.to_plan(&extended, bound, bound as f64, info(p.elapsed_ms, Termination::Running))
            })
            .and_then(|plan| checked(gpu, profiles, workload, plan).ok())
            .and_then(|plan| move_to(gpu, running, running_workload, plan, workload).ok())
            .map(|mut m| {
                m.disruption = touched_measured.get().then(|| disruption(&m, p.lower_bound));
                m
            });
        watch(p, best);
    };
    let mut ctl = Control::new("replan", options.budget, options.seed, cancel, &mut observer);
    let mut replanner = Replanner::new(read, options.solver, &mut ctl);
    gpu_bound.set(replanner.relaxation.lower_bound);
    touched_measured.set(true);
    optimal_gpus.set(replanner.scratch.gpu_count());
    let extras: Vec<usize> = match extra {
        Some(e) => vec![e],
        // Past one extra GPU per running GPU, every running GPU that can stay does.
        None => (0..=running.gpus.len()).collect(),
    };
    let mut moves = Vec::new();
    let mut start: Option<Deployment> = None;
    for e in extras {
        extra_now.set(e);
        let budget = optimal_gpus.get() + e;
        let answer = match extra {
            Some(_) => replanner.solve(budget, None, &mut ctl),
            None => replanner.solve(budget, start.as_ref(), &mut ctl.child(PARETO_SHARE)),
        };
        let plan = answer.deployment.to_plan(
            &replanner.situation.problem,
            gpu_bound.get(),
            gpu_bound.get() as f64,
            info(ctl.elapsed().as_millis() as u64, answer.termination),
        );
        let plan = checked(gpu, profiles, workload, plan)?;
        let mut m = move_to(gpu, running, running_workload, plan, workload)?;
        m.disruption = Some(disruption(&m, answer.touched_lower_bound));
        moves.push(m);
        if answer.touched <= replanner.situation.never_kept() || ctl.stop_reason() == Some(Termination::Cancelled) {
            break;
        }
        start = Some(answer.deployment);
    }
    Ok(moves)
}

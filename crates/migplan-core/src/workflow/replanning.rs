//! Moves to new demand that touch the fewest running GPUs ([`crate::moves::replan`]): one
//! for a GPU budget, or the trade-off of GPUs against disruption (a Pareto front), every
//! target and move checked like any other, none borrowing more spare GPUs than allowed.

use std::cell::Cell;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::moving::{move_to, Disruption, Move, MoveRequest};
use super::refusal::{checked, Refusal, Watch};
use crate::moves::exchange::{plan_transition, Demand};
use crate::moves::replan::{Replanner, Situation};
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::input::WorkloadRow;
use crate::problem::Problem;
use crate::solve::control::{Control, Phase, Progress};
use crate::solve::deployment::Deployment;

/// The least time between two moves streamed while planning: checking a move of hundreds of
/// GPUs takes tens of milliseconds, and the page shows one at a time anyway.
const STREAM_EVERY_MS: u64 = 300;
/// The share of the time the first point of a Pareto front may take.
const FIRST_POINT_SHARE: f64 = 0.5;

/// The move to `workload` within the new optimum plus `request.extra_gpus` GPUs that touches
/// the fewest running GPUs found.
pub(super) fn replan_move(
    request: &MoveRequest,
    workload: &[WorkloadRow],
    running_workload: &[WorkloadRow],
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Move, Refusal> {
    let extra = request.request.extra_gpus;
    let mut moves = replanned(request, workload, running_workload, Some(extra), cancel, watch)?;
    Ok(moves.pop().expect("one move per budget"))
}

/// For extra GPUs E = 0, 1, 2, ... over the new optimum, the move that touches the fewest
/// running GPUs, until every running GPU that can stay does (or the time is spent): what
/// disruption costs in GPUs. Never touches more with more GPUs. The points share the time
/// limit, the first ones the larger shares, and each starts from the answer before it.
pub(super) fn pareto(
    request: &MoveRequest,
    workload: &[WorkloadRow],
    running_workload: &[WorkloadRow],
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Vec<Move>, Refusal> {
    replanned(request, workload, running_workload, None, cancel, watch)
}

/// Turns deployments of the new demand into plans and moves.
struct Mover<'a> {
    request: &'a MoveRequest<'a>,
    workload: &'a [WorkloadRow],
    running_workload: &'a [WorkloadRow],
    demands: Vec<Demand>,
    /// The new demand with the running GPUs' layouts: what the deployments index.
    extended: Problem,
    /// The new demand's bound on GPUs, once known.
    gpu_bound: Cell<usize>,
}

impl Mover<'_> {
    fn plan(&self, d: &Deployment, elapsed_ms: u64, termination: Termination) -> Plan {
        let info = SolverInfo { name: "replan".into(), seed: self.request.request.run.seed, elapsed_ms, termination };
        // One GPU type, unpriced: the bound on cost is the bound on GPUs.
        let bound = self.gpu_bound.get();
        d.to_plan(&self.extended, bound, bound as f64, info)
    }

    /// True when the move to `d` borrows no more spare GPUs than allowed.
    fn within_spares(&self, d: &Deployment) -> bool {
        let plan = self.plan(d, 0, Termination::Running);
        plan_transition(&self.request.request.fleet, self.request.running, &plan, &self.demands)
            .is_ok_and(|t| t.spare_used <= self.request.request.spare)
    }

    /// The checked move to `d`.
    fn checked_move(&self, d: &Deployment, elapsed_ms: u64, termination: Termination) -> Result<Move, Refusal> {
        let r = self.request;
        let fleet = &r.request.fleet;
        let plan = checked(fleet, r.profiles, self.workload, self.plan(d, elapsed_ms, termination))?;
        move_to(fleet, r.running, self.running_workload, plan, self.workload)
    }
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
    let MoveRequest { profiles, running, .. } = *request;
    let options = request.request.run;
    let problem = Problem::build(&request.request.fleet, profiles, workload)?;
    let situation = Situation::read(&problem, running);
    let mover = Mover {
        request,
        workload,
        running_workload,
        demands: Demand::between(
            running_workload.iter().map(|r| (r.model.as_str(), r.rate)),
            workload.iter().map(|r| (r.model.as_str(), r.rate)),
        ),
        extended: situation.problem.clone(),
        gpu_bound: Cell::new(0),
    };
    // Known once the replanner has planned the new demand from scratch. Until then the
    // plans found are measured in GPUs, not running GPUs touched: their moves are streamed
    // without a disruption (no budget yet), each touching fewer than the one before.
    let (optimal_gpus, extra_now) = (Cell::new(None), Cell::new(0));
    let disruption = |m: &Move, touched_lower_bound: usize, optimal_gpus: usize| Disruption {
        optimal_gpus,
        extra_gpus: extra_now.get(),
        running_touched: m.transition.running_touched,
        touched_lower_bound,
    };
    // When the last move was streamed (ms into the run), and what it touched: each next one
    // touches fewer.
    let mut streamed: Option<(u64, usize)> = None;
    let mut observer = |p: &Progress| {
        let Some(watch) = watch.as_mut() else { return };
        let due = streamed.is_none_or(|(at, _)| p.elapsed_ms >= at + STREAM_EVERY_MS);
        let fewer = |touched: f64| streamed.is_none_or(|(_, last)| touched < last as f64);
        let optimal = optimal_gpus.get();
        if optimal.is_none() {
            mover.gpu_bound.set(p.lower_bound);
        }
        let best = p
            .best
            .as_ref()
            // Once the optimum is known the score is running GPUs touched: a cheap first filter.
            .filter(|_| p.phase == Phase::Improved && due && (optimal.is_none() || p.best_score.is_some_and(fewer)))
            .and_then(|d| {
                let mut m = mover.checked_move(d, p.elapsed_ms, Termination::Running).ok()?;
                m.disruption = optimal.map(|optimal| disruption(&m, p.lower_bound, optimal));
                Some(m)
            })
            .filter(|m| m.transition.spare_used <= request.request.spare && fewer(m.transition.running_touched as f64));
        if let Some(m) = &best {
            streamed = Some((p.elapsed_ms, m.transition.running_touched));
        }
        watch(p, best);
    };
    let mut ctl = Control::new("replan", options.budget, options.seed, cancel, &mut observer);
    let mut replanner = Replanner::new(situation, options.solver, &mut ctl);
    mover.gpu_bound.set(replanner.relaxation.lower_bound);
    let optimal = replanner.scratch.gpu_count();
    optimal_gpus.set(Some(optimal));
    let mut accept = |d: &Deployment| mover.within_spares(d);
    let extras: Vec<usize> = match extra {
        Some(e) => vec![e],
        None => (0..=last_point(&replanner, optimal, &mut ctl)).collect(),
    };
    let never_kept = replanner.situation.never_kept();
    let mut moves = Vec::new();
    let mut start: Option<Deployment> = None;
    let mut check_time = Duration::ZERO;
    for (i, &e) in extras.iter().enumerate() {
        // A point is worth starting only with time left to check its move too.
        if i > 0 && ctl.remaining().is_some_and(|left| left < check_time.mul_f64(1.5)) {
            break;
        }
        extra_now.set(e);
        let budget = optimal + e;
        let left = extras.len() - i;
        let answer = match extra {
            Some(_) => replanner.solve(budget, None, &mut accept, &mut ctl),
            None => replanner.solve(budget, start.as_ref(), &mut accept, &mut ctl.child(point_share(i, left))),
        };
        let checking = ctl.elapsed();
        let mut m = mover.checked_move(&answer.deployment, checking.as_millis() as u64, answer.termination)?;
        check_time = ctl.elapsed().saturating_sub(checking);
        m.disruption = Some(disruption(&m, answer.touched_lower_bound, optimal));
        let done = m.transition.running_touched <= never_kept;
        moves.push(m);
        if done || ctl.stop_reason() == Some(Termination::Cancelled) {
            break;
        }
        start = Some(answer.deployment);
    }
    Ok(moves)
}

/// The share of what is left of the time for point `i` with `left` points to go (itself
/// included): the first point, at the new optimum, has the most to do, and the next ones
/// start from the answer before them.
fn point_share(i: usize, left: usize) -> f64 {
    if i == 0 {
        FIRST_POINT_SHARE.max(1.0 / left as f64)
    } else {
        (2.0 / (left + 1) as f64).min(1.0)
    }
}

/// The extra GPUs past which the front has nothing left to show: those the plan keeping
/// every running GPU that can stay needs over the optimum.
fn last_point(replanner: &Replanner, optimal: usize, ctl: &mut Control) -> usize {
    let situation = &replanner.situation;
    let all: Vec<usize> = (0..situation.running.len()).filter(|&r| situation.running[r].is_some()).collect();
    match situation.keep(&all, usize::MAX, &mut ctl.child(0.1)) {
        Ok(d) => d.normalized().gpu_count().saturating_sub(optimal),
        Err(_) => situation.running.len(),
    }
}

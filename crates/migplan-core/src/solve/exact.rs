//! The exact planner: the relaxation's bound, and integer plans that try to meet it.
//!
//! Each model takes one of the covers the relaxation generated; the chosen instances are
//! packed into the fewest layouts ([`crate::solve::pack`]). The relaxation's master solution is
//! integral for all but a few models (a basic solution has at most one fractional model
//! per profile row), so the search starts from its rounding and then tries the fractional
//! models' alternatives jointly. A plan that meets the bound is proven optimal; otherwise
//! the best plan and the remaining gap are reported when the budget runs out.

use std::collections::HashSet;
use std::time::Duration;

use crate::plan::Termination;
use crate::problem::{covers, Model, Problem};
use crate::solve::control::Control;
use crate::solve::cover::layout_fills;
use crate::solve::deployment::served;
use crate::solve::deployment::{Deployment, GpuConfig};
use crate::solve::executor::{Solver, SolverResult};
use crate::solve::integer_master::{choose_covers, proven};
use crate::solve::pack::pack;
use crate::solve::relaxation::{relax, Relaxation};

#[derive(Debug, Default)]
pub struct Exact;

/// How many joint choices of the fractional models' covers to try before moving on: past a
/// few thousand the odometer rarely finds a better plan than the rounding did.
const MAX_COMBINATIONS: usize = 4096;
/// The packing's integer search rarely needs more than milliseconds; a second caps one stuck
/// packing so the planner keeps trying other choices.
const PACK_TIME_LIMIT: Duration = Duration::from_secs(1);
/// The first rounding of a mix packs within this: when its packing is not found at once,
/// the integer master finds a better plan in less time than the packing's search takes.
const QUICK_PACK_LIMIT: Duration = Duration::from_millis(20);

impl Solver for Exact {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        solve_from(problem, relaxation, ctl, None)
    }
}

/// The exact planner started from a deployment for part of the demand (the previous point of
/// a growth curve, say): refilled exactly, it is the first plan to beat. Its layouts must be
/// the problem's, which holds for the same inputs at other rates.
#[derive(Debug, Default)]
pub struct WarmExact {
    pub start: Option<Deployment>,
}

impl Solver for WarmExact {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let start = self.start.take().map(|mut start| {
            complete_exactly(problem, &mut start.gpus, ctl);
            start
        });
        solve_from(problem, relaxation, ctl, start)
    }
}

fn solve_from(
    problem: &Problem,
    relaxation: &Relaxation,
    ctl: &mut Control,
    start: Option<Deployment>,
) -> SolverResult {
    // A mix's packings are slow enough that the odometer alone would spend the budget: the
    // mix gets its own start, and the refills below the rest. A warm start (a growth curve's
    // next point) is most of the plan already: its search is left as it was, whole.
    let refill = problem.is_mixed() && start.is_none();
    let mut best = match refill {
        true => mix_search(problem, relaxation, ctl),
        false => search(problem, relaxation, ctl, start),
    };
    if problem.is_mixed() && !refill {
        best = proven(problem, relaxation, best, ctl, MIX_SEARCH_SHARE);
    }
    // The mix's relaxation can round to a fleet dearer than one type alone would be: try
    // each type alone too, so a mix never costs more than the cheaper single type found.
    if problem.is_mixed() {
        for t in 0..problem.blocks.len() {
            if ctl.stop_reason().is_some() {
                break;
            }
            let Some(alone) = problem.only_type(t) else { continue };
            let relaxation = relax(&alone, ctl);
            best = search(&alone, &relaxation, ctl, Some(best));
        }
        if refill {
            best = refill_search(problem, best, ctl);
        }
    }
    let termination = ctl.stop_reason().unwrap_or(Termination::Finished);
    SolverResult { deployment: best, termination }
}

/// A mix from scratch: the master's rounding, packed quickly (it is often optimal at once);
/// when it leaves a gap, the integer master ([`choose_covers`]), which moves several models
/// to another type at once where the rounding moves one; then the odometer from the better
/// plan. Each search gets a share of what is left of the budget.
fn mix_search(problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> Deployment {
    let mut best = packed_within(problem, &instances_of(relaxation, &first_choice(relaxation)), ctl, QUICK_PACK_LIMIT);
    ctl.offer(&best);
    if ctl.stop_reason().is_none() {
        let chosen = choose_covers(problem, relaxation, &mut ctl.child(MIX_SEARCH_SHARE));
        if let Some(chosen) = chosen.filter(|c| ctl.measure(c) < ctl.measure(&best)) {
            best = chosen;
            ctl.offer(&best);
        }
    }
    best = proven(problem, relaxation, best, ctl, MIX_SEARCH_SHARE);
    match ctl.stop_reason() {
        Some(_) => best,
        None => search(problem, relaxation, &mut ctl.child(MIX_SEARCH_SHARE), Some(best)),
    }
}

/// Each model's column of most weight in the master's solution.
fn first_choice(relaxation: &Relaxation) -> Vec<usize> {
    relaxation.weights.iter().map(|w| w[0].0).collect()
}

/// Rounds the master solution, tries the fractional models' alternatives and each model's
/// layout fills; returns the best deployment found, or `incumbent` when none beats it.
fn search(problem: &Problem, relaxation: &Relaxation, ctl: &mut Control, incumbent: Option<Deployment>) -> Deployment {
    let models = problem.models.len();
    let mut choice = first_choice(relaxation);
    let mut best_instances = instances_of(relaxation, &choice);
    let mut best = plan_for_instances(problem, &best_instances, ctl);
    if let Some(incumbent) = incumbent {
        if ctl.measure(&incumbent) <= ctl.measure(&best) {
            best = incumbent;
        }
    }
    ctl.offer(&best);

    let fractional: Vec<usize> = (0..models).filter(|&s| relaxation.weights[s].len() > 1).collect();
    let mut odometer = vec![0usize; fractional.len()];
    let mut tried = 1;
    while tried < MAX_COMBINATIONS && advance(&mut odometer, &fractional, relaxation) {
        if ctl.stop_reason().is_some() {
            return best;
        }
        ctl.tick();
        tried += 1;
        for (&s, &k) in fractional.iter().zip(&odometer) {
            choice[s] = relaxation.weights[s][k].0;
        }
        let instances = instances_of(relaxation, &choice);
        let candidate = plan_for_instances(problem, &instances, ctl);
        if ctl.measure(&candidate) < ctl.measure(&best) {
            (best, best_instances) = (candidate, instances);
            ctl.offer(&best);
        }
    }
    // The master's columns can all miss the cover that packs best (one model served by
    // whole copies of one layout, say 4g+3g twice): try those covers, one model at a time.
    for s in 0..models {
        for fill in layout_fills(problem, s) {
            if tried >= MAX_COMBINATIONS || ctl.stop_reason().is_some() {
                break;
            }
            tried += 1;
            let mut instances = best_instances.clone();
            instances[s] = fill;
            let candidate = plan_for_instances(problem, &instances, ctl);
            if ctl.measure(&candidate) < ctl.measure(&best) {
                (best, best_instances) = (candidate, instances);
                ctl.offer(&best);
            }
        }
    }
    best
}

/// For a mix: drops a few GPUs of the best deployment and refills what they served ([`refilled`]:
/// on any type, at the mix's prices), keeping any cheaper result, dropping more GPUs at once
/// only when fewer improve nothing, until [`MAX_DROPPED`] improve nothing or the budget ends.
/// The rounding of the whole demand picks each model's type from fractional columns;
/// refilling a small rest lets a few models change type together.
fn refill_search(problem: &Problem, mut best: Deployment, ctl: &mut Control) -> Deployment {
    let mut size = 1;
    while size <= MAX_DROPPED && ctl.stop_reason().is_none() {
        match drop_and_refill(problem, &best, size, ctl) {
            Some(better) => {
                best = better;
                ctl.offer(&best);
                size = 1;
            }
            None => size += 1,
        }
    }
    best
}

/// The first cheaper deployment found by dropping `size` GPUs of `best` and refilling.
fn drop_and_refill(problem: &Problem, best: &Deployment, size: usize, ctl: &mut Control) -> Option<Deployment> {
    let n = best.gpus.len();
    if size > n {
        return None;
    }
    // GPUs of the same configurations give the same rest: try each set of configs once.
    let mut tried: HashSet<Vec<&GpuConfig>> = HashSet::new();
    let mut pick: Vec<usize> = (0..size).collect();
    loop {
        let mut key: Vec<&GpuConfig> = pick.iter().map(|&i| &best.gpus[i]).collect();
        key.sort();
        if tried.insert(key) {
            if ctl.stop_reason().is_some() {
                return None;
            }
            ctl.tick();
            let kept = best.gpus.iter().enumerate().filter(|(k, _)| !pick.contains(k)).map(|(_, g)| g.clone());
            let candidate = refilled(problem, kept.collect(), ctl);
            if ctl.measure(&candidate) + REFILL_GAIN < ctl.measure(best) {
                return Some(candidate);
            }
        }
        // The next set of `size` GPUs, in lexicographic order.
        let i = (0..size).rev().find(|&i| pick[i] < n - size + i)?;
        pick[i] += 1;
        for j in i + 1..size {
            pick[j] = pick[j - 1] + 1;
        }
    }
}

/// The most GPUs a refill drops at once.
const MAX_DROPPED: usize = 3;

/// `kept` and GPUs for the demand it leaves unserved, found by [`search`] on that rest (a
/// share of what is left of the budget).
fn refilled(problem: &Problem, mut kept: Vec<GpuConfig>, ctl: &mut Control) -> Deployment {
    let mut served = served(problem, &kept);
    // The kept GPUs' idle instances first serve what the dropped ones did, each the model it
    // helps most.
    for g in &mut kept {
        for (pl, m) in problem.layouts[g.layout].placements.iter().zip(g.models.iter_mut()) {
            let short = |s: usize| problem.models[s].rate - served[s];
            let helps = (0..problem.models.len())
                .filter(|&s| !covers(served[s], problem.models[s].rate))
                .filter_map(|s| Some((s, problem.capacity[s][pl.profile]?.throughput.min(short(s)))))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let (None, Some((s, _))) = (*m, helps) {
                *m = Some(s);
                served[s] += problem.capacity[s][pl.profile].map_or(0.0, |c| c.throughput);
            }
        }
    }
    let Some((rest, short)) = unserved(problem, &served) else { return Deployment { gpus: kept } };
    let relaxation = relax(&rest, ctl);
    for mut g in search(&rest, &relaxation, &mut ctl.quiet_child(REFILL_SHARE), None).gpus {
        g.models.iter_mut().for_each(|s| *s = s.map(|s| short[s]));
        kept.push(g);
    }
    Deployment { gpus: kept }
}

/// The share of what is left of the budget one refill's search gets.
const REFILL_SHARE: f64 = 0.05;

/// The share of what is left of the budget a mix's integer master gets, and then its
/// odometer.
const MIX_SEARCH_SHARE: f64 = 0.25;

/// The least saving a refill must make to be kept: more than the rounding of sums of prices.
const REFILL_GAIN: f64 = 1e-9;

/// Steps the odometer over the fractional models' positive-weight columns.
fn advance(odometer: &mut [usize], fractional: &[usize], relaxation: &Relaxation) -> bool {
    for (digit, &s) in odometer.iter_mut().zip(fractional) {
        *digit += 1;
        if *digit < relaxation.weights[s].len() {
            return true;
        }
        *digit = 0;
    }
    false
}

/// Each model's instances per profile under `choice` (a column per model).
fn instances_of(relaxation: &Relaxation, choice: &[usize]) -> Vec<Vec<usize>> {
    choice.iter().enumerate().map(|(s, &c)| relaxation.columns[s][c].iter().map(|&k| k as usize).collect()).collect()
}

/// Packs the given instances per model and profile into GPUs.
fn plan_for_instances(problem: &Problem, instances: &[Vec<usize>], ctl: &Control) -> Deployment {
    packed_within(problem, instances, ctl, PACK_TIME_LIMIT)
}

/// [`plan_for_instances`] with the packing's integer search cut at `pack_limit`.
fn packed_within(problem: &Problem, instances: &[Vec<usize>], ctl: &Control, pack_limit: Duration) -> Deployment {
    let mut wanted = vec![0u32; problem.profiles.len()];
    for cover in instances {
        for (p, &k) in cover.iter().enumerate() {
            wanted[p] += k as u32;
        }
    }
    let limit = ctl.remaining().unwrap_or(pack_limit).min(pack_limit);
    let layout_counts = pack(problem, &wanted, limit);
    Deployment::from_counts(problem, &layout_counts, instances)
        .expect("a packing offers at least the wanted instances of every profile")
}

/// Adds the GPUs the exact planner's first rounding picks for whatever demand `gpus` leave
/// unserved: an optimal-in-practice refill of a partial deployment.
pub fn complete_exactly(problem: &Problem, gpus: &mut Vec<GpuConfig>, ctl: &Control) {
    let Some((residual, short)) = unserved(problem, &served(problem, gpus)) else { return };
    let relaxation = relax(&residual, ctl);
    for mut g in plan_for_instances(&residual, &instances_of(&relaxation, &first_choice(&relaxation)), ctl).gpus {
        g.models.iter_mut().for_each(|s| *s = s.map(|s| short[s]));
        gpus.push(g);
    }
}

/// The demand `served` leaves, as a problem of the models short of their rate (each with the
/// rate it lacks), and those models' indexes in `problem`; `None` when every model is served.
fn unserved(problem: &Problem, served: &[f64]) -> Option<(Problem, Vec<usize>)> {
    let short: Vec<usize> = (0..problem.models.len()).filter(|&s| !covers(served[s], problem.models[s].rate)).collect();
    let rest = Problem {
        models: short
            .iter()
            .map(|&s| Model { rate: problem.models[s].rate - served[s], ..problem.models[s].clone() })
            .collect(),
        capacity: short.iter().map(|&s| problem.capacity[s].clone()).collect(),
        ..problem.clone()
    };
    (!short.is_empty()).then_some((rest, short))
}

#[cfg(test)]
mod tests;

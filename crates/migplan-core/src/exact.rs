//! The exact planner: the relaxation's bound, and integer plans that try to meet it.
//!
//! Each service takes one of the covers the relaxation generated; the chosen instances are
//! packed into the fewest layouts ([`crate::pack`]). The relaxation's master solution is
//! integral for all but a few services (a basic solution has at most one fractional service
//! per profile row), so the search starts from its rounding and then tries the fractional
//! services' alternatives jointly. A plan that meets the bound is proven optimal; otherwise
//! the best plan and the remaining gap are reported when the budget runs out.

use std::time::Duration;

use crate::heuristic::served;
use crate::pack::pack;
use crate::plan::{Deployment, GpuConfig};
use crate::problem::{covers, Problem, Service};
use crate::relaxation::{relax, Relaxation};
use crate::solver::{Control, Solver, SolverResult, Termination};

#[derive(Debug, Default)]
pub struct Exact;

/// How many joint choices of the fractional services' covers to try before moving on.
const MAX_COMBINATIONS: usize = 4096;

impl Solver for Exact {
    fn name(&self) -> &'static str {
        "exact"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let services = problem.services.len();
        let mut choice: Vec<usize> = relaxation.weights.iter().map(|w| w[0].0).collect();
        let mut best = plan_for_choice(problem, relaxation, &choice, ctl);
        ctl.offer(&best);

        let fractional: Vec<usize> = (0..services).filter(|&s| relaxation.weights[s].len() > 1).collect();
        let mut odometer = vec![0usize; fractional.len()];
        let mut tried = 1;
        while tried < MAX_COMBINATIONS && advance(&mut odometer, &fractional, relaxation) {
            if let Some(reason) = ctl.stop_reason() {
                return SolverResult { deployment: best, termination: reason };
            }
            ctl.tick();
            tried += 1;
            for (&s, &k) in fractional.iter().zip(&odometer) {
                choice[s] = relaxation.weights[s][k].0;
            }
            let candidate = plan_for_choice(problem, relaxation, &choice, ctl);
            if candidate.gpu_count() < best.gpu_count() {
                best = candidate;
                ctl.offer(&best);
            }
        }
        let termination = ctl.stop_reason().unwrap_or(Termination::Finished);
        SolverResult { deployment: best, termination }
    }
}

/// Steps the odometer over the fractional services' positive-weight columns.
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

/// Packs the instances of one cover per service into GPUs.
fn plan_for_choice(problem: &Problem, relaxation: &Relaxation, choice: &[usize], ctl: &Control) -> Deployment {
    let instances: Vec<Vec<usize>> = choice
        .iter()
        .enumerate()
        .map(|(s, &c)| relaxation.columns[s][c].iter().map(|&k| k as usize).collect())
        .collect();
    let mut wanted = vec![0u32; problem.gpu.profiles.len()];
    for cover in &instances {
        for (p, &k) in cover.iter().enumerate() {
            wanted[p] += k as u32;
        }
    }
    let limit = ctl.remaining().unwrap_or(Duration::from_secs(1)).min(Duration::from_secs(1));
    let packing = pack(problem, &wanted, limit);
    Deployment::from_counts(problem, &packing.layout_counts, &instances)
        .expect("a packing offers at least the wanted instances of every profile")
}

/// Adds the GPUs the exact planner's first rounding picks for whatever demand `gpus` leave
/// unserved: an optimal-in-practice refill of a partial deployment.
pub fn complete_exactly(problem: &Problem, gpus: &mut Vec<GpuConfig>, ctl: &Control) {
    let served = served(problem, gpus);
    let short: Vec<usize> =
        (0..problem.services.len()).filter(|&s| !covers(served[s], problem.services[s].rate)).collect();
    if short.is_empty() {
        return;
    }
    let residual = Problem {
        gpu: problem.gpu.clone(),
        services: short
            .iter()
            .map(|&s| Service { rate: problem.services[s].rate - served[s], ..problem.services[s].clone() })
            .collect(),
        capacity: short.iter().map(|&s| problem.capacity[s].clone()).collect(),
        usable_profiles: problem.usable_profiles.clone(),
        layouts: problem.layouts.clone(),
    };
    let relaxation = relax(&residual, ctl);
    let choice: Vec<usize> = relaxation.weights.iter().map(|w| w[0].0).collect();
    for mut g in plan_for_choice(&residual, &relaxation, &choice, ctl).gpus {
        g.services.iter_mut().for_each(|s| *s = s.map(|s| short[s]));
        gpus.push(g);
    }
}

//! The one interface every solver implements, and the executor that runs one: bound first,
//! then the search under a [`Control`], then the plan JSON of its best deployment.

use std::sync::atomic::AtomicBool;

use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::Problem;
use crate::solve::control::{Budget, Control, Phase, Progress};
use crate::solve::deployment::Deployment;
use crate::solve::relaxation::{relax, Relaxation};

/// What a solver returns: its best deployment (always valid) and why it stopped.
#[derive(Debug, Clone)]
pub struct SolverResult {
    pub deployment: Deployment,
    pub termination: Termination,
}

/// An anytime planner. It must hold a valid deployment from its first offer on, and return
/// its best one whenever `ctl.stop_reason()` says to stop.
pub trait Solver {
    fn name(&self) -> &'static str;
    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult;
}

/// Plans `problem` with `solver`: computes the lower bound, runs the solver within the
/// budget, and returns its best plan.
pub fn execute(
    problem: &Problem,
    solver: &mut dyn Solver,
    budget: Budget,
    seed: u64,
    cancel: &AtomicBool,
    observer: &mut dyn FnMut(&Progress),
) -> Plan {
    execute_keeping(problem, solver, budget, seed, cancel, observer).0
}

/// [`execute`], and the best deployment itself: the start of a search for more demand.
pub fn execute_keeping(
    problem: &Problem,
    solver: &mut dyn Solver,
    budget: Budget,
    seed: u64,
    cancel: &AtomicBool,
    observer: &mut dyn FnMut(&Progress),
) -> (Plan, Deployment) {
    let mut ctl = Control::new(solver.name(), budget, seed, cancel, observer);
    ctl.report(Phase::Bounding);
    let relaxation = relax(problem, &ctl);
    ctl.raise_lower_bound(relaxation.lower_bound);
    let lower_cost = relaxation.lower_cost + node_lower_bound(problem, relaxation.lower_bound);
    if problem.is_priced() {
        ctl.price(problem, lower_cost);
    }
    ctl.report(Phase::Searching);
    let result = solver.solve(problem, &relaxation, &mut ctl);
    let deployment = result.deployment.normalized();
    let termination = if ctl.meets_bound(&deployment) { Termination::Optimal } else { result.termination };
    ctl.report(Phase::Stopped(termination));
    let info =
        SolverInfo { name: solver.name().to_string(), seed, elapsed_ms: ctl.elapsed().as_millis() as u64, termination };
    (deployment.to_plan(problem, ctl.lower_bound(), ctl.lower_cost().unwrap_or(lower_cost), info), deployment)
}

/// What the nodes of any plan with at least `lower_gpus` GPUs cost at least: nodes hold one
/// type each, so at least ceil(GPUs / per node) of them.
fn node_lower_bound(problem: &Problem, lower_gpus: usize) -> f64 {
    problem.node_price.map_or(0.0, |p| lower_gpus.div_ceil(p.gpus_per_node.max(1)) as f64 * p.cost)
}

//! `--solver greedy`: the MIG-serving paper's fast heuristic. One GPU at a time, take the
//! configuration (over every maximal layout) that completes the most outstanding demand,
//! until every model is served. Milliseconds; see [`crate::solve::heuristic`] for the score.

use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;

use crate::plan::Termination;
use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::deployment::Deployment;
use crate::solve::executor::{Solver, SolverResult};
use crate::solve::heuristic::{complete, drop_redundant};
use crate::solve::relaxation::Relaxation;

#[derive(Debug, Default)]
pub struct Greedy;

/// The greedy deployment. Deterministic: no noise, so the seed does not matter.
pub fn greedy_deployment(problem: &Problem, ctl: &Control) -> Deployment {
    let mut gpus = Vec::new();
    complete(problem, &mut gpus, 0.0, &mut ChaCha8Rng::seed_from_u64(0), ctl);
    drop_redundant(problem, &mut gpus);
    Deployment { gpus }
}

impl Solver for Greedy {
    fn name(&self) -> &'static str {
        "greedy"
    }

    fn solve(&mut self, problem: &Problem, _relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let deployment = greedy_deployment(problem, ctl);
        ctl.offer(&deployment);
        ctl.tick();
        SolverResult { deployment, termination: ctl.stop_reason().unwrap_or(Termination::Finished) }
    }
}

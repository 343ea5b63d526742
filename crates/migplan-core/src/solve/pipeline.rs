//! `--solver mig-serving`: the paper's pipeline as one anytime solver, and `auto`.
//!
//! mig-serving: greedy first (its plan is offered at once), then rounds that breed the
//! genetic population for a few generations and then let MCTS search a good combination of
//! configurations for the demand that a random quarter of the best plan's GPUs served (the
//! paper uses MCTS for the remaining demand); the MCTS plan joins the population. Every
//! improvement is offered as it is found.
//!
//! auto: the exact planner; when it cannot prove optimality, mig-serving spends what is left
//! of the budget starting from the exact planner's best plan.

use crate::plan::Termination;
use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::deployment::Deployment;
use crate::solve::exact::Exact;
use crate::solve::executor::{Solver, SolverResult};
use crate::solve::ga::{GeneticParams, Population};
use crate::solve::greedy::greedy_deployment;
use crate::solve::mcts::{MctsParams, Search};
use crate::solve::relaxation::Relaxation;

/// Mixed into the seed for the tree search, so that it draws other numbers than the genetic
/// search seeded with the same value (the bytes spell "mcts").
const MCTS_SEED_SALT: u64 = 0x6d63_7473;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PipelineParams {
    pub genetic: GeneticParams,
    pub mcts: MctsParams,
    /// GA generations per round.
    pub generations_per_round: u32,
    /// Rounds to run when no other budget stops the search first.
    pub rounds: u32,
    /// Share of the best plan's GPUs whose demand MCTS re-plans each round.
    pub mcts_share: f64,
}

impl Default for PipelineParams {
    fn default() -> Self {
        PipelineParams {
            genetic: GeneticParams::default(),
            mcts: MctsParams { simulations_per_step: 8, ..MctsParams::default() },
            generations_per_round: 10,
            rounds: 40,
            mcts_share: 0.25,
        }
    }
}

#[derive(Debug, Default)]
pub struct MigServing {
    pub params: PipelineParams,
}

impl MigServing {
    /// Improves on `start` (and greedy) until the budget ends.
    fn improve(
        &self,
        problem: &Problem,
        relaxation: &Relaxation,
        ctl: &mut Control,
        start: Vec<Deployment>,
    ) -> SolverResult {
        let greedy = greedy_deployment(problem, ctl);
        ctl.offer(&greedy);
        let mut initial = start;
        initial.push(greedy.clone());
        let mut population = Population::new(problem, self.params.genetic, initial, ctl);
        ctl.offer(population.best());
        let mut search =
            Search::new(problem, self.params.mcts, ctl.seed() ^ MCTS_SEED_SALT, relaxation.lower_bound, greedy);
        for _ in 0..self.params.rounds {
            for _ in 0..self.params.generations_per_round {
                if let Some(reason) = ctl.stop_reason() {
                    return SolverResult { deployment: population.best().clone(), termination: reason };
                }
                ctl.tick();
                if population.generation(ctl) {
                    ctl.offer(population.best());
                }
            }
            let prefix = search.free_share(population.best(), self.params.mcts_share);
            let finished = search.pass(ctl, prefix);
            population.immigrate(search.best().clone());
            ctl.offer(population.best());
            if !finished {
                break;
            }
        }
        let termination = ctl.stop_reason().unwrap_or(Termination::Finished);
        SolverResult { deployment: population.best().clone(), termination }
    }
}

impl Solver for MigServing {
    fn name(&self) -> &'static str {
        "mig-serving"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        self.improve(problem, relaxation, ctl, Vec::new())
    }
}

#[derive(Debug, Default)]
pub struct Auto;

impl Solver for Auto {
    fn name(&self) -> &'static str {
        "auto"
    }

    fn solve(&mut self, problem: &Problem, relaxation: &Relaxation, ctl: &mut Control) -> SolverResult {
        let exact = Exact.solve(problem, relaxation, ctl);
        match exact.termination {
            Termination::Finished => MigServing::default().improve(problem, relaxation, ctl, vec![exact.deployment]),
            _ => exact,
        }
    }
}

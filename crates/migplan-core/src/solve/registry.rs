//! The solvers a user can pick by name, and running one of them. Sits above every solver;
//! no solver imports it.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::plan::Plan;
use crate::problem::Problem;
use crate::solve::control::{Budget, Progress};
use crate::solve::exact::Exact;
use crate::solve::executor::{execute, Solver};
use crate::solve::ga::Genetic;
use crate::solve::greedy::Greedy;
use crate::solve::mcts::Mcts;
use crate::solve::pipeline::{Auto, MigServing};

/// The solvers a user can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverKind {
    Auto,
    Exact,
    Greedy,
    Ga,
    Mcts,
    MigServing,
}

impl SolverKind {
    pub const ALL: [SolverKind; 6] = [
        SolverKind::Auto,
        SolverKind::Exact,
        SolverKind::Greedy,
        SolverKind::Ga,
        SolverKind::Mcts,
        SolverKind::MigServing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Auto => "auto",
            SolverKind::Exact => "exact",
            SolverKind::Greedy => "greedy",
            SolverKind::Ga => "ga",
            SolverKind::Mcts => "mcts",
            SolverKind::MigServing => "mig-serving",
        }
    }

    pub fn parse(name: &str) -> Option<SolverKind> {
        SolverKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn instantiate(self) -> Box<dyn Solver> {
        match self {
            SolverKind::Auto => Box::new(Auto),
            SolverKind::Exact => Box::new(Exact),
            SolverKind::Greedy => Box::new(Greedy),
            SolverKind::Ga => Box::new(Genetic::default()),
            SolverKind::Mcts => Box::new(Mcts::default()),
            SolverKind::MigServing => Box::new(MigServing::default()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    pub solver: SolverKind,
    pub budget: Budget,
    pub seed: u64,
}

/// The time limit when none is given: what the command line and the page default to.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            solver: SolverKind::Auto,
            budget: Budget { time_limit: Some(DEFAULT_TIME_LIMIT), max_iterations: None },
            seed: 1,
        }
    }
}

/// Plans `problem` with the chosen solver (see [`execute`]).
pub fn run(problem: &Problem, options: &RunOptions, cancel: &AtomicBool, observer: &mut dyn FnMut(&Progress)) -> Plan {
    execute(problem, options.solver.instantiate().as_mut(), options.budget, options.seed, cancel, observer)
}

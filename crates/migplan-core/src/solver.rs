//! The one interface every solver implements, and the executor that runs them.
//!
//! As in argmin, the solver only knows how to search; the [`Control`] it is handed owns the
//! budget (time, iterations), the seed, the cancel flag and the observer that hears about
//! every improvement. [`run`] computes the shared lower bound, runs the chosen solver and
//! turns its best deployment into a [`Plan`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use web_time::Instant;

use crate::plan::{Deployment, Plan, SolverInfo};
use crate::problem::Problem;
use crate::relaxation::{relax, Relaxation};

/// Why a solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// The plan meets the proven lower bound.
    Optimal,
    /// The solver ran its course without proving optimality.
    Finished,
    TimeLimit,
    IterationLimit,
    Cancelled,
}

impl Termination {
    pub fn as_str(self) -> &'static str {
        match self {
            Termination::Optimal => "optimal",
            Termination::Finished => "finished",
            Termination::TimeLimit => "time_limit",
            Termination::IterationLimit => "iteration_limit",
            Termination::Cancelled => "cancelled",
        }
    }
}

/// What an observer hears: sent at start, on every improvement, and at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub solver: &'static str,
    /// GPUs in the best plan so far, once there is one.
    pub best_gpus: Option<usize>,
    /// The proven lower bound.
    pub lower_bound: usize,
    pub elapsed_ms: u64,
    pub iterations: u64,
    /// A short description of what the solver is doing.
    pub phase: &'static str,
    /// The best deployment so far, so that an observer can show it, or keep it when it stops
    /// the run from outside (a browser terminating its worker).
    pub best: Option<Deployment>,
}

/// The limits of one run. `None` means no limit of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Budget {
    pub time_limit: Option<Duration>,
    pub max_iterations: Option<u64>,
}

/// Handed to a solver: budget, seed, cancel flag and observer.
pub struct Control<'a> {
    solver: &'static str,
    started: Instant,
    budget: Budget,
    seed: u64,
    iterations: u64,
    cancel: &'a AtomicBool,
    observer: &'a mut dyn FnMut(&Progress),
    best: Option<Deployment>,
    lower_bound: usize,
}

impl<'a> Control<'a> {
    pub fn new(
        solver: &'static str,
        budget: Budget,
        seed: u64,
        cancel: &'a AtomicBool,
        observer: &'a mut dyn FnMut(&Progress),
    ) -> Self {
        Control {
            solver,
            started: Instant::now(),
            budget,
            seed,
            iterations: 0,
            cancel,
            observer,
            best: None,
            lower_bound: 0,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left before the time limit, if there is one.
    pub fn remaining(&self) -> Option<Duration> {
        self.budget.time_limit.map(|t| t.saturating_sub(self.elapsed()))
    }

    pub fn lower_bound(&self) -> usize {
        self.lower_bound
    }

    pub fn best_gpus(&self) -> Option<usize> {
        self.best.as_ref().map(Deployment::gpu_count)
    }

    /// Why the run must stop now, if it must. Solvers call this between steps.
    pub fn stop_reason(&self) -> Option<Termination> {
        if self.cancel.load(Ordering::Relaxed) {
            return Some(Termination::Cancelled);
        }
        if self.best_gpus().is_some_and(|b| b <= self.lower_bound) {
            return Some(Termination::Optimal);
        }
        if self.budget.max_iterations.is_some_and(|m| self.iterations >= m) {
            return Some(Termination::IterationLimit);
        }
        if self.budget.time_limit.is_some_and(|t| self.elapsed() >= t) {
            return Some(Termination::TimeLimit);
        }
        None
    }

    /// Counts one iteration of the solver's main loop.
    pub fn tick(&mut self) {
        self.iterations += 1;
    }

    fn emit(&mut self, phase: &'static str) {
        let progress = Progress {
            solver: self.solver,
            best_gpus: self.best_gpus(),
            lower_bound: self.lower_bound,
            elapsed_ms: self.elapsed().as_millis() as u64,
            iterations: self.iterations,
            phase,
            best: self.best.clone(),
        };
        (self.observer)(&progress);
    }

    /// Tells the observer what the solver is doing.
    pub fn phase(&mut self, phase: &'static str) {
        self.emit(phase);
    }

    /// Records a valid deployment; the observer hears of it when it has fewer GPUs than the
    /// best so far.
    pub fn offer(&mut self, deployment: &Deployment) -> bool {
        if self.best_gpus().is_some_and(|b| b <= deployment.gpu_count()) {
            return false;
        }
        self.best = Some(deployment.clone().normalized());
        self.emit("improved");
        true
    }

    pub fn raise_lower_bound(&mut self, bound: usize) {
        if bound > self.lower_bound {
            self.lower_bound = bound;
            self.emit("bound");
        }
    }
}

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

    fn instantiate(self) -> Box<dyn Solver> {
        match self {
            SolverKind::Auto => Box::new(crate::pipeline::Auto),
            SolverKind::Exact => Box::new(crate::exact::Exact),
            SolverKind::Greedy => Box::new(crate::greedy::Greedy),
            SolverKind::Ga => Box::new(crate::ga::Genetic::default()),
            SolverKind::Mcts => Box::new(crate::mcts::Mcts::default()),
            SolverKind::MigServing => Box::new(crate::pipeline::MigServing::default()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunOptions {
    pub solver: SolverKind,
    pub budget: Budget,
    pub seed: u64,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            solver: SolverKind::Auto,
            budget: Budget { time_limit: Some(Duration::from_secs(10)), max_iterations: None },
            seed: 1,
        }
    }
}

/// Plans `problem` with the chosen solver: computes the lower bound, runs the solver within
/// the budget, and returns its best plan.
pub fn run(problem: &Problem, options: &RunOptions, cancel: &AtomicBool, observer: &mut dyn FnMut(&Progress)) -> Plan {
    let mut solver = options.solver.instantiate();
    let mut ctl = Control::new(solver.name(), options.budget, options.seed, cancel, observer);
    ctl.phase("bounding");
    let relaxation = relax(problem, &ctl);
    ctl.raise_lower_bound(relaxation.lower_bound);
    let result = solver.solve(problem, &relaxation, &mut ctl);
    let deployment = result.deployment.normalized();
    let termination =
        if deployment.gpu_count() <= ctl.lower_bound() { Termination::Optimal } else { result.termination };
    ctl.phase(termination.as_str());
    let info = SolverInfo {
        name: options.solver.name().to_string(),
        seed: options.seed,
        elapsed_ms: ctl.elapsed().as_millis() as u64,
        termination: termination.as_str().to_string(),
    };
    Plan::from_deployment(problem, &deployment, ctl.lower_bound(), info)
}

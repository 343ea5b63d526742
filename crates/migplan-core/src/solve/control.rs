//! What every search runs under: the budget, the seed, the cancel flag, the observer, and the
//! best deployment so far.
//!
//! As in argmin, a solver only knows how to search; the [`Control`] it is handed owns the
//! clock and the decision to stop, and tells the observer about every improvement. No code
//! in `solve/` reads the clock or the cancel flag except through it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::plan::Termination;
use crate::problem::Problem;
use crate::solve::deployment::Deployment;

/// What a run is doing when the observer hears from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Computing the lower bound.
    Bounding,
    /// The bound is known; the solver searches.
    Searching,
    /// A better deployment was found.
    Improved,
    /// The lower bound rose.
    BoundRaised,
    /// The run is over, for this reason.
    Stopped(Termination),
}

/// What an observer hears: sent at start, on every improvement, and at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub solver: &'static str,
    /// GPUs in the best deployment so far, once there is one.
    pub best_gpus: Option<usize>,
    /// What the best deployment so far scores, in the measure the lower bound bounds: its
    /// GPUs for a planner (its cost when priced), the running GPUs it touches for a replan.
    pub best_score: Option<f64>,
    /// The proven lower bound.
    pub lower_bound: usize,
    /// The proven lower bound on cost, for a priced run (a mixed fleet).
    pub lower_cost: Option<f64>,
    pub elapsed_ms: u64,
    pub iterations: u64,
    pub phase: Phase,
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
    best_score: Option<f64>,
    /// A sub-search that only reports to its caller (through its result), never to the observer.
    quiet: bool,
    /// A sub-search's offers only reach the observer when they beat this many GPUs: the
    /// best its parent already holds, so progress never goes backwards.
    to_beat: Option<f64>,
    lower_bound: usize,
    /// For a priced problem (a mixed fleet, or nodes priced): the problem whose prices
    /// measure a deployment, and the proven bound on cost. Plans are then compared by cost,
    /// not by GPUs.
    pricing: Option<(&'a Problem, f64)>,
}

/// Cost differences below this are round-off.
const COST_TOLERANCE: f64 = 1e-9;

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
            best_score: None,
            quiet: false,
            to_beat: None,
            lower_bound: 0,
            pricing: None,
        }
    }

    /// A control for a sub-search with `share` of what is left of this one's budget, the
    /// same clock, seed, bound, cancel flag and observer, and no best deployment of its own
    /// yet (the observer only hears of deployments better than this one's best): for a
    /// solver that runs another one before its own search. Its iterations count in its own
    /// budget only.
    pub fn child(&mut self, share: f64) -> Control<'_> {
        let budget = Budget {
            time_limit: self.remaining().map(|t| self.elapsed() + t.mul_f64(share)),
            max_iterations: self
                .budget
                .max_iterations
                .map(|m| (m.saturating_sub(self.iterations) as f64 * share) as u64),
        };
        let to_beat = self.best_score.into_iter().chain(self.to_beat).min_by(f64::total_cmp);
        Control {
            solver: self.solver,
            started: self.started,
            budget,
            seed: self.seed,
            iterations: 0,
            cancel: self.cancel,
            observer: &mut *self.observer,
            best: None,
            best_score: None,
            quiet: self.quiet,
            to_beat,
            lower_bound: self.lower_bound,
            pricing: self.pricing,
        }
    }

    /// Compares deployments by what they cost in `problem` from now on, with `lower_cost`
    /// proven.
    pub fn price(&mut self, problem: &'a Problem, lower_cost: f64) {
        self.pricing = Some((problem, lower_cost));
    }

    /// What a deployment is judged by: its cost when the run is priced, else its GPUs.
    pub fn measure(&self, deployment: &Deployment) -> f64 {
        match self.pricing {
            Some((problem, _)) => deployment.cost(problem),
            None => deployment.gpu_count() as f64,
        }
    }

    /// True when `deployment` meets the proven bound.
    pub fn meets_bound(&self, deployment: &Deployment) -> bool {
        self.score_meets_bound(self.measure(deployment))
    }

    fn score_meets_bound(&self, score: f64) -> bool {
        match self.pricing {
            Some((_, lower)) => score <= lower + COST_TOLERANCE * lower.max(1.0),
            None => score <= self.lower_bound as f64 + COST_TOLERANCE,
        }
    }

    /// A control for a search of another problem inside this one (a replan's residual
    /// demand): `share` of what is left of the budget, the same clock, seed and cancel flag,
    /// but its own bound and nothing reported to the observer, whose measure it does not share.
    pub fn quiet_child(&mut self, share: f64) -> Control<'_> {
        let mut child = self.child(share);
        (child.quiet, child.to_beat, child.lower_bound) = (true, None, 0);
        child
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
        if self.best_score.is_some_and(|score| self.score_meets_bound(score)) {
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

    /// True when the run is cancelled or past its time limit: what long inner loops check, so
    /// that they finish their work quickly instead (an iteration budget only counts the main
    /// loop, which checks [`Control::stop_reason`]).
    pub fn out_of_time(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.budget.time_limit.is_some_and(|t| self.elapsed() >= t)
    }

    /// Counts one iteration of the solver's main loop.
    pub fn tick(&mut self) {
        self.iterations += 1;
    }

    /// Tells the observer what the run is doing.
    pub fn report(&mut self, phase: Phase) {
        if self.quiet {
            return;
        }
        let progress = Progress {
            solver: self.solver,
            best_gpus: self.best_gpus(),
            best_score: self.best_score,
            lower_bound: self.lower_bound,
            lower_cost: self.lower_cost(),
            elapsed_ms: self.elapsed().as_millis() as u64,
            iterations: self.iterations,
            phase,
            best: self.best.clone(),
        };
        (self.observer)(&progress);
    }

    /// Records a valid deployment; the observer hears of it when it has fewer GPUs (costs
    /// less, when priced) than the best so far.
    pub fn offer(&mut self, deployment: &Deployment) -> bool {
        self.offer_scored(deployment, self.measure(deployment))
    }

    /// Records a valid deployment that scores `score` in the measure the lower bound bounds
    /// (lower is better: GPUs, cost when priced, running GPUs touched for a replan); the
    /// observer hears of it when it beats the best so far.
    pub fn offer_scored(&mut self, deployment: &Deployment, score: f64) -> bool {
        if self.best_score.is_some_and(|b| b <= score + COST_TOLERANCE) {
            return false;
        }
        self.best = Some(deployment.clone().normalized());
        self.best_score = Some(score);
        if self.to_beat.is_none_or(|b| score < b - COST_TOLERANCE) {
            self.report(Phase::Improved);
        }
        true
    }

    /// The proven bound on cost, for a priced run.
    pub fn lower_cost(&self) -> Option<f64> {
        self.pricing.map(|(_, lower)| lower)
    }

    /// Raises the proven bound on cost of a priced run (a no-op on one that is not).
    pub fn raise_lower_cost(&mut self, lower_cost: f64) {
        if let Some((problem, _)) = self.pricing.filter(|&(_, lower)| lower_cost > lower) {
            self.pricing = Some((problem, lower_cost));
            self.report(Phase::BoundRaised);
        }
    }

    pub fn raise_lower_bound(&mut self, bound: usize) {
        if bound > self.lower_bound {
            self.lower_bound = bound;
            self.report(Phase::BoundRaised);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::deployment::GpuConfig;

    fn gpus(n: usize) -> Deployment {
        Deployment { gpus: vec![GpuConfig { layout: 0, models: vec![Some(0)] }; n] }
    }

    #[test]
    fn offers_are_kept_by_their_score_and_a_quiet_child_reports_nothing() {
        let cancel = AtomicBool::new(false);
        let mut heard: Vec<(Option<usize>, Option<f64>)> = Vec::new();
        let mut observer = |p: &Progress| {
            if p.phase == Phase::Improved {
                heard.push((p.best_gpus, p.best_score));
            }
        };
        let mut ctl = Control::new("test", Budget::default(), 1, &cancel, &mut observer);
        // Scored by something else than GPUs: more GPUs may still be better.
        assert!(ctl.offer_scored(&gpus(3), 5.0));
        assert!(ctl.offer_scored(&gpus(4), 2.0));
        assert!(!ctl.offer_scored(&gpus(1), 2.0), "not better in its own measure");
        {
            let mut quiet = ctl.quiet_child(0.5);
            assert_eq!(quiet.lower_bound(), 0);
            assert!(quiet.offer(&gpus(1)));
            quiet.raise_lower_bound(1);
            assert_eq!(quiet.stop_reason(), Some(Termination::Optimal));
        }
        ctl.raise_lower_bound(2);
        assert_eq!(ctl.stop_reason(), Some(Termination::Optimal), "the best score meets the bound");
        drop(ctl);
        assert_eq!(heard, vec![(Some(3), Some(5.0)), (Some(4), Some(2.0))]);
    }
}

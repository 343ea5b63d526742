//! Replanning new demand so that a move touches the fewest running GPUs, with a proof of how
//! few suffice.
//!
//! Reconfiguring a GPU drains its pods, so what a move costs is the running GPUs it touches.
//! Given a budget of `N` GPUs, a replan keeps a set `K` of running GPUs as they are (same
//! layout, same model per instance, serving what those instances give under the new
//! demand) and covers the rest of the demand with at most `N - |K|` new GPUs.
//!
//! **Families.** At profile prices under which every layout costs at most one GPU, a new GPU
//! costs at least its instances' prices, so every `K` that fits has
//! `|K| + sum_s C_s(rate_s - kept_s(K)) <= N`, where `C_s(r)` is model `s`'s cheapest integer
//! cover of rate `r` (`costs`). The new demand's relaxation gives the first prices; a
//! residual shown too big gives the prices that prove it, another constraint.
//!
//! **Search** (`search`). A local search over kept sets under those constraints, cheap
//! since one GPU changes only the models it serves; a set larger than the best plan's is
//! checked by planning its residual exactly (`situation`).
//!
//! **Bound** (`lagrange`, `prove`). A Lagrangian relaxation of the kept set, each
//! model's part solved exactly (`part`), bounds the most GPUs that can stay; a branch and
//! bound on single GPUs, each part bounded the same way, closes what is left of the gap. The
//! search and the bound share a [`Control`], which measures plans by running GPUs touched.

mod costs;
mod lagrange;
mod part;
mod prove;
mod search;
mod situation;
#[cfg(test)]
mod tests;

use crate::plan::Termination;
use crate::solve::control::{Control, Phase};
use crate::solve::deployment::Deployment;
use crate::solve::registry::SolverKind;
use crate::solve::relaxation::{relax, Relaxation};
use costs::{Costs, Holders};
use lagrange::{Descent, Multipliers};
use prove::Prover;
use search::{Ground, Local};
use situation::Best;
pub use situation::Situation;

/// The share of the budget the plan from scratch may take (it sets the optimum `N`).
const SCRATCH_SHARE: f64 = 0.3;
/// Local search rounds and bound steps per turn while both still move.
const LOCAL_ROUNDS: usize = 20;
const BOUND_STEPS: usize = 30;
/// Local search rounds without a better plan after which it counts as settled.
const SETTLED_ROUNDS: usize = 200;

/// The new demand, the running plan seen in its terms, and the plan from scratch: what every
/// replan of one move shares, whatever its GPU budget.
pub struct Replanner {
    pub situation: Situation,
    /// The new demand's relaxation: its bound on GPUs and the prices the first family uses.
    pub relaxation: Relaxation,
    /// The best plan of the new demand from scratch: its GPU count is the optimum `N`.
    pub scratch: Deployment,
    holders: Holders,
    /// The families of constraints found so far: every budget shares them.
    costs: Costs,
    /// The bound's descent with nothing decided; its multipliers start the next budget's.
    root: Descent,
}

/// A replan's answer for one GPU budget.
#[derive(Debug, Clone)]
pub struct Replanned {
    pub deployment: Deployment,
    /// Running GPUs the move to `deployment` touches (changed or removed).
    pub touched: usize,
    /// No plan within the budget touches fewer.
    pub touched_lower_bound: usize,
    pub gpu_budget: usize,
    pub termination: Termination,
}

impl Replanner {
    /// Bounds the new demand and plans it from scratch with `scratch`.
    pub fn new(situation: Situation, scratch: SolverKind, ctl: &mut Control) -> Replanner {
        let own = situation.own();
        ctl.report(Phase::Bounding);
        let relaxation = relax(&own, ctl);
        ctl.report(Phase::Searching);
        // Not quiet: its plans are moves too, streamed while the optimum is being found.
        let mut child = ctl.child(SCRATCH_SHARE);
        child.raise_lower_bound(relaxation.lower_bound);
        let scratch = scratch.instantiate().solve(&own, &relaxation, &mut child).deployment.normalized();
        let holders = Holders::new(&situation.problem, &situation.running);
        let costs = Costs::new(own, relaxation.prices.clone());
        let root = Descent::new(Multipliers::new(&holders, costs.families()));
        Replanner { situation, relaxation, scratch, holders, costs, root }
    }

    /// The plan of at most `gpu_budget` GPUs touching the fewest running GPUs found within
    /// `ctl`'s budget, among those `accept` takes, and the proven bound (which holds for every
    /// plan within the budget). `start` (a plan within the budget, say the answer for a
    /// smaller one) is a candidate, so more GPUs never touch more. Without a plan `accept`
    /// takes, the answer is the plan from scratch.
    pub fn solve(
        &mut self,
        gpu_budget: usize,
        start: Option<&Deployment>,
        accept: &mut dyn FnMut(&Deployment) -> bool,
        ctl: &mut Control,
    ) -> Replanned {
        let situation = &self.situation;
        let running = situation.running.len();
        let mut best = Best::none(self.scratch.clone(), running);
        let mut bound = situation.never_kept().max(running.saturating_sub(gpu_budget));
        ctl.raise_lower_bound(bound);
        self.root.rebudget();
        let mut ground =
            Ground { situation, holders: &self.holders, costs: &mut self.costs, budget: gpu_budget, accept };
        for candidate in [Some(&self.scratch), start].into_iter().flatten() {
            ground.consider(candidate.clone(), ctl, &mut best);
        }
        // Everything that can stay, first: when it fits, nothing touches fewer.
        if best.touched > bound {
            let all: Vec<usize> = (0..running).filter(|&r| ground.holders.keepable[r]).collect();
            ground.check(&all, ctl, &mut best);
        }
        // The local search and the bound in turns, until both settle...
        let mut local = Local::new(&mut ground, &best, ctl.seed());
        let nothing_decided = vec![None; running];
        while best.touched > bound && ctl.stop_reason().is_none() && !(local.idle > SETTLED_ROUNDS && self.root.spent())
        {
            ctl.tick();
            for _ in 0..LOCAL_ROUNDS {
                if ctl.out_of_time() {
                    break;
                }
                local.round(&mut ground, ctl, &mut best);
            }
            self.root.grow(ground.costs.families());
            for _ in 0..BOUND_STEPS {
                if ctl.out_of_time() {
                    break;
                }
                self.root.step(ground.holders, ground.costs, gpu_budget, &nothing_decided, best.fitting);
            }
            bound = bound.max(running - self.root.most_kept().min(running));
            ctl.raise_lower_bound(bound);
            if self.root.settled() && !self.root.spent() {
                self.root.restart();
            }
        }
        // ...then branching on single GPUs, for what is left of the gap.
        let mut prover = Prover::new(ground.holders, self.root.best, self.root.at_best.clone());
        while best.touched > bound && ctl.stop_reason().is_none() {
            ctl.tick();
            prover.step(&mut ground, ctl, &mut best);
            local.round(&mut ground, ctl, &mut best);
            bound = bound.max(running - prover.most_kept(best.fitting).min(running));
            ctl.raise_lower_bound(bound);
        }
        let touched = best.touched.min(situation.touched(&best.deployment));
        self.answer(best.deployment, touched, bound, gpu_budget, ctl)
    }

    fn answer(&self, best: Deployment, touched: usize, bound: usize, gpu_budget: usize, ctl: &Control) -> Replanned {
        let termination =
            if touched <= bound { Termination::Optimal } else { ctl.stop_reason().unwrap_or(Termination::Finished) };
        Replanned { deployment: best, touched, touched_lower_bound: bound, gpu_budget, termination }
    }
}

//! Replanning new demand so that a move touches the fewest running GPUs, with a proof of how
//! few suffice. (This file is longer than 350 lines: the search and its stop rules read best
//! in one piece; the bound is in `replan/bound.rs`.)
//!
//! Reconfiguring a GPU drains its pods, so what a move costs is the running GPUs it touches.
//! Given a budget of `N` GPUs, a replan keeps as many running GPUs as they are (same layout,
//! same model per instance, serving what those instances give under the new demand) and
//! covers the rest of the demand with at most `N - kept` new GPUs of layout columns.
//!
//! **Bound.** Take profile prices at which every layout costs at most one GPU (the
//! relaxation's). A new GPU costs at least its instances' prices, so the new GPUs cost at
//! least `sum_s C_s(residual_s)`, where `C_s(r)` is model `s`'s cheapest integer cover of
//! rate `r`: every plan keeping the set `K` within `N` GPUs has
//! `|K| + sum_s C_s(residual_s(K)) <= N`. Two lower bounds on `C_s(residual_s(K))` are
//! linear in which GPUs stay: `C_s(rate_s) - P_s(K)` (kept instances, at prices `P_s(K)`,
//! cover what they keep), and the lines of a convex function below the step function
//! `C_s(rate_s - x)` of the capacity `x` kept ([`bound`]). The most running GPUs that can
//! stay under those lines (an LP, or an integer model with whole GPUs) bounds the kept GPUs
//! from above, so the running GPUs touched from below. Any prices proving a bound will do,
//! so the model takes the lines of several.
//!
//! **Search.** Keep the running GPUs in the order the LP prefers them, as many as fit (by
//! bisection on that order, each candidate's residual planned exactly), then try adding
//! each left-out GPU back. The plan from scratch is a candidate too. Then the integer model:
//! its best set either fits (then it is optimal) or is cut off, by the lines at the prices
//! that prove its residual too big and by excluding the set itself, and solved again, until
//! the search meets the bound or the budget ends. Anytime under [`Control`], which measures
//! candidates by running GPUs touched.

use std::collections::HashMap;

mod bound;

use crate::hardware::layouts::{Layout, Placement};
use crate::plan::{Plan, Termination};
use crate::problem::{covers, Model, Problem};
use crate::solve::control::{Control, Phase};
use crate::solve::deployment::{served, Deployment, GpuConfig};
use crate::solve::exact::Exact;
use crate::solve::executor::Solver;
use crate::solve::registry::SolverKind;
use crate::solve::relaxation::{relax, Relaxation};
use crate::sorting;
use bound::{family, most_kept, Cuts};

/// The share of the budget the plan from scratch may take (it sets the optimum `N`).
const SCRATCH_SHARE: f64 = 0.3;
/// The share of what is left that one residual plan may take.
const RESIDUAL_SHARE: f64 = 0.25;
/// The share of what is left that the compact integer model may take.
const INTEGER_SHARE: f64 = 0.8;
/// The share of what is left that swapping kept GPUs for others may take.
const SWAP_SHARE: f64 = 0.5;

/// The new demand, the running plan seen in its terms, and the plan from scratch: what every
/// replan of one move shares, whatever its GPU budget.
pub struct Replanner {
    /// The new demand, with the running GPUs' layouts added where they are not maximal ones;
    /// the problem's own layouts come first, with their indexes.
    pub problem: Problem,
    /// Per running GPU, its configuration, or `None` when it cannot stay as it is (a model
    /// it serves is gone, or no longer fits that instance within its SLO).
    pub running: Vec<Option<GpuConfig>>,
    /// The new demand's relaxation: its bound on GPUs and the prices the touched bound uses.
    pub relaxation: Relaxation,
    /// The best plan of the new demand from scratch: its GPU count is the optimum `N`.
    pub scratch: Deployment,
    /// Layouts of the new demand's own problem (the residual's columns).
    own_layouts: usize,
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

/// The running plan read in terms of the new demand.
pub struct Running {
    /// The new demand's problem with the running GPUs' layouts that are not among its own
    /// added after them.
    pub problem: Problem,
    /// Per running GPU, its configuration, or `None` when it cannot stay as it is.
    pub configs: Vec<Option<GpuConfig>>,
    own_layouts: usize,
}

impl Running {
    pub fn read(problem: &Problem, from: &Plan) -> Running {
        let own_layouts = problem.layouts.len();
        let mut problem = problem.clone();
        let configs = from.gpus.iter().map(|g| running_config(&mut problem, g)).collect();
        Running { problem, configs, own_layouts }
    }
}

impl Replanner {
    /// Bounds the new demand and plans it from scratch with `scratch`.
    pub fn new(running: Running, scratch: SolverKind, ctl: &mut Control) -> Replanner {
        let Running { problem, configs: running, own_layouts } = running;
        let own = Problem { layouts: problem.layouts[..own_layouts].to_vec(), ..problem.clone() };
        ctl.report(Phase::Bounding);
        let relaxation = relax(&own, ctl);
        ctl.report(Phase::Searching);
        // Not quiet: its plans are moves too, streamed while the optimum is being found.
        let mut child = ctl.child(SCRATCH_SHARE);
        child.raise_lower_bound(relaxation.lower_bound);
        let scratch = scratch.instantiate().solve(&own, &relaxation, &mut child).deployment.normalized();
        Replanner { problem, running, relaxation, scratch, own_layouts }
    }

    /// Running GPUs that can never stay: no budget keeps them.
    pub fn never_kept(&self) -> usize {
        self.running.iter().filter(|c| c.is_none()).count()
    }

    /// Running GPUs a move to `deployment` touches: those no GPU of it is identical to.
    pub fn touched(&self, deployment: &Deployment) -> usize {
        let mut offered: HashMap<&GpuConfig, usize> = HashMap::new();
        for g in &deployment.gpus {
            *offered.entry(g).or_default() += 1;
        }
        let kept = self
            .running
            .iter()
            .flatten()
            .filter(|c| {
                offered.get_mut(c).is_some_and(|n| {
                    *n > 0 && {
                        *n -= 1;
                        true
                    }
                })
            })
            .count();
        self.running.len() - kept
    }

    /// The plan of at most `gpu_budget` GPUs touching the fewest running GPUs found within
    /// `ctl`'s budget, and the proven bound. `start` (a plan within the budget, say the
    /// answer for a smaller one) is a candidate, so more GPUs never touch more.
    pub fn solve(&self, gpu_budget: usize, start: Option<&Deployment>, ctl: &mut Control) -> Replanned {
        let mut best = self.scratch.clone();
        let mut best_touched = self.touched(&best);
        let consider = |d: Deployment, ctl: &mut Control, best: &mut Deployment, best_touched: &mut usize| {
            let d = d.normalized();
            let t = self.touched(&d);
            if d.gpu_count() <= gpu_budget && t < *best_touched {
                ctl.offer_scored(&d, t as f64);
                (*best, *best_touched) = (d, t);
            }
        };
        ctl.offer_scored(&best, best_touched as f64);
        if let Some(s) = start {
            consider(s.clone(), ctl, &mut best, &mut best_touched);
        }
        let mut cuts = Cuts {
            families: vec![family(&self.problem, &self.running, &self.relaxation.prices)],
            excluded: Vec::new(),
        };
        let mut bound = self.never_kept().max(self.running.len().saturating_sub(gpu_budget));
        let Some((lp_kept, preference)) = most_kept(&self.running, gpu_budget, &cuts, false, None) else {
            return self.answer(best, best_touched, bound, gpu_budget, ctl);
        };
        bound = bound.max(self.running.len().saturating_sub(lp_kept));
        ctl.raise_lower_bound(bound);
        // Running GPUs in the order the LP keeps them, the most wholly kept first.
        let mut order: Vec<usize> = (0..self.running.len()).filter(|&r| self.running[r].is_some()).collect();
        sorting::sort_by(&mut order, |&a, &b| preference[b].total_cmp(&preference[a]).then(a.cmp(&b)));
        let most = self.running.len() - bound;
        // Bisection on how long a prefix of that order stays: fits(lo) holds, fits(hi) fails.
        let (mut lo, mut hi) = (0, order.len().min(most) + 1);
        let mut kept: Vec<usize> = Vec::new();
        while hi - lo > 1 && ctl.stop_reason().is_none() {
            let mid = (lo + hi) / 2;
            match self.keep(&order[..mid], gpu_budget, ctl) {
                Ok(d) => {
                    consider(d, ctl, &mut best, &mut best_touched);
                    (lo, kept) = (mid, order[..mid].to_vec());
                }
                Err(_) => hi = mid,
            }
        }
        // Then each left-out GPU, once, in the same order.
        let (grown, found) = self.add_each(kept, &order, None, most, gpu_budget, ctl);
        kept = grown;
        if let Some(d) = found {
            consider(d, ctl, &mut best, &mut best_touched);
        }
        // Then one out for more in: drop a kept GPU (the LP's least wanted first) and add
        // back what fits, within a share of the time; a larger set replaces the kept one.
        {
            let mut swaps = ctl.child(SWAP_SHARE);
            for &out in order.iter().rev() {
                if swaps.stop_reason().is_some() || best_touched <= bound || kept.len() >= most {
                    break;
                }
                if !kept.contains(&out) {
                    continue;
                }
                let fewer: Vec<usize> = kept.iter().copied().filter(|&r| r != out).collect();
                let (grown, found) = self.add_each(fewer, &order, Some(out), most, gpu_budget, &mut swaps);
                if let Some(d) = found.filter(|_| grown.len() > kept.len()) {
                    consider(d, &mut swaps, &mut best, &mut best_touched);
                    kept = grown;
                }
            }
        }
        ctl.offer_scored(&best, best_touched as f64);
        // Then the bound's model with whole GPUs: its best set either fits (and is optimal)
        // or is cut off, by the prices that prove its residual too big and by itself. A set
        // whose residual the exact planner only failed to fit (no proof) is cut off too, so
        // that others are tried, but the model's optimum then bounds nothing any more.
        let mut unproven_exclusions = 0;
        while best_touched > bound && ctl.stop_reason().is_none() {
            ctl.tick();
            let limit = ctl.remaining().map(|t| t.mul_f64(INTEGER_SHARE));
            let Some((most_kept, values)) = most_kept(&self.running, gpu_budget, &cuts, true, limit) else { break };
            if unproven_exclusions == 0 {
                bound = bound.max(self.running.len().saturating_sub(most_kept));
                ctl.raise_lower_bound(bound);
            }
            let chosen: Vec<usize> = (0..values.len()).filter(|&r| values[r] > 0.5).collect();
            if chosen.len() <= self.running.len() - best_touched {
                break;
            }
            match self.keep(&chosen, gpu_budget, ctl) {
                Ok(d) => consider(d, ctl, &mut best, &mut best_touched),
                Err(prices) => {
                    match prices {
                        Some(prices) => cuts.families.push(family(&self.problem, &self.running, &prices)),
                        None => unproven_exclusions += 1,
                    }
                    cuts.excluded.push(chosen);
                }
            }
        }
        self.answer(best, best_touched, bound, gpu_budget, ctl)
    }

    /// `kept` with each GPU of `order` but `skip` added in turn where the rest still fits,
    /// and the plan of the last set that did.
    fn add_each(
        &self,
        mut kept: Vec<usize>,
        order: &[usize],
        skip: Option<usize>,
        most: usize,
        gpu_budget: usize,
        ctl: &mut Control,
    ) -> (Vec<usize>, Option<Deployment>) {
        let mut found = None;
        for &r in order {
            if ctl.stop_reason().is_some() || kept.len() >= most {
                break;
            }
            if kept.contains(&r) || Some(r) == skip {
                continue;
            }
            ctl.tick();
            let mut more = kept.clone();
            more.push(r);
            if let Ok(d) = self.keep(&more, gpu_budget, ctl) {
                found = Some(d);
                kept = more;
            }
        }
        (kept, found)
    }

    fn answer(&self, best: Deployment, touched: usize, bound: usize, gpu_budget: usize, ctl: &Control) -> Replanned {
        let termination =
            if touched <= bound { Termination::Optimal } else { ctl.stop_reason().unwrap_or(Termination::Finished) };
        Replanned { deployment: best, touched, touched_lower_bound: bound, gpu_budget, termination }
    }

    /// The running GPUs `kept` (indexes), with the rest of the demand planned exactly on new
    /// GPUs, if that fits in `gpu_budget` GPUs; else the prices that prove the rest needs
    /// more GPUs than are left, when its bound does.
    fn keep(&self, kept: &[usize], gpu_budget: usize, ctl: &mut Control) -> Result<Deployment, Option<Vec<f64>>> {
        let mut gpus: Vec<GpuConfig> = kept.iter().filter_map(|&r| self.running[r].clone()).collect();
        let room = gpu_budget.checked_sub(gpus.len()).ok_or(None)?;
        let have = served(&self.problem, &gpus);
        let short: Vec<usize> =
            (0..self.problem.models.len()).filter(|&s| !covers(have[s], self.problem.models[s].rate)).collect();
        if short.is_empty() {
            return Ok(Deployment { gpus });
        }
        let residual = Problem {
            gpu: self.problem.gpu.clone(),
            models: short
                .iter()
                .map(|&s| Model { rate: self.problem.models[s].rate - have[s], ..self.problem.models[s].clone() })
                .collect(),
            capacity: short.iter().map(|&s| self.problem.capacity[s].clone()).collect(),
            usable_profiles: self.problem.usable_profiles.clone(),
            layouts: self.problem.layouts[..self.own_layouts].to_vec(),
            types: self.problem.types.clone(),
            layout_type: vec![0; self.own_layouts],
            node_price: None,
        };
        let mut child = ctl.quiet_child(RESIDUAL_SHARE);
        let relaxation = relax(&residual, &child);
        if relaxation.lower_bound > room {
            return Err(Some(relaxation.prices));
        }
        // Only fitting in the room matters: the search stops at the first plan that does
        // (the child is quiet, so this target is never reported as a bound).
        child.raise_lower_bound(room.max(relaxation.lower_bound));
        let added = Exact.solve(&residual, &relaxation, &mut child).deployment.normalized();
        if added.gpu_count() > room {
            return Err(None);
        }
        for mut g in added.gpus {
            g.models.iter_mut().for_each(|s| *s = s.map(|s| short[s]));
            gpus.push(g);
        }
        Ok(Deployment { gpus })
    }
}

/// A running GPU as a configuration of `problem` (whose layouts gain its layout when it is
/// not one of them), or `None` when it cannot stay as it is under the new demand.
fn running_config(problem: &mut Problem, g: &crate::plan::PlanGpu) -> Option<GpuConfig> {
    let mut placed: Vec<(Placement, Option<usize>)> = Vec::with_capacity(g.instances.len());
    for i in &g.instances {
        let profile = problem.gpu.profile(&i.profile)?;
        let model = match &i.model {
            None => None,
            Some(name) => {
                let s = problem.models.iter().position(|m| &m.name == name)?;
                problem.capacity[s][profile]?;
                Some(s)
            }
        };
        placed.push((Placement { profile, start: i.start }, model));
    }
    sorting::sort_by_key(&mut placed, |(p, _)| (p.start, p.profile));
    let same = |l: &Layout| {
        l.placements.len() == placed.len()
            && l.placements.iter().zip(&placed).all(|(a, (b, _))| a.profile == b.profile && a.start == b.start)
    };
    let layout = match problem.layouts.iter().position(same) {
        Some(l) => l,
        None => {
            let mut counts = vec![0u32; problem.gpu.profiles.len()];
            placed.iter().for_each(|(p, _)| counts[p.profile] += 1);
            problem.layouts.push(Layout { placements: placed.iter().map(|(p, _)| *p).collect(), counts });
            problem.layout_type.push(0);
            problem.layouts.len() - 1
        }
    };
    Some(GpuConfig { layout, models: placed.into_iter().map(|(_, m)| m).collect() })
}

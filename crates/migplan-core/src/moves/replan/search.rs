//! A set of running GPUs to keep, judged by the families' constraints ([`super::costs`]):
//! cheap to change one GPU at a time, since only the models that GPU serves change cost.
//! A set within every family's constraint may still not fit (the families are lower bounds);
//! the replanner then plans its residual exactly, and a residual too big brings a new family.

use std::collections::HashSet;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::costs::{Costs, Holders};
use super::situation::{Best, Situation};
use crate::solve::control::Control;
use crate::solve::deployment::Deployment;

/// What the searches read, the families they may add to, and who says whether a plan may
/// be the answer.
pub struct Ground<'a> {
    pub situation: &'a Situation,
    pub holders: &'a Holders,
    pub costs: &'a mut Costs,
    pub budget: usize,
    /// Whether a plan within the budget that touches fewer running GPUs may be taken (its
    /// move may need more spare GPUs than allowed, say).
    pub accept: &'a mut dyn FnMut(&Deployment) -> bool,
}

impl Ground<'_> {
    /// Takes `d` as the best when it fits the budget, touches fewer running GPUs and is
    /// accepted.
    pub fn consider(&mut self, d: Deployment, ctl: &mut Control, best: &mut Best) {
        let d = d.normalized();
        if d.gpu_count() > self.budget {
            return;
        }
        let touched = self.situation.touched(&d);
        best.fitting = best.fitting.max(self.situation.running.len() - touched);
        if touched < best.touched && (self.accept)(&d) {
            ctl.offer_scored(&d, touched as f64);
            (best.deployment, best.touched) = (d, touched);
        }
    }

    /// Plans the residual of keeping `set`; a plan that fits is considered, and the prices
    /// proving a residual too big are added as a family (true when they are new).
    pub fn check(&mut self, set: &[usize], ctl: &mut Control, best: &mut Best) -> bool {
        match self.situation.keep(set, self.budget, ctl) {
            Ok(d) => {
                self.consider(d, ctl, best);
                false
            }
            Err(Some(prices)) => self.costs.add_family(prices),
            Err(None) => false,
        }
    }
}

/// A local search over kept sets: let a GPU left out in, some GPUs serving the same models
/// out, and fill again; a set larger than the best plan's is checked by planning its residual.
pub struct Local {
    current: KeptSet,
    rng: ChaCha8Rng,
    tried: HashSet<Vec<usize>>,
    /// Rounds since the best plan last improved.
    pub idle: usize,
}

impl Local {
    /// Starts from the better of two sets: every GPU that can stay, less the ones whose
    /// going frees the most until the rest fits, and the best plan's kept GPUs, filled.
    pub fn new(ground: &mut Ground, best: &Best, seed: u64) -> Local {
        let (holders, budget) = (ground.holders, ground.budget);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let all: Vec<usize> = (0..holders.keepable.len()).filter(|&r| holders.keepable[r]).collect();
        let mut current = KeptSet::new(holders, ground.costs, &all);
        current.repair(holders, ground.costs, budget);
        current.fill(holders, ground.costs, budget, &mut rng, 0.0);
        let mut from_best = KeptSet::new(holders, ground.costs, &ground.situation.kept_by(&best.deployment));
        from_best.repair(holders, ground.costs, budget);
        from_best.fill(holders, ground.costs, budget, &mut rng, 0.0);
        if from_best.count > current.count {
            current = from_best;
        }
        Local { current, rng, tried: HashSet::new(), idle: 0 }
    }

    /// One round: checks the current set when it beats the best plan, else perturbs it.
    /// Returns true when a new family was found.
    pub fn round(&mut self, ground: &mut Ground, ctl: &mut Control, best: &mut Best) -> bool {
        let (holders, budget) = (ground.holders, ground.budget);
        self.idle += 1;
        self.current.repair(holders, ground.costs, budget);
        if self.current.count > ground.situation.running.len() - best.touched {
            let set = self.current.list();
            if self.tried.insert(set.clone()) {
                let before = best.touched;
                let new_family = ground.check(&set, ctl, best);
                if best.touched < before {
                    self.idle = 0;
                }
                if new_family {
                    self.current.refresh(holders, ground.costs);
                }
                return new_family;
            }
        }
        let out: Vec<usize> =
            (0..holders.keepable.len()).filter(|&r| holders.keepable[r] && !self.current.kept[r]).collect();
        let Some(&g) = out.get(self.rng.random_range(0..out.len().max(1))) else { return false };
        let saved = self.current.clone();
        if self.rng.random_bool(0.5) {
            // Some GPUs serving the same models out, the one left out in.
            for q in neighbours(holders, g) {
                if self.current.kept[q] && self.rng.random_bool(0.5) {
                    self.current.toggle(holders, ground.costs, q);
                }
            }
            self.current.toggle(holders, ground.costs, g);
        } else {
            // A few left out in, then out again those whose going frees the most.
            for _ in 0..self.rng.random_range(1..=PERTURB_MOST.min(out.len())) {
                let r = out[self.rng.random_range(0..out.len())];
                if !self.current.kept[r] {
                    self.current.toggle(holders, ground.costs, r);
                }
            }
        }
        self.current.repair(holders, ground.costs, budget);
        self.current.fill(holders, ground.costs, budget, &mut self.rng, PERTURB_NOISE);
        if self.current.count < saved.count {
            self.current = saved;
        }
        false
    }
}

/// Random slack added to each candidate's when filling, so that rounds try other sets.
const PERTURB_NOISE: f64 = 0.05;
/// The most GPUs left out that one round lets in at once.
const PERTURB_MOST: usize = 8;

/// Round-off allowed in the families' sums.
const TOLERANCE: f64 = 1e-7;

/// Running GPUs kept, with what the rest of the demand costs under each family.
#[derive(Clone)]
pub struct KeptSet {
    pub kept: Vec<bool>,
    pub count: usize,
    /// Per family and model: what new GPUs must spend on the model.
    part: Vec<Vec<f64>>,
    /// Per family: the sum of `part`.
    total: Vec<f64>,
}

impl KeptSet {
    pub fn new(holders: &Holders, costs: &mut Costs, set: &[usize]) -> KeptSet {
        let mut kept = vec![false; holders.keepable.len()];
        set.iter().filter(|&&r| holders.keepable[r]).for_each(|&r| kept[r] = true);
        let count = kept.iter().filter(|&&k| k).count();
        let mut k = KeptSet { kept, count, part: Vec::new(), total: Vec::new() };
        k.refresh(holders, costs);
        k
    }

    /// Recomputes every family's costs (after a family was added).
    pub fn refresh(&mut self, holders: &Holders, costs: &mut Costs) {
        let models = holders.of_model.len();
        self.part = (0..costs.families())
            .map(|j| (0..models).map(|s| costs.cost(j, s, holders.kept_capacity(s, &self.kept))).collect())
            .collect();
        self.total = self.part.iter().map(|p| p.iter().sum()).collect();
    }

    pub fn list(&self) -> Vec<usize> {
        (0..self.kept.len()).filter(|&r| self.kept[r]).collect()
    }

    /// GPUs the budget leaves once the set and the rest of the demand (at the tightest
    /// family) are paid for: negative when the set cannot fit.
    pub fn slack(&self, budget: usize) -> f64 {
        budget as f64 - self.count as f64 - self.total.iter().copied().fold(0.0, f64::max)
    }

    /// The slack once GPU `r` is kept (or no longer kept, when it is).
    pub fn slack_toggled(&mut self, holders: &Holders, costs: &mut Costs, budget: usize, r: usize) -> f64 {
        self.kept[r] = !self.kept[r];
        let count = if self.kept[r] { self.count + 1 } else { self.count - 1 };
        let mut worst = 0.0f64;
        for j in 0..self.total.len() {
            let mut total = self.total[j];
            for &(s, _) in &holders.of_gpu[r] {
                total += costs.cost(j, s, holders.kept_capacity(s, &self.kept)) - self.part[j][s];
            }
            worst = worst.max(total);
        }
        self.kept[r] = !self.kept[r];
        budget as f64 - count as f64 - worst
    }

    pub fn toggle(&mut self, holders: &Holders, costs: &mut Costs, r: usize) {
        self.kept[r] = !self.kept[r];
        if self.kept[r] {
            self.count += 1;
        } else {
            self.count -= 1;
        }
        for j in 0..self.total.len() {
            for &(s, _) in &holders.of_gpu[r] {
                let now = costs.cost(j, s, holders.kept_capacity(s, &self.kept));
                self.total[j] += now - self.part[j][s];
                self.part[j][s] = now;
            }
        }
    }

    /// Drops the kept GPU whose going frees the most until the set fits every family.
    pub fn repair(&mut self, holders: &Holders, costs: &mut Costs, budget: usize) {
        while self.slack(budget) < -TOLERANCE && self.count > 0 {
            let out = self
                .list()
                .into_iter()
                .map(|r| (r, self.slack_toggled(holders, costs, budget, r)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .expect("a kept GPU");
            self.toggle(holders, costs, out.0);
        }
    }

    /// Adds, one at a time, the GPU that leaves the most slack, while one fits; `noise`
    /// breaks near-ties at random.
    pub fn fill(&mut self, holders: &Holders, costs: &mut Costs, budget: usize, rng: &mut ChaCha8Rng, noise: f64) {
        loop {
            let mut chosen: Option<(usize, f64)> = None;
            for r in 0..self.kept.len() {
                if self.kept[r] || !holders.keepable[r] {
                    continue;
                }
                let slack = self.slack_toggled(holders, costs, budget, r);
                if slack < -TOLERANCE {
                    continue;
                }
                let score = if noise > 0.0 { slack + rng.random_range(0.0..noise) } else { slack };
                if chosen.is_none_or(|(_, best)| score > best) {
                    chosen = Some((r, score));
                }
            }
            let Some((r, _)) = chosen else { return };
            self.toggle(holders, costs, r);
        }
    }
}

/// Running GPUs that serve a model GPU `r` serves, `r` excluded.
fn neighbours(holders: &Holders, r: usize) -> Vec<usize> {
    let mut out: Vec<usize> =
        holders.of_gpu[r].iter().flat_map(|&(s, _)| holders.of_model[s].iter().map(|&(q, _)| q)).collect();
    crate::sorting::sort(&mut out);
    out.dedup();
    out.retain(|&q| q != r);
    out
}

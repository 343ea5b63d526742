//! The replan's bound: a Lagrangian relaxation of which running GPUs stay.
//!
//! The most running GPUs that can stay within `N` GPUs is at most the optimum of
//!
//! ```text
//! max |K|  s.t.  |K| + sum_s C_s^j(rate_s - kept_s(K)) <= N   for every family j
//! ```
//!
//! ([`super::costs`]). A GPU serving several models is copied into each model's part, the
//! copies tied to it by multipliers `mu`, and the budget rows are priced by `lambda >= 0`:
//!
//! ```text
//! L = N sum_j lambda_j + sum_{r shared} max(0, 1 - sum_j lambda_j - sum_s mu_rs)
//!       + sum_{r idle} max(0, 1 - sum_j lambda_j)
//!       + sum_s max_{K_s} [ sum_{r in K_s} w_rs - sum_j lambda_j C_s^j(rate_s - kept_s(K_s)) ]
//! ```
//!
//! with `w_rs = mu_rs` for a shared GPU and `1 - sum_j lambda_j` for a GPU serving `s` alone.
//! (`mu_rs` is held as `(1 - sum_j lambda_j) / models + tie_rs`, so that a change of
//! `lambda` leaves a shared GPU as consistent as it was.)
//! For any multipliers `L` is at least the optimum (weak duality), so stopping anywhere is
//! safe. Each model's part is solved exactly, over the subsets of the few GPUs serving it:
//! that keeps each model's whole-instance steps, which a linear relaxation smooths away.
//! The multipliers descend along subgradients with Polyak's step toward the best set found.

use super::costs::{Costs, Holders};
use super::part::{best_part, Group};

/// Slack when rounding the bound down: 6.9999999 GPUs kept is 7.
const ROUNDING: f64 = 1e-6;
/// What each running GPU is, in a part of the search for a bound: free, or decided.
pub type Fixed = [Option<bool>];

/// The multipliers.
#[derive(Clone)]
pub struct Multipliers {
    lambda: Vec<f64>,
    /// Per running GPU serving several models, one per model it serves (in `Holders::of_gpu`
    /// order): its copy there weighs `(1 - sum lambda) / models + tie`. Empty for the others.
    tie: Vec<Vec<f64>>,
}

impl Multipliers {
    pub fn new(holders: &Holders, families: usize) -> Multipliers {
        let tie = holders.of_gpu.iter().map(|m| if m.len() > 1 { vec![0.0; m.len()] } else { Vec::new() }).collect();
        let mut lambda = vec![0.0; families];
        lambda[0] = 1.0;
        Multipliers { lambda, tie }
    }

    /// A family was added: its multiplier starts at zero, so every bound holds.
    fn grow(&mut self, families: usize) {
        self.lambda.resize(families, 0.0);
    }
}

/// A subgradient descent of `L`, and the least value it reached.
///
/// Each step moves along the subgradient plus a share of the previous direction (a
/// deflected subgradient: plain steps zigzag between the models' parts and stall far from
/// the optimum), by Polyak's step toward the best set found. The budget's multipliers and
/// the ties each take a step scaled to their own part of the direction: the budget's is
/// hundreds of times larger, and one step for both left the ties where they started. When
/// the bound stops falling the descent restarts from its best point with another share of
/// the previous direction: each settles elsewhere, and any of them bounds.
pub struct Descent {
    now: Multipliers,
    /// The multipliers that reached `best`, where the descent restarts when it stalls.
    pub at_best: Multipliers,
    /// The last direction, deflected, for the budget's multipliers and the ties.
    direction: Option<(Vec<f64>, Vec<Vec<f64>>)>,
    /// Step scale, halved when the bound stalls.
    theta: f64,
    stalled: usize,
    /// Steps since the bound last fell by a noticeable amount.
    since_progress: usize,
    restarts: usize,
    /// The least value of `L` seen: no more running GPUs than this can stay.
    pub best: f64,
    /// Per running GPU, the share of its copies the last evaluation kept (0 or 1 for a GPU
    /// serving one model): where it is strictly between, the relaxation splits the GPU.
    pub share: Vec<f64>,
}

/// The share of the previous direction each restart keeps, in turn.
const DEFLECTIONS: [f64; 4] = [0.5, 0.7, 0.3, 0.9];
/// Steps without a better bound before the step scale halves.
const PATIENCE: usize = 40;
const MIN_THETA: f64 = 1e-5;
/// A fall of the bound smaller than this is no progress, and after this many steps without
/// progress the descent has settled.
const PROGRESS: f64 = 1e-3;
const SETTLED_STEPS: usize = 400;

impl Descent {
    pub fn new(start: Multipliers) -> Descent {
        Descent {
            at_best: start.clone(),
            now: start,
            direction: None,
            theta: 1.0,
            stalled: 0,
            since_progress: 0,
            restarts: 0,
            best: f64::INFINITY,
            share: Vec::new(),
        }
    }

    /// The most running GPUs proven able to stay.
    pub fn most_kept(&self) -> usize {
        if self.best.is_finite() {
            (self.best + ROUNDING).floor().max(0.0) as usize
        } else {
            usize::MAX
        }
    }

    /// A family was added to the costs; the descent gets room to move again.
    pub fn grow(&mut self, families: usize) {
        self.now.grow(families);
        self.at_best.grow(families);
        self.direction = None;
        self.theta = self.theta.max(0.25);
    }

    /// Another budget: the bound found is for the earlier one, the multipliers a fair start.
    pub fn rebudget(&mut self) {
        self.best = f64::INFINITY;
        self.restarts = 0;
        self.restart();
    }

    /// True once the bound has stopped falling.
    pub fn settled(&self) -> bool {
        self.theta <= MIN_THETA || self.since_progress >= SETTLED_STEPS
    }

    /// True once every restart has settled too.
    pub fn spent(&self) -> bool {
        self.settled() && self.restarts + 1 >= DEFLECTIONS.len()
    }

    /// From the best point, with a fresh step and the next deflection.
    pub fn restart(&mut self) {
        if self.best.is_finite() {
            self.restarts += 1;
        }
        self.now = self.at_best.clone();
        self.direction = None;
        (self.theta, self.stalled, self.since_progress) = (1.0, 0, 0);
    }

    /// One step toward `target` (the most GPUs kept by a set found to fit).
    pub fn step(&mut self, holders: &Holders, costs: &mut Costs, budget: usize, fixed: &Fixed, target: usize) {
        let mut e = evaluate(holders, costs, budget, &self.now, fixed);
        self.share = std::mem::take(&mut e.share);
        self.since_progress += 1;
        if e.value < self.best - PROGRESS {
            self.since_progress = 0;
        }
        if e.value < self.best - 1e-9 {
            self.best = e.value;
            self.at_best = self.now.clone();
            self.stalled = 0;
        } else {
            self.stalled += 1;
            if self.stalled >= PATIENCE {
                self.theta = (self.theta / 2.0).max(MIN_THETA);
                self.stalled = 0;
                self.now = self.at_best.clone();
                self.direction = None;
                return;
            }
        }
        if let Some((lambda, tie)) = &self.direction {
            let beta = DEFLECTIONS[self.restarts % DEFLECTIONS.len()];
            e.lambda_grad.iter_mut().zip(lambda).for_each(|(g, d)| *g += beta * d);
            e.tie_grad.iter_mut().flatten().zip(tie.iter().flatten()).for_each(|(g, d)| *g += beta * d);
        }
        let gap = (e.value - target as f64).max(0.05);
        let lambda_norm: f64 = e.lambda_grad.iter().map(|g| g * g).sum();
        if lambda_norm > 0.0 {
            let t = self.theta * gap / lambda_norm;
            for (l, g) in self.now.lambda.iter_mut().zip(&e.lambda_grad) {
                *l = (*l - t * g).max(0.0);
            }
        }
        let tie_norm: f64 = e.tie_grad.iter().flatten().map(|g| g * g).sum();
        if tie_norm > 0.0 {
            let t = self.theta * gap / tie_norm;
            self.now.tie.iter_mut().flatten().zip(e.tie_grad.iter().flatten()).for_each(|(m, g)| *m -= t * g);
        }
        self.direction = Some((e.lambda_grad, e.tie_grad));
    }
}

/// One evaluation of `L` and its subgradient.
struct Evaluation {
    value: f64,
    lambda_grad: Vec<f64>,
    tie_grad: Vec<Vec<f64>>,
    share: Vec<f64>,
}

/// `L` at `m`, with the decided GPUs kept or dropped as `fixed` says.
fn evaluate(holders: &Holders, costs: &mut Costs, budget: usize, m: &Multipliers, fixed: &Fixed) -> Evaluation {
    let total: f64 = m.lambda.iter().sum();
    let mut value = budget as f64 * total;
    // The budget rows' subgradient: N minus what the relaxed choice uses.
    let mut lambda_grad = vec![budget as f64; m.lambda.len()];
    let mut tie_grad: Vec<Vec<f64>> = m.tie.iter().map(|t| vec![0.0; t.len()]).collect();
    let mut share = vec![0.0; holders.of_gpu.len()];
    for (r, models) in holders.of_gpu.iter().enumerate() {
        if !holders.keepable[r] || models.len() == 1 || fixed[r] == Some(false) {
            continue;
        }
        // A GPU serving no model is worth keeping alone; a shared one through its copies.
        let own = if models.is_empty() { 1.0 - total } else { -m.tie[r].iter().sum::<f64>() };
        if own > 0.0 || fixed[r] == Some(true) {
            value += own;
            if models.is_empty() {
                lambda_grad.iter_mut().for_each(|g| *g -= 1.0);
                share[r] = 1.0;
            }
            tie_grad[r].iter_mut().for_each(|g| *g -= 1.0);
        }
    }
    for (s, held) in holders.of_model.iter().enumerate() {
        let weight_of = |r: usize| match holders.of_gpu[r].len() {
            1 => 1.0 - total,
            n => (1.0 - total) / n as f64 + m.tie[r][position(holders, r, s)],
        };
        // Kept for certain: counted, not chosen.
        let (mut kept, mut weight) = (0.0, 0.0);
        let mut chosen: Vec<usize> = Vec::new();
        let mut weighed: Vec<(f64, f64, usize)> = Vec::new();
        for &(r, capacity) in held {
            match fixed[r] {
                Some(true) => {
                    (kept, weight) = (kept + capacity, weight + weight_of(r));
                    chosen.push(r);
                }
                Some(false) => {}
                None => weighed.push((capacity, weight_of(r), r)),
            }
        }
        crate::sorting::sort_by(&mut weighed, |a, b| b.1.total_cmp(&a.1));
        let mut groups: Vec<Group> = Vec::new();
        for (capacity, w, r) in weighed {
            match groups.iter_mut().find(|g| g.capacity == capacity) {
                Some(g) => {
                    g.weights.push(w);
                    g.members.push(r);
                }
                None => groups.push(Group { capacity, weights: vec![w], members: vec![r] }),
            }
        }
        let (part, counts) = best_part(s, &groups, kept, &m.lambda, costs);
        value += weight + part;
        for (g, &k) in groups.iter().zip(&counts) {
            kept += g.capacity * k as f64;
            chosen.extend(&g.members[..k]);
        }
        for &r in &chosen {
            let models = holders.of_gpu[r].len();
            lambda_grad.iter_mut().for_each(|x| *x -= 1.0 / models as f64);
            share[r] += 1.0 / models as f64;
            if models > 1 {
                tie_grad[r][position(holders, r, s)] += 1.0;
            }
        }
        for (j, g) in lambda_grad.iter_mut().enumerate() {
            *g -= costs.cost(j, s, kept);
        }
    }
    Evaluation { value, lambda_grad, tie_grad, share }
}

/// Where model `s` sits among the models GPU `r` serves.
fn position(holders: &Holders, r: usize, s: usize) -> usize {
    holders.of_gpu[r].iter().position(|&(t, _)| t == s).expect("a holder serves the model")
}

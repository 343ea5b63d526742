//! The MIG-serving paper's building blocks, shared by greedy, GA and MCTS: scoring a GPU
//! configuration by the outstanding demand it completes, filling a layout's instances with
//! models, and completing a partial deployment one GPU at a time.
//!
//! Choices where the paper leaves room (its full text was not available to us; method.md
//! restates the score):
//! - **Score.** Each model has an outstanding share `w_s = max(0, 1 - served_s / rate_s)`,
//!   reduced by what each chosen configuration completes. A configuration giving model `s`
//!   capacity `c_s` scores `sum_s min(c_s / rate_s, w_s)`: the share of outstanding demand it
//!   completes. Two departures from the restated `sum_s w_s * c_s / rate_s`, both measured on
//!   generated workloads: each term is capped at what is still outstanding, so surplus earns
//!   nothing (otherwise a GPU full of an almost finished model outscores one that finishes
//!   several); and terms are not weighted again by `w_s`, which starved nearly finished
//!   models and left greedy about 12% above the optimum at 100 models instead of about 10%.
//! - **Assignments.** Scoring every assignment of models to a layout's instances is too
//!   many; like the published restatement we allow at most three distinct models per GPU,
//!   and build the assignment greedily: instances largest first, each to the model with the
//!   highest marginal score, after trying each of the few most promising models on the
//!   largest instance. Every maximal layout of the GPU is a candidate.
//! - **Ties** go to the configuration that uses more compute slices, then to the earlier
//!   layout (larger instances first).

use rand::{Rng, RngExt};

use crate::problem::{covers, Problem};
use crate::solve::control::Control;
use crate::solve::deployment::{add_config, served, Deployment, GpuConfig};
use crate::sorting;

/// At most this many distinct models share one GPU.
pub const MAX_MODELS_PER_GPU: usize = 3;
/// Models tried on a layout's largest instance before filling the rest greedily: more
/// finds little better on generated workloads and costs time on every candidate.
const SEEDS_PER_LAYOUT: usize = 4;
/// Scores closer than this are equal: sums of shares differ in the last bits by order.
const SCORE_EPSILON: f64 = 1e-12;

/// True when every model is served.
pub fn all_served(problem: &Problem, served: &[f64]) -> bool {
    problem.models.iter().zip(served).all(|(s, &c)| covers(c, s.rate))
}

/// Outstanding share of each model: 1 when nothing is served, 0 when it is covered.
pub fn outstanding(problem: &Problem, served: &[f64]) -> Vec<f64> {
    problem
        .models
        .iter()
        .zip(served)
        .map(|(s, &c)| if s.rate <= 0.0 || covers(c, s.rate) { 0.0 } else { (1.0 - c / s.rate).max(0.0) })
        .collect()
}

/// A scored configuration.
#[derive(Debug, Clone)]
pub struct Scored {
    pub config: GpuConfig,
    pub score: f64,
    pub slices: u32,
}

impl Scored {
    fn beats(&self, other: &Scored) -> bool {
        self.score > other.score + SCORE_EPSILON
            || (self.score >= other.score - SCORE_EPSILON && self.slices > other.slices)
    }
}

/// Fills `layout` with models to maximize the score. `noise` (0 = none) multiplies each
/// marginal score by a random factor in `[1 - noise, 1]`, for randomized variants.
fn fill_layout(problem: &Problem, layout: usize, weights: &[f64], noise: f64, rng: &mut impl Rng) -> Option<Scored> {
    let placements = &problem.layouts[layout].placements;
    // Instances largest first.
    let mut order: Vec<usize> = (0..placements.len()).collect();
    sorting::sort_by_key(&mut order, |&i| std::cmp::Reverse(problem.profiles[placements[i].profile].compute));
    let first_profile = placements[order[0]].profile;
    let mut seeds: Vec<(usize, f64)> = weights
        .iter()
        .enumerate()
        .filter(|&(_, &w)| w > 0.0)
        .filter_map(|(s, &w)| {
            let c = problem.capacity[s][first_profile]?;
            Some((s, (c.throughput / problem.models[s].rate).min(w)))
        })
        .collect();
    sorting::sort_by(&mut seeds, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    seeds.truncate(SEEDS_PER_LAYOUT);
    let mut attempts: Vec<Option<usize>> = seeds.into_iter().map(|(s, _)| Some(s)).collect();
    if attempts.is_empty() {
        attempts.push(None);
    }
    let mut best: Option<Scored> = None;
    for seed in attempts {
        let mut models = vec![None; placements.len()];
        let mut given = vec![0.0; problem.models.len()];
        let mut distinct: Vec<usize> = Vec::with_capacity(MAX_MODELS_PER_GPU);
        let mut score = 0.0;
        for (rank, &i) in order.iter().enumerate() {
            let p = placements[i].profile;
            let gain = |s: usize, given: &[f64]| -> f64 {
                let Some(c) = problem.capacity[s][p] else { return 0.0 };
                let (w, rate) = (weights[s], problem.models[s].rate);
                ((given[s] + c.throughput) / rate).min(w) - (given[s] / rate).min(w)
            };
            let choice = if rank == 0 && seed.is_some() {
                seed
            } else {
                let mut pick: Option<(usize, f64)> = None;
                let mut consider = |s: usize| {
                    let mut g = gain(s, &given);
                    if noise > 0.0 {
                        g *= 1.0 - noise * rng.random_range(0.0..1.0);
                    }
                    if g > SCORE_EPSILON && pick.is_none_or(|(_, best)| g > best) {
                        pick = Some((s, g));
                    }
                };
                if distinct.len() < MAX_MODELS_PER_GPU {
                    for s in (0..weights.len()).filter(|&s| weights[s] > 0.0) {
                        consider(s);
                    }
                } else {
                    for &s in &distinct {
                        consider(s);
                    }
                }
                pick.map(|(s, _)| s)
            };
            if let Some(s) = choice {
                score += gain(s, &given);
                given[s] += problem.capacity[s][p].map_or(0.0, |c| c.throughput);
                models[i] = Some(s);
                if !distinct.contains(&s) {
                    distinct.push(s);
                }
            }
        }
        let slices = placements
            .iter()
            .zip(&models)
            .filter(|(_, s)| s.is_some())
            .map(|(pl, _)| problem.profiles[pl.profile].compute as u32)
            .sum();
        let candidate = Scored { config: GpuConfig { layout, models }, score, slices };
        if best.as_ref().is_none_or(|b| candidate.beats(b)) {
            best = Some(candidate);
        }
    }
    best.filter(|b| b.score > 0.0)
}

/// The best configuration of every layout for the outstanding `weights`, best first.
pub fn candidates(problem: &Problem, weights: &[f64], noise: f64, rng: &mut impl Rng) -> Vec<Scored> {
    let mut all: Vec<Scored> =
        (0..problem.layouts.len()).filter_map(|l| fill_layout(problem, l, weights, noise, rng)).collect();
    sorting::sort_by(&mut all, |a, b| {
        if a.beats(b) {
            std::cmp::Ordering::Less
        } else if b.beats(a) {
            std::cmp::Ordering::Greater
        } else {
            a.config.layout.cmp(&b.config.layout)
        }
    });
    all
}

/// Adds GPUs, each the best-scoring configuration, until every model is served.
/// With `noise` above 0 the choices are randomized (for GA and MCTS rollouts). When `ctl`
/// runs out of time, the rest is served at once by [`fill_quickly`], so the deployment is
/// always complete.
pub fn complete(problem: &Problem, gpus: &mut Vec<GpuConfig>, noise: f64, rng: &mut impl Rng, ctl: &Control) {
    let mut served = served(problem, gpus);
    loop {
        if ctl.out_of_time() {
            return fill_quickly(problem, gpus, &served);
        }
        let weights = outstanding(problem, &served);
        if weights.iter().all(|&w| w <= 0.0) {
            return;
        }
        let Some(best) = candidates(problem, &weights, noise, rng).into_iter().next() else {
            // Unreachable for a built problem (every model with demand has a usable
            // profile), but never loop forever.
            return;
        };
        add_config(problem, &best.config, &mut served, 1.0);
        gpus.push(best.config);
    }
}

/// Serves what `served` leaves outstanding without searching, in time linear in the
/// instances it adds: each model on its profile with the most throughput per compute slice,
/// in GPUs of the layout with the most instances of that profile. A plan of last resort
/// when time runs out, valid and quick, seldom small.
pub fn fill_quickly(problem: &Problem, gpus: &mut Vec<GpuConfig>, served: &[f64]) {
    for (m, model) in problem.models.iter().enumerate() {
        let missing = model.rate - served[m];
        if missing <= 0.0 || covers(served[m], model.rate) {
            continue;
        }
        let per_slice =
            |p: usize| problem.capacity[m][p].map_or(0.0, |c| c.throughput / problem.profiles[p].compute as f64);
        let Some(&p) = problem.usable_profiles.iter().max_by(|&&a, &&b| per_slice(a).total_cmp(&per_slice(b))) else {
            continue;
        };
        let Some(capacity) = problem.capacity[m][p] else { continue };
        let Some(layout) = (0..problem.layouts.len()).max_by_key(|&l| problem.layouts[l].counts[p]) else { continue };
        let mut left = crate::problem::instances_needed(missing, capacity.throughput);
        while left > 0 {
            let models = problem.layouts[layout]
                .placements
                .iter()
                .map(|pl| {
                    (pl.profile == p && left > 0).then(|| {
                        left -= 1;
                        m
                    })
                })
                .collect();
            gpus.push(GpuConfig { layout, models });
        }
    }
}

/// Drops GPUs without which every model stays served, last first (nothing when some model
/// is short already). Only the models on a GPU are looked at, so this is linear in the
/// instances.
pub fn drop_redundant(problem: &Problem, gpus: &mut Vec<GpuConfig>) {
    let mut served = served(problem, gpus);
    if !all_served(problem, &served) {
        return;
    }
    let mut i = gpus.len();
    while i > 0 {
        i -= 1;
        let mut here: Vec<(usize, f64)> = Vec::new();
        for (pl, m) in problem.layouts[gpus[i].layout].placements.iter().zip(&gpus[i].models) {
            if let Some(m) = *m {
                let t = problem.capacity[m][pl.profile].map_or(0.0, |c| c.throughput);
                match here.iter_mut().find(|(other, _)| *other == m) {
                    Some((_, sum)) => *sum += t,
                    None => here.push((m, t)),
                }
            }
        }
        if here.iter().all(|&(m, t)| covers(served[m] - t, problem.models[m].rate)) {
            for &(m, t) in &here {
                served[m] -= t;
            }
            gpus.swap_remove(i);
            i = i.min(gpus.len());
        }
    }
}

/// Turns any set of GPUs into a valid deployment: drop what only adds surplus, then refill.
pub fn repair(
    problem: &Problem,
    mut gpus: Vec<GpuConfig>,
    noise: f64,
    rng: &mut impl Rng,
    ctl: &Control,
) -> Deployment {
    drop_redundant(problem, &mut gpus);
    complete(problem, &mut gpus, noise, rng, ctl);
    drop_redundant(problem, &mut gpus);
    Deployment { gpus }
}

/// Total surplus share `sum_s (served_s - rate_s) / rate_s`: the tie-breaker between plans
/// with the same GPU count.
pub fn surplus(problem: &Problem, gpus: &[GpuConfig]) -> f64 {
    let served = served(problem, gpus);
    problem.models.iter().zip(served).filter(|(s, _)| s.rate > 0.0).map(|(s, c)| (c - s.rate) / s.rate).sum()
}

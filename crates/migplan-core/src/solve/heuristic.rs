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
use crate::solve::deployment::{add_config, served, Deployment, GpuConfig};

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
    order.sort_by_key(|&i| std::cmp::Reverse(problem.gpu.profiles[placements[i].profile].compute));
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
    seeds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
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
            .map(|(pl, _)| problem.gpu.profiles[pl.profile].compute as u32)
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
    all.sort_by(|a, b| {
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
/// With `noise` above 0 the choices are randomized (for GA and MCTS rollouts).
pub fn complete(problem: &Problem, gpus: &mut Vec<GpuConfig>, noise: f64, rng: &mut impl Rng) {
    let mut served = served(problem, gpus);
    loop {
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

/// Drops GPUs whose every model stays served without them, least useful first.
pub fn drop_redundant(problem: &Problem, gpus: &mut Vec<GpuConfig>) {
    let mut served = served(problem, gpus);
    let mut i = gpus.len();
    while i > 0 {
        i -= 1;
        let mut without = served.clone();
        add_config(problem, &gpus[i], &mut without, -1.0);
        if all_served(problem, &without) {
            served = without;
            gpus.swap_remove(i);
            i = i.min(gpus.len());
        }
    }
}

/// Turns any set of GPUs into a valid deployment: drop what only adds surplus, then refill.
pub fn repair(problem: &Problem, mut gpus: Vec<GpuConfig>, noise: f64, rng: &mut impl Rng) -> Deployment {
    drop_redundant(problem, &mut gpus);
    complete(problem, &mut gpus, noise, rng);
    drop_redundant(problem, &mut gpus);
    Deployment { gpus }
}

/// Total surplus share `sum_s (served_s - rate_s) / rate_s`: the tie-breaker between plans
/// with the same GPU count.
pub fn surplus(problem: &Problem, gpus: &[GpuConfig]) -> f64 {
    let served = served(problem, gpus);
    problem.models.iter().zip(served).filter(|(s, _)| s.rate > 0.0).map(|(s, c)| (c - s.rate) / s.rate).sum()
}

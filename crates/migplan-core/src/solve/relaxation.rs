//! The per-model integer relaxation: the lower bound every plan is measured against.
//!
//! The exact model (method.md) counts `y_L` GPUs per layout and `z_sp` instances per model
//! and profile. Keeping each model's `z_s` an integer cover but letting the `y` be
//! fractional gives a bound far tighter than the plain LP. Its Dantzig-Wolfe master has one
//! column per (model, cover); we solve its *dual* by cutting planes:
//!
//! ```text
//! max  sum_s mu_s
//! s.t. sum_p count(L,p) * price_p <= cost_L for every layout L (1 a GPU unless costs are given)
//!      mu_s <= sum_p cover_p * price_p       for every generated cover of s
//!      price >= 0
//! ```
//!
//! The separation problem is the cheapest cover of each model at the current prices
//! ([`crate::solve::cover`]). The dual is solved rather than the master because the LP crate does not
//! expose dual values. At any prices that fit every layout, `sum_s cheapest_cover_cost(s)` is
//! a valid lower bound (weak duality), so the bound is proven even if the loop is stopped
//! early; at convergence it equals the relaxation's optimum.

use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp, Variable};

use crate::problem::{instances_needed, Problem};
use crate::solve::control::Control;
use crate::solve::cover::{cheapest_cover, cost, Cover};
use crate::solve::lp::{ceil_bound, fit_layouts, prices_by_compute, supply_terms};
use crate::solve::price_search::search_prices;
use crate::sorting;

#[derive(Debug, Clone)]
pub struct Relaxation {
    /// The best proven bound, rounded up: no plan uses fewer GPUs.
    pub lower_bound: usize,
    /// The best proven bound on cost (on GPUs when no costs are given): no plan costs less.
    pub lower_cost: f64,
    /// Covers generated per model.
    pub columns: Vec<Vec<Cover>>,
    /// The master's fractional solution over those columns: per model, (column, weight).
    pub weights: Vec<Vec<(usize, f64)>>,
    /// The profile prices that proved the bound: every layout costs at most one GPU at them,
    /// so any GPU costs at least its instances' prices (what a replan's bound builds on).
    pub prices: Vec<f64>,
}

/// Column generation converges in a few dozen rounds on every workload we measured; the cap
/// only guards against cycling in floating point.
const MAX_ROUNDS: usize = 500;
/// Relative slack before a cover counts as pricing out, so round-off never adds columns.
const PRICING_TOLERANCE: f64 = 1e-9;
/// The share of the time left that the bound may take: the rest is for finding plans. Only
/// tens of thousands of models come near it.
const RELAX_SHARE: f64 = 0.5;
/// Past this many models the disaggregated dual LP (a row per model and cover) takes seconds
/// per solve and cannot be interrupted: the price search ([`crate::solve::price_search`])
/// proves the bound instead, with one cover per model.
const LARGE_PROBLEM: usize = 1000;

/// Computes the relaxation, stopping early (with a still valid bound) when `ctl` says so or
/// its share of the time is spent.
pub fn relax(problem: &Problem, ctl: &Control) -> Relaxation {
    let deadline = ctl.remaining().map(|left| ctl.elapsed() + left.mul_f64(RELAX_SHARE));
    let time_left = || deadline.map(|d| d.saturating_sub(ctl.elapsed()));
    let n_profiles = problem.profiles.len();
    let models = problem.models.len();
    let by_compute = prices_by_compute(problem);
    let proven = |value: f64| (ceil_bound(value / problem.max_cost()), problem.cost_bound(value));
    if models > LARGE_PROBLEM {
        let found = search_prices(problem, by_compute, ctl, deadline);
        let weights = vec![vec![(0, 1.0)]; models];
        let columns = found.covers.into_iter().map(|c| vec![c]).collect();
        let (lower_bound, lower_cost) = proven(found.value);
        return Relaxation { lower_bound, lower_cost, columns, weights, prices: found.prices };
    }
    let mut columns: Vec<Vec<Cover>> = vec![Vec::new(); models];
    let mut initial_bound = 0.0;
    // Start from every single-profile cover and the cover at prices proportional to compute.
    for (s, cols) in columns.iter_mut().enumerate() {
        for &p in &problem.usable_profiles {
            if let Some(c) = problem.capacity[s][p] {
                let mut cover = vec![0; n_profiles];
                cover[p] = instances_needed(problem.models[s].rate, c.throughput) as u32;
                push_new(cols, cover);
            }
        }
        if let Some((cover, cost)) = cheapest_cover(problem, s, &by_compute) {
            push_new(cols, cover);
            initial_bound += cost;
        }
    }

    // The cheapest covers at those prices already prove a bound, before any LP is solved.
    let mut best_value = initial_bound;
    let mut best_prices = by_compute;
    for _ in 0..MAX_ROUNDS {
        if ctl.out_of_time() || time_left().is_some_and(|t| t.is_zero()) {
            break;
        }
        let Some((prices, mu)) = solve_dual(problem, &columns, time_left()) else {
            break;
        };
        let mut bound = 0.0;
        let mut added = false;
        for s in 0..models {
            let Some((cover, c)) = cheapest_cover(problem, s, &prices) else {
                continue;
            };
            bound += c;
            if c < mu[s] - PRICING_TOLERANCE * mu[s].max(1.0) {
                added |= push_new(&mut columns[s], cover);
            }
        }
        if bound > best_value {
            best_value = bound;
            best_prices = prices;
        }
        if !added {
            break;
        }
        if ctl.stop_reason().is_some() {
            break;
        }
    }
    let weights = solve_master(problem, &columns, time_left()).unwrap_or_else(|| {
        // Without the master's solution, each model takes its column cheapest at the prices
        // that proved the bound: what a master solution mostly does anyway.
        columns
            .iter()
            .map(|cols| {
                let cheapest = (0..cols.len())
                    .min_by(|&a, &b| cost(&cols[a], &best_prices).total_cmp(&cost(&cols[b], &best_prices)));
                vec![(cheapest.unwrap_or(0), 1.0)]
            })
            .collect()
    });
    let (lower_bound, lower_cost) = proven(best_value);
    Relaxation { lower_bound, lower_cost, columns, weights, prices: best_prices }
}

/// The cost of one GPU of the type profile `p` belongs to.
fn profile_cost(problem: &Problem, p: usize) -> f64 {
    problem.type_cost(problem.type_of_profile(p))
}

fn push_new(columns: &mut Vec<Cover>, cover: Cover) -> bool {
    if columns.contains(&cover) {
        return false;
    }
    columns.push(cover);
    true
}

/// Solves the restricted dual. Returns prices scaled so that every layout costs at most one
/// GPU exactly (the LP meets its rows only within a tolerance), and each model's `mu`.
fn solve_dual(problem: &Problem, columns: &[Vec<Cover>], time_limit: Option<Duration>) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut lp = Lp::new(OptimizationDirection::Maximize);
    if let Some(t) = time_limit {
        lp.set_time_limit(t);
    }
    let mut price_vars: Vec<Option<Variable>> = vec![None; problem.profiles.len()];
    for &p in &problem.usable_profiles {
        price_vars[p] = Some(lp.add_var(0.0, (0.0, profile_cost(problem, p))));
    }
    let mu: Vec<Variable> = columns.iter().map(|_| lp.add_var(1.0, (0.0, f64::INFINITY))).collect();
    for (l, layout) in problem.layouts.iter().enumerate() {
        let row: Vec<(Variable, f64)> = price_vars
            .iter()
            .zip(&layout.counts)
            .filter_map(|(v, &k)| Some(((*v)?, k as f64)))
            .filter(|&(_, k)| k > 0.0)
            .collect();
        lp.add_constraint(row.as_slice(), ComparisonOp::Le, problem.layout_cost(l));
    }
    for (s, cols) in columns.iter().enumerate() {
        for cover in cols {
            let mut row = vec![(mu[s], 1.0)];
            row.extend(
                price_vars
                    .iter()
                    .zip(cover)
                    .filter_map(|(v, &k)| Some(((*v)?, -(k as f64))))
                    .filter(|&(_, k)| k != 0.0),
            );
            lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
        }
    }
    let solution = lp.solve().ok()?.into_solution().ok()?;
    let mut prices: Vec<f64> = price_vars.iter().map(|v| v.map_or(0.0, |v| solution.var_value(v).max(0.0))).collect();
    fit_layouts(problem, &mut prices);
    let mu = mu.iter().map(|&v| solution.var_value(v)).collect();
    Some((prices, mu))
}

/// Solves the restricted master over the generated columns for its fractional solution;
/// `None` when the LP fails or runs out of time.
fn solve_master(
    problem: &Problem,
    columns: &[Vec<Cover>],
    time_limit: Option<Duration>,
) -> Option<Vec<Vec<(usize, f64)>>> {
    let mut lp = Lp::new(OptimizationDirection::Minimize);
    if let Some(t) = time_limit {
        lp.set_time_limit(t);
    }
    let y: Vec<Variable> =
        (0..problem.layouts.len()).map(|l| lp.add_var(problem.layout_cost(l), (0.0, f64::INFINITY))).collect();
    let lambda: Vec<Vec<Variable>> =
        columns.iter().map(|cols| cols.iter().map(|_| lp.add_var(0.0, (0.0, 1.0))).collect()).collect();
    for vars in &lambda {
        let row: Vec<(Variable, f64)> = vars.iter().map(|&v| (v, 1.0)).collect();
        lp.add_constraint(row.as_slice(), ComparisonOp::Eq, 1.0);
    }
    for &p in &problem.usable_profiles {
        let mut row = supply_terms(problem, &y, p);
        for (cols, vars) in columns.iter().zip(&lambda) {
            row.extend(cols.iter().zip(vars).filter(|(c, _)| c[p] > 0).map(|(c, &v)| (v, -(c[p] as f64))));
        }
        lp.add_constraint(row.as_slice(), ComparisonOp::Ge, 0.0);
    }
    let solution = lp.solve().ok().and_then(|o| o.into_solution().ok())?;
    let weights = lambda
        .iter()
        .map(|vars| {
            let mut w: Vec<(usize, f64)> =
                vars.iter().enumerate().map(|(c, &v)| (c, solution.var_value(v))).filter(|&(_, x)| x > 1e-9).collect();
            sorting::sort_by(&mut w, |a, b| b.1.total_cmp(&a.1));
            if w.is_empty() {
                w.push((0, 1.0));
            }
            w
        })
        .collect();
    Some(weights)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::hardware::catalog::gpu;
    use crate::problem::generate::synthetic;
    use crate::problem::Problem;
    use crate::solve::control::Budget;
    use crate::solve::lp::ceil_bound;
    use crate::solve::price_search::search_prices;

    #[test]
    fn the_price_search_proves_the_bound_the_dual_lp_proves() {
        let g = gpu("a100-40gb").unwrap();
        let cancel = AtomicBool::new(false);
        for seed in 1..=6 {
            let generated = synthetic(&g, 40, seed);
            let fleet = crate::hardware::fleet::Fleet::one(g.clone());
            let problem = Problem::build(&fleet, &generated.profiles, &generated.workload).unwrap();
            let mut observer = |_: &crate::solve::control::Progress| {};
            let ctl = Control::new("test", Budget::default(), seed, &cancel, &mut observer);
            let by_compute: Vec<f64> = g.profiles.iter().map(|p| p.compute as f64 / g.compute_slices as f64).collect();
            let found = search_prices(&problem, by_compute, &ctl, None);
            assert_eq!(ceil_bound(found.value), relax(&problem, &ctl).lower_bound, "seed {seed}");
            // Every layout costs at most one GPU at the proving prices.
            for layout in &problem.layouts {
                let cost: f64 = layout.counts.iter().zip(&found.prices).map(|(&k, &p)| k as f64 * p).sum();
                assert!(cost <= 1.0 + 1e-9, "seed {seed}: a layout costs {cost}");
            }
        }
    }
}

//! The bound for large problems: a cutting-plane search over the few profile prices.
//!
//! The relaxation's dual asks for prices `p` (one per usable profile, every layout costing at
//! most one GPU) that maximize `f(p) = sum_m cheapest_cover_m(p)`. The disaggregated dual LP
//! of [`crate::solve::relaxation`] has a row per model and cover, and past a few thousand
//! models one LP solve takes longer than any time limit (and the LP crate cannot be stopped
//! inside it). Here `f` is maximized directly over the handful of prices instead (Kelley's
//! method): each cheapest-cover sum `g` found at prices `q` gives the cut `t <= g . p`, valid
//! everywhere because every cover is linear in the prices; a tiny LP over the prices and `t`
//! proposes the next prices. Every evaluated `f(q)` is a proven bound, so the search stops
//! safely at any time; it also stops once the bound's whole GPUs cannot rise any more.

use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp, Variable};

use crate::problem::Problem;
use crate::solve::control::Control;
use crate::solve::cover::{cheapest_cover, Cover};
use crate::solve::lp::fit_layouts;

/// Cutting-plane rounds at most: far more than the few dozen the search needs in 5 prices.
const MAX_ROUNDS: usize = 300;

/// What the price search proved: the bound (fractional GPUs), the prices that prove it, and
/// each model's cheapest cover at those prices.
pub struct PriceBound {
    pub value: f64,
    pub prices: Vec<f64>,
    pub covers: Vec<Cover>,
}

/// Searches prices from `start` (which must make every layout cost at most its GPU) until
/// the bound settles, `ctl` runs out of time, or `deadline` (elapsed time of `ctl`) passes.
pub fn search_prices(problem: &Problem, start: Vec<f64>, ctl: &Control, deadline: Option<Duration>) -> PriceBound {
    let evaluate = |prices: &[f64]| -> (f64, Vec<Cover>) {
        let mut total = 0.0;
        let covers = (0..problem.models.len())
            .map(|m| match cheapest_cover(problem, m, prices) {
                Some((cover, cost)) => {
                    total += cost;
                    cover
                }
                None => vec![0; problem.profiles.len()],
            })
            .collect();
        (total, covers)
    };
    let (value, covers) = evaluate(&start);
    let mut best = PriceBound { value, prices: start, covers };
    let mut cuts: Vec<Vec<f64>> = vec![summed(&best.covers, problem.profiles.len())];
    for _ in 0..MAX_ROUNDS {
        let late = deadline.is_some_and(|d| ctl.elapsed() >= d);
        if late || ctl.out_of_time() {
            break;
        }
        let Some((prices, ceiling)) = propose(problem, &cuts) else { break };
        // No price can prove more than `ceiling`: once its whole GPUs equal the bound's, stop.
        if problem.cost_bound(ceiling) <= problem.cost_bound(best.value) {
            break;
        }
        let (value, covers) = evaluate(&prices);
        cuts.push(summed(&covers, problem.profiles.len()));
        if value > best.value {
            best = PriceBound { value, prices, covers };
        }
    }
    best
}

/// Instances per profile of all models' covers together: the cut's coefficients.
fn summed(covers: &[Cover], profiles: usize) -> Vec<f64> {
    let mut total = vec![0.0; profiles];
    for cover in covers {
        for (p, &k) in cover.iter().enumerate() {
            total[p] += k as f64;
        }
    }
    total
}

/// The prices that maximize the cuts' minimum, and that maximum (an upper bound on `f`).
fn propose(problem: &Problem, cuts: &[Vec<f64>]) -> Option<(Vec<f64>, f64)> {
    let mut lp = Lp::new(OptimizationDirection::Maximize);
    let mut price: Vec<Option<Variable>> = vec![None; problem.profiles.len()];
    for &p in &problem.usable_profiles {
        price[p] = Some(lp.add_var(0.0, (0.0, problem.max_cost())));
    }
    let t = lp.add_var(1.0, (0.0, f64::INFINITY));
    let terms = |coefficients: &[f64], sign: f64| -> Vec<(Variable, f64)> {
        price
            .iter()
            .zip(coefficients)
            .filter_map(|(v, &k)| Some(((*v)?, sign * k)))
            .filter(|&(_, k)| k != 0.0)
            .collect()
    };
    for (l, layout) in problem.layouts.iter().enumerate() {
        let counts: Vec<f64> = layout.counts.iter().map(|&k| k as f64).collect();
        lp.add_constraint(terms(&counts, 1.0).as_slice(), ComparisonOp::Le, problem.layout_cost(l));
    }
    for cut in cuts {
        let mut row = vec![(t, 1.0)];
        row.extend(terms(cut, -1.0));
        lp.add_constraint(row.as_slice(), ComparisonOp::Le, 0.0);
    }
    let solution = lp.solve().ok()?.into_solution().ok()?;
    let mut prices: Vec<f64> = price.iter().map(|v| v.map_or(0.0, |v| solution.var_value(v).max(0.0))).collect();
    fit_layouts(problem, &mut prices);
    Some((prices, solution.var_value(t)))
}

//! Small helpers for the linear programs of the relaxation and the packing.

use microlp::Variable;

use crate::problem::Problem;
use crate::solve::cover::cost;

pub use crate::problem::whole_units as ceil_bound;

/// The instances of profile `p` that `y[L]` GPUs of each layout `L` offer, as LP terms.
pub fn supply_terms(problem: &Problem, y: &[Variable], p: usize) -> Vec<(Variable, f64)> {
    problem.layouts.iter().zip(y).filter(|(l, _)| l.counts[p] > 0).map(|(l, &v)| (v, l.counts[p] as f64)).collect()
}

/// Prices proportional to compute, times the type's cost: every layout then costs at most
/// its GPU (a layout uses at most all the slices), so they are a valid start for either
/// method.
pub fn prices_by_compute(problem: &Problem) -> Vec<f64> {
    let mut prices = vec![0.0; problem.profiles.len()];
    for (t, block) in problem.blocks.iter().enumerate() {
        for p in block.clone() {
            let share = problem.profiles[p].compute as f64 / problem.spec(t).compute_slices as f64;
            prices[p] = problem.type_cost(t) * share;
        }
    }
    prices
}

/// Scales `prices` down so that every layout costs at most its GPU exactly (an LP meets its
/// rows only within a tolerance).
pub fn fit_layouts(problem: &Problem, prices: &mut [f64]) {
    let worst = (0..problem.layouts.len())
        .map(|l| cost(&problem.layouts[l].counts, prices) / problem.layout_cost(l))
        .fold(1.0, f64::max);
    prices.iter_mut().for_each(|p| *p /= worst);
}

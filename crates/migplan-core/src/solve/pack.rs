//! Packing instances into GPUs: the cheapest maximal layouts (the fewest, when every GPU
//! costs the same) that offer at least the wanted number of instances of every profile.
//!
//! `min sum_L cost_L y_L  s.t.  sum_L count(L,p) * y_L >= wanted_p,  y integer`. There are at most a
//! few dozen layouts and one row per profile, so the LP's integer gap is small and a
//! branch-and-bound on the layout counts closes it quickly.

use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp, Variable};

use crate::problem::Problem;
use crate::solve::lp::supply_terms;

/// Packs `wanted[p]` instances of each profile `p` (indexed like the GPU's profiles): returns
/// the GPUs per layout, indexed like `Problem::layouts`.
pub fn pack(problem: &Problem, wanted: &[u32], time_limit: Duration) -> Vec<usize> {
    let rows: Vec<usize> = (0..wanted.len()).filter(|&p| wanted[p] > 0).collect();
    if rows.is_empty() {
        return vec![0; problem.layouts.len()];
    }
    let build = |integer: bool| {
        let mut lp = Lp::new(OptimizationDirection::Minimize);
        let y: Vec<Variable> = (0..problem.layouts.len())
            .map(|l| {
                let cost = problem.layout_cost(l);
                if integer {
                    lp.add_integer_var(cost, (0, i32::MAX))
                } else {
                    lp.add_var(cost, (0.0, f64::INFINITY))
                }
            })
            .collect();
        for &p in &rows {
            let row = supply_terms(problem, &y, p);
            lp.add_constraint(row.as_slice(), ComparisonOp::Ge, wanted[p] as f64);
        }
        (lp, y)
    };
    let (relaxed, y) = build(false);
    let lp_solution = relaxed.solve().ok().and_then(|o| o.into_solution().ok());
    let lower_bound = lp_solution.as_ref().map_or(0.0, |s| problem.cost_bound(s.objective()));
    // Rounding the LP up is always feasible: the fallback when the integer search stalls.
    let mut best: Vec<usize> = match &lp_solution {
        Some(s) => y.iter().map(|&v| (s.var_value(v) - 1e-9).ceil().max(0.0) as usize).collect(),
        None => greedy_cover(problem, wanted),
    };
    if !covers_all(problem, &best, wanted) {
        best = greedy_cover(problem, wanted);
    }
    if counts_cost(problem, &best) > lower_bound + COST_TOLERANCE {
        let (mut integer, y) = build(true);
        integer.set_time_limit(time_limit);
        if let Some(s) = integer.solve().ok().and_then(|o| o.into_solution().ok()) {
            let counts: Vec<usize> = y.iter().map(|&v| s.var_value(v).round().max(0.0) as usize).collect();
            if covers_all(problem, &counts, wanted)
                && counts_cost(problem, &counts) < counts_cost(problem, &best) - COST_TOLERANCE
            {
                best = counts;
            }
        }
    }
    best
}

/// Cost differences below this are round-off, not a cheaper packing.
const COST_TOLERANCE: f64 = 1e-9;

/// What `counts[l]` GPUs of each layout `l` cost.
pub fn counts_cost(problem: &Problem, counts: &[usize]) -> f64 {
    counts.iter().enumerate().map(|(l, &n)| n as f64 * problem.layout_cost(l)).sum()
}

fn covers_all(problem: &Problem, counts: &[usize], wanted: &[u32]) -> bool {
    wanted.iter().enumerate().all(|(p, &w)| {
        let offered: usize = problem.layouts.iter().zip(counts).map(|(l, &n)| l.counts[p] as usize * n).sum();
        offered >= w as usize
    })
}

/// For each profile in turn, GPUs of the layout with the most instances of it.
fn greedy_cover(problem: &Problem, wanted: &[u32]) -> Vec<usize> {
    let mut counts = vec![0usize; problem.layouts.len()];
    for (p, &w) in wanted.iter().enumerate() {
        if w == 0 {
            continue;
        }
        let offered: usize = problem.layouts.iter().zip(&counts).map(|(l, &n)| l.counts[p] as usize * n).sum();
        let missing = (w as usize).saturating_sub(offered);
        if missing == 0 {
            continue;
        }
        let (best, layout) = problem
            .layouts
            .iter()
            .enumerate()
            .max_by_key(|(_, l)| l.counts[p])
            .expect("a wanted profile is usable, so some layout holds it");
        counts[best] += missing.div_ceil(layout.counts[p] as usize);
    }
    counts
}

//! The replan's bound ([`super`] has the proof): per price vector, lines below what each
//! model's uncovered demand must cost on new GPUs as a function of the running GPUs kept,
//! and the model over which running GPUs stay under them.

use std::collections::HashMap;
use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp, Variable};

use crate::problem::{covers, Problem};
use crate::solve::cover::cheapest_cover_of;
use crate::solve::deployment::GpuConfig;

/// Slack when rounding the kept GPUs down: 6.9999999 kept is 7.
const ROUNDING: f64 = 1e-6;

/// The bound's lines at `prices`, per model: what new GPUs must still cost for it as a
/// function of the running GPUs kept.
pub fn family(problem: &Problem, running: &[Option<GpuConfig>], prices: &[f64]) -> Vec<ModelLines> {
    let mut held: Vec<Vec<(usize, f64, f64)>> = vec![Vec::new(); problem.models.len()];
    for (r, c) in running.iter().enumerate() {
        let Some(c) = c else { continue };
        let mut mine: HashMap<usize, (f64, f64)> = HashMap::new();
        for (pl, m) in problem.layouts[c.layout].placements.iter().zip(&c.models) {
            let Some(s) = *m else { continue };
            let e = mine.entry(s).or_default();
            e.0 += problem.capacity[s][pl.profile].map_or(0.0, |c| c.throughput);
            e.1 += prices[pl.profile];
        }
        for (s, (capacity, price)) in mine {
            held[s].push((r, capacity, price));
        }
    }
    let mut family = Vec::new();
    for (s, held) in held.into_iter().enumerate() {
        let rate = problem.models[s].rate;
        let residual_cost = |kept: f64| -> Option<f64> {
            if covers(kept, rate) {
                return Some(0.0);
            }
            Some(cheapest_cover_of(problem, s, rate - kept, prices)?.1)
        };
        let Some(cheapest) = residual_cost(0.0).filter(|&c| c > 0.0) else { continue };
        let most: f64 = held.iter().map(|h| h.1).sum();
        let lines = if most > 0.0 { convex_minorant(most, &residual_cost).unwrap_or_default() } else { Vec::new() };
        family.push(ModelLines { cheapest, held, lines });
    }
    family
}

/// The bound's model: the most running GPUs that can stay within `gpu_budget`, with
/// whole GPUs (`integer`, within `time_limit`) or fractions of them, under every family
/// of lines and without the sets excluded. Returns the proven most (rounded down), and
/// per running GPU how much of it the model keeps (as a set, when `integer`).
pub fn most_kept(
    running: &[Option<GpuConfig>],
    gpu_budget: usize,
    cuts: &Cuts,
    integer: bool,
    time_limit: Option<Duration>,
) -> Option<(usize, Preference)> {
    let mut lp = Lp::new(OptimizationDirection::Maximize);
    if let Some(t) = time_limit {
        lp.set_time_limit(t);
    }
    let keep: Vec<Option<Variable>> = running
        .iter()
        .map(|c| {
            c.as_ref().map(|_| if integer { lp.add_integer_var(1.0, (0, 1)) } else { lp.add_var(1.0, (0.0, 1.0)) })
        })
        .collect();
    let kept_terms: Vec<(Variable, f64)> = keep.iter().flatten().map(|&v| (v, 1.0)).collect();
    for family in &cuts.families {
        let mut budget_row = kept_terms.clone();
        for model in family {
            let uncovered = lp.add_var(0.0, (0.0, f64::INFINITY));
            budget_row.push((uncovered, 1.0));
            // The kept instances cover what they serve: the rest costs at least C - P.
            let mut row = vec![(uncovered, 1.0)];
            row.extend(model.held.iter().filter(|h| h.2 > 0.0).filter_map(|&(r, _, price)| Some((keep[r]?, price))));
            lp.add_constraint(row.as_slice(), ComparisonOp::Ge, model.cheapest);
            // And it is a whole cover of the residual: each line of a convex function
            // below the residual's cost, as a function of the capacity kept.
            for &(slope, at_zero) in &model.lines {
                let mut row = vec![(uncovered, 1.0)];
                row.extend(model.held.iter().filter_map(|&(r, capacity, _)| Some((keep[r]?, -slope * capacity))));
                lp.add_constraint(row.as_slice(), ComparisonOp::Ge, at_zero);
            }
        }
        lp.add_constraint(budget_row.as_slice(), ComparisonOp::Le, gpu_budget as f64);
    }
    for set in &cuts.excluded {
        let row: Vec<(Variable, f64)> = keep
            .iter()
            .enumerate()
            .filter_map(|(r, v)| Some((v.as_ref().copied()?, if set.contains(&r) { 1.0 } else { -1.0 })))
            .collect();
        lp.add_constraint(row.as_slice(), ComparisonOp::Le, set.len() as f64 - 1.0);
    }
    let outcome = lp.solve().ok()?;
    let proven =
        if outcome.is_optimal() { outcome.solution().map(|s| s.objective()) } else { outcome.stats().best_bound }?;
    let values: Vec<f64> = match outcome.solution() {
        Some(solution) => keep.iter().map(|v| v.map_or(0.0, |v| solution.var_value(v))).collect(),
        None => vec![0.0; keep.len()],
    };
    let most = (proven + ROUNDING).floor().max(0.0) as usize;
    Some((most, values))
}

/// Per running GPU, how much of it the bound's model keeps.
pub(super) type Preference = Vec<f64>;

/// One model's part of the bound at one price vector.
pub(super) struct ModelLines {
    /// Its cheapest cover with nothing kept.
    cheapest: f64,
    /// The running GPUs serving it: (index, capacity, price of those instances).
    held: Vec<(usize, f64, f64)>,
    /// (slope, value at zero) of lines below the residual's cost per capacity kept.
    lines: Vec<(f64, f64)>,
}

/// What the bound's model holds: a family of lines per price vector, and the sets of
/// running GPUs shown not to fit.
pub(super) struct Cuts {
    pub(super) families: Vec<Vec<ModelLines>>,
    pub(super) excluded: Vec<Vec<usize>>,
}

/// Points of the residual's cost per capacity kept: the lines (slope, value at zero) of a
/// convex function below `cost` on `[0, most]`. `cost` is nonincreasing, so on each step of
/// a grid it is at least its value at the step's right end; the lower hull of those
/// values, each placed at its step's left end, lies below it.
const MINORANT_STEPS: usize = 24;

fn convex_minorant(most: f64, cost: &dyn Fn(f64) -> Option<f64>) -> Option<Vec<(f64, f64)>> {
    let at = |i: usize| most * i as f64 / MINORANT_STEPS as f64;
    let mut points = Vec::with_capacity(MINORANT_STEPS + 1);
    for i in 0..MINORANT_STEPS {
        points.push((at(i), cost(at(i + 1))?));
    }
    points.push((most, cost(most)?));
    // Lower convex hull, left to right.
    let mut hull: Vec<(f64, f64)> = Vec::new();
    for p in points {
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            if (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0) <= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    Some(
        hull.windows(2)
            .map(|w| {
                let slope = (w[1].1 - w[0].1) / (w[1].0 - w[0].0);
                (slope, w[0].1 - slope * w[0].0)
            })
            .collect(),
    )
}

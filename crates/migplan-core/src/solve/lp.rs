//! Small helpers for the linear programs of the relaxation and the packing.

use microlp::Variable;

use crate::problem::Problem;

/// Slack when rounding a bound proven in floating point up to whole GPUs: an LP optimum of
/// 6.0000001 is 6 GPUs, not 7.
const BOUND_ROUNDING: f64 = 1e-6;

/// The smallest whole number of GPUs at or above a bound proven in floating point.
pub fn ceil_bound(value: f64) -> usize {
    (value - BOUND_ROUNDING).ceil().max(0.0) as usize
}

/// The instances of profile `p` that `y[L]` GPUs of each layout `L` offer, as LP terms.
pub fn supply_terms(problem: &Problem, y: &[Variable], p: usize) -> Vec<(Variable, f64)> {
    problem.layouts.iter().zip(y).filter(|(l, _)| l.counts[p] > 0).map(|(l, &v)| (v, l.counts[p] as f64)).collect()
}

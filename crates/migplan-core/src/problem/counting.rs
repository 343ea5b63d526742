//! Counting against rates and bounds computed in floating point: when a sum covers a rate,
//! how many instances serve one, and whole GPUs at or above a proven bound.

/// Relative slack when comparing summed throughput with a rate, so that float rounding in a
/// sum never turns an exact cover into a shortfall.
pub const RATE_TOLERANCE: f64 = 1e-9;

/// True when `capacity` serves `rate`.
pub fn covers(capacity: f64, rate: f64) -> bool {
    capacity >= rate * (1.0 - RATE_TOLERANCE)
}

/// The throughput `served` still lacks for [`covers`] to hold (negative once it does): what a
/// search may prune against without losing a cover `covers` accepts.
pub fn still_missing(served: f64, rate: f64) -> f64 {
    rate * (1.0 - RATE_TOLERANCE) - served
}

/// Slack when rounding a bound proven in floating point up to whole GPUs: an LP optimum of
/// 6.0000001 is 6 GPUs, not 7.
const BOUND_ROUNDING: f64 = 1e-6;

/// The smallest whole number at or above a bound proven in floating point.
pub fn whole_units(value: f64) -> usize {
    (value - BOUND_ROUNDING).ceil().max(0.0) as usize
}

/// How many instances of throughput `each` serve `rate`.
pub fn instances_needed(rate: f64, each: f64) -> usize {
    let n = (rate / each).ceil().max(0.0) as usize;
    // The division can land a hair above an integer; take the smaller count when it covers.
    if n > 0 && covers((n - 1) as f64 * each, rate) {
        n - 1
    } else {
        n
    }
}

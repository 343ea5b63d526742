//! The ranges the numbers migplan reads must fall in (README.md, "Limits"): wide enough for
//! any real GPU and workload, narrow enough that no sum overflows and no search explodes.
//! Every reader checks its numbers here, so a bad value is refused where it enters, with its
//! file, line and field.

/// A closed or half-open interval of accepted values, with the unit for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    /// False when `min` itself is refused (the value must be above it).
    pub min_allowed: bool,
    pub max: f64,
    pub unit: &'static str,
}

/// Requests per second a model must serve.
pub const RATE: Range = Range { min: 0.0, min_allowed: true, max: 1e9, unit: "requests/s" };
/// An instance's throughput, requests per second: at least one request in about 12 days.
pub const THROUGHPUT: Range = Range { min: 1e-6, min_allowed: true, max: 1e9, unit: "requests/s" };
/// A measured latency or an SLO, milliseconds: up to about 2.8 hours.
pub const MILLISECONDS: Range = Range { min: 0.0, min_allowed: false, max: 1e7, unit: "ms" };
/// A batch size or a count of MPS processes.
pub const COUNT: Range = Range { min: 1.0, min_allowed: true, max: 1e6, unit: "" };
/// A time limit, seconds: up to about 11.6 days.
pub const TIME_LIMIT_S: Range = Range { min: 0.0, min_allowed: false, max: 1e6, unit: "s" };

impl Range {
    /// `x` when it lies in the range, else the sentence that says what is accepted.
    pub fn check(&self, x: f64) -> Result<f64, String> {
        let above_min = if self.min_allowed { x >= self.min } else { x > self.min };
        if x.is_finite() && above_min && x <= self.max {
            Ok(x)
        } else {
            Err(format!("{} is not {}", readable(x), self.describe()))
        }
    }

    /// "above 0 and at most 1e9 requests/s".
    pub fn describe(&self) -> String {
        let min = readable(self.min);
        let low = if self.min_allowed { format!("at least {min}") } else { format!("above {min}") };
        format!("{low} and at most {}{}{}", readable(self.max), if self.unit.is_empty() { "" } else { " " }, self.unit)
    }
}

/// A number as people write it: plain when short, in exponent form when huge or tiny.
pub fn readable(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_refuse_what_lies_outside_and_say_what_fits() {
        assert_eq!(RATE.check(0.0), Ok(0.0));
        assert!(THROUGHPUT.check(0.0).unwrap_err().contains("at least 1e-6"));
        assert!(THROUGHPUT.check(1e-320).is_err());
        assert!(THROUGHPUT.check(1e308).unwrap_err().contains("at most 1e9 requests/s"));
        assert!(RATE.check(f64::NAN).is_err());
        assert!(MILLISECONDS.check(f64::INFINITY).is_err());
        assert!(COUNT.check(0.0).is_err());
        assert_eq!(TIME_LIMIT_S.check(10.0), Ok(10.0));
        assert!(TIME_LIMIT_S.check(1e20).is_err());
    }
}

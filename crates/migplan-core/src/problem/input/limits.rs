//! The ranges the numbers migplan reads must fall in (docs/src/cli.md, "Limits"): wide enough for
//! any real GPU and workload, narrow enough that no sum overflows and no search explodes.
//! Every reader checks its numbers here, so a bad value is refused where it enters, with its
//! file, line and field.

use crate::problem::input::rows::InputError;

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
/// What a GPU or a node costs, in any currency per any time: the ratio of the prices is what
/// planning weighs (`problem::fleet::MAX_PRICE_RATIO` bounds it).
pub const PRICE: Range = Range { min: 1e-6, min_allowed: true, max: 1e9, unit: "" };
/// A time limit, seconds: up to about 11.6 days.
pub const TIME_LIMIT_S: Range = Range { min: 0.0, min_allowed: false, max: 1e6, unit: "s" };

/// The most fields a line of a CSV file may hold: far past any profiler's report, and a
/// header of millions of columns is refused before it is read into memory.
pub const MAX_COLUMNS: usize = 1000;

/// Refuses a CSV text with a line of more than [`MAX_COLUMNS`] fields, naming the line,
/// before any reader splits it. Counts commas, quoted or not: a line with a thousand commas
/// inside quotes is no table migplan reads either.
pub fn check_width(file: &str, text: &str) -> Result<(), InputError> {
    let mut offset = 0;
    for piece in text.split('\n') {
        // Shorter than the limit, a line cannot hold that many commas.
        if piece.len() >= MAX_COLUMNS {
            let mut at = offset;
            for line in piece.split('\r') {
                if line.bytes().filter(|&b| b == b',').count() >= MAX_COLUMNS {
                    return Err(InputError {
                        file: file.to_string(),
                        line: Some(line_of(text, at)),
                        column: None,
                        character: None,
                        message: format!("this line has more than {MAX_COLUMNS} fields"),
                        hint: Some(format!(
                            "migplan reads CSV files of at most {MAX_COLUMNS} columns (see Limits in the docs): is this \
                             the profiles or workload file?"
                        )),
                    });
                }
                at += line.len() + 1;
            }
        }
        offset += piece.len() + 1;
    }
    Ok(())
}

/// The 1-based line of byte `offset`, a CRLF or a lone CR ending a line as a `\n` does.
fn line_of(text: &str, offset: usize) -> u64 {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let ends =
        before.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')));
    ends.count() as u64 + 1
}

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

    #[test]
    fn a_line_of_too_many_fields_is_refused_by_its_line() {
        let wide = format!("model,rate\r\n{}\n", ",".repeat(MAX_COLUMNS));
        assert_eq!(check_width("w.csv", &wide).unwrap_err().line, Some(2));
        let cr_only = format!("a\r{}\rb", ",".repeat(MAX_COLUMNS + 5));
        assert_eq!(check_width("w.csv", &cr_only).unwrap_err().line, Some(2));
        // Many short lines are no wide line, whatever their line ends.
        assert!(check_width("w.csv", &"a,b\r".repeat(2 * MAX_COLUMNS)).is_ok());
        assert!(check_width("w.csv", &format!("{}\n", ",".repeat(MAX_COLUMNS - 1))).is_ok());
    }
}

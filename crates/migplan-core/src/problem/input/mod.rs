//! Profiles and workload, read from CSV or JSON text (contract.md).
//!
//! The caller hands over the text and a file name to quote; this module never touches the
//! file system. Every row keeps where it came from so that later checks (an unknown profile,
//! a model with no row within its SLO) can still point at the line.

mod from_csv;
mod from_json;
mod rows;

pub use rows::{InputError, InputErrors, ProfileRow, SourceLoc, WorkloadRow};

fn looks_like_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Reads profile rows from CSV or JSON text (JSON when the text starts with `{`).
pub fn parse_profiles(file: &str, text: &str) -> Result<Vec<ProfileRow>, InputErrors> {
    if looks_like_json(text) {
        from_json::profiles(file, text)
    } else {
        from_csv::profiles(file, text)
    }
}

/// Reads workload rows from CSV or JSON text (JSON when the text starts with `{`).
pub fn parse_workload(file: &str, text: &str) -> Result<Vec<WorkloadRow>, InputErrors> {
    if looks_like_json(text) {
        from_json::workload(file, text)
    } else {
        from_csv::workload(file, text)
    }
}

#[cfg(test)]
mod tests;

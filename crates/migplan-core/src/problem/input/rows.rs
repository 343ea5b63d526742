//! The rows migplan reads, where each came from, and the errors that point back at them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a row came from: the file name as the user gave it and the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceLoc {
    pub file: String,
    pub line: u64,
}

impl fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One measurement: `model` on `profile` at `batch` (with `processes` MPS processes) has
/// this latency and total throughput.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub model: String,
    /// The profile as written: a full name (`3g.20gb`) or a short form (`3g`).
    pub profile: String,
    pub batch: u32,
    pub latency_ms: f64,
    pub throughput: f64,
    pub processes: u32,
    /// The GPU type (catalog id) the row was measured on, for mixed fleets; `None` means
    /// every GPU type planned for.
    pub gpu: Option<String>,
    pub loc: SourceLoc,
}

/// One model to plan for: the rate it must serve and its latency SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    pub model: String,
    pub rate: f64,
    pub slo_ms: f64,
    pub loc: SourceLoc,
}

/// A problem with the input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    pub file: String,
    pub line: Option<u64>,
    /// The field: a CSV column, a JSON key, a box of the page.
    pub column: Option<String>,
    /// The character in the line, where the reader locates by position rather than by field:
    /// JSON, counted as serde_json counts (1 is the first; 0 is before it, at an end of input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character: Option<u32>,
    pub message: String,
    pub hint: Option<String>,
}

impl InputError {
    pub fn at(loc: &SourceLoc, column: Option<&str>, message: impl Into<String>) -> Self {
        InputError {
            file: loc.file.clone(),
            line: Some(loc.line),
            column: column.map(str::to_string),
            character: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each part known is followed by ": "; an error of no file (a request's) starts with
        // its message.
        if !self.file.is_empty() {
            write!(f, "{}", self.file)?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(character) = self.character {
                    write!(f, ":{character}")?;
                }
            }
            write!(f, ": ")?;
        }
        // A request's setting (no file) is named as its asker names it: `--seed: ...`.
        match &self.column {
            Some(column) if self.file.is_empty() => write!(f, "{column}: ")?,
            Some(column) => write!(f, "column `{column}`: ")?,
            None => {}
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in one input, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> Self {
        InputErrors(vec![e])
    }
}

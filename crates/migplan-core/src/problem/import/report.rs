//! What an importer tells the user: the format it read, what it took the file to be, each
//! row it skipped and why, and the counts.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::options::Format;
use crate::problem::input::{ProfileRow, SourceLoc};

/// A row left out, where it is and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: skipped: {}", self.file, self.line, self.reason)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub file: String,
    pub format: Format,
    /// What the file was taken to measure where the file itself does not say (given or from
    /// its name); `None` where each row says it.
    pub model: Option<String>,
    pub profile: Option<String>,
    pub batch: Option<u32>,
    /// Data rows read.
    pub read: usize,
    pub kept: usize,
    pub skipped: Vec<Skipped>,
    /// What was assumed (a default batch, the meaning of a latency column).
    pub notes: Vec<String>,
}

impl Report {
    pub fn new(file: &str, format: Format, read: usize) -> Report {
        Report {
            file: file.to_string(),
            format,
            model: None,
            profile: None,
            batch: None,
            read,
            kept: read,
            skipped: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn skip(&mut self, loc: &SourceLoc, reason: impl Into<String>) {
        self.skipped.push(Skipped { file: loc.file.clone(), line: loc.line, reason: reason.into() });
        self.kept = self.read - self.skipped.len();
    }

    /// "f.csv: perf-analyzer (model resnet50, profile 3g.20gb, batch 8): 4 rows read, 4 kept, 0 skipped".
    pub fn summary(&self) -> String {
        let mut what: Vec<String> = Vec::new();
        if let Some(m) = &self.model {
            what.push(format!("model {m}"));
        }
        if let Some(p) = &self.profile {
            what.push(format!("profile {p}"));
        }
        if let Some(b) = self.batch {
            what.push(format!("batch {b}"));
        }
        let what = if what.is_empty() { String::new() } else { format!(" ({})", what.join(", ")) };
        format!(
            "{}: {}{what}: {} row{} read, {} kept, {} skipped",
            self.file,
            self.format.name(),
            self.read,
            if self.read == 1 { "" } else { "s" },
            self.kept,
            self.skipped.len()
        )
    }
}

/// The rows of one file and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub rows: Vec<ProfileRow>,
    pub report: Report,
}

impl Imported {
    /// Starts an import of `read` data rows.
    pub(crate) fn start(file: &str, format: Format, read: usize) -> Imported {
        Imported { rows: Vec::new(), report: Report::new(file, format, read) }
    }

    /// Keeps a converted row or records why it was skipped.
    pub(crate) fn take(&mut self, loc: &SourceLoc, row: Result<ProfileRow, String>) {
        match row {
            Ok(r) => self.rows.push(r),
            Err(reason) => self.report.skip(loc, reason),
        }
    }
}

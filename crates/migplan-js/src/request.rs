//! What a page asks `plan` for besides the rows: the options, and the problems found in the
//! request, each placed where the caller will look for it.

use serde::Serialize;

/// `plan`'s options; every one may be left out.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    pub gpu: String,
    pub solver: String,
    /// Seconds; the solver returns its best plan when they are up.
    pub time_limit_s: f64,
    /// The fixed seed by default: the same inputs give the same plan.
    pub seed: u64,
}

impl PlanOptions {
    pub const FIELDS: [&'static str; 4] = ["gpu", "solver", "time_limit_s", "seed"];
    pub const HINT: &'static str = "options: {gpu, solver, time_limit_s, seed}, each optional";
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { gpu: "a100-40gb".into(), solver: "auto".into(), time_limit_s: 10.0, seed: 1 }
    }
}

/// One problem with the inputs, for JS: `row` is the index in an array of row objects and
/// `column` its field; `line`, `column` and `character` place it in CSV or JSON text the
/// caller gave.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiError {
    pub file: String,
    pub row: Option<usize>,
    pub line: Option<u64>,
    pub column: Option<String>,
    /// The character in the line, for JSON text (as serde_json counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<u32>,
    pub message: String,
    pub hint: Option<String>,
}

impl ApiError {
    pub(crate) fn plain(column: &str, message: String, hint: &str) -> ApiError {
        ApiError { column: Some(column.into()), message, hint: Some(hint.into()), ..ApiError::default() }
    }

    /// "workload[2], rate: ...", "workload.csv, line 3, rate: ..." or "p.json, line 2,
    /// character 14: ...".
    pub fn describe(&self) -> String {
        let mut place = self.file.clone();
        match (self.row, self.line) {
            (Some(row), _) => place.push_str(&format!("[{row}]")),
            (None, Some(line)) => place.push_str(&format!(", line {line}")),
            _ => {}
        }
        if let Some(character) = self.character {
            place.push_str(&format!(", character {character}"));
        }
        if let Some(column) = &self.column {
            place = if place.is_empty() { column.clone() } else { format!("{place}, {column}") };
        }
        format!("{place}: {}", self.message)
    }
}

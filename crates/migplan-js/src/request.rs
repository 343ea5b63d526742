//! What a page asks `plan` for besides the rows: the options (settings of the core's table,
//! read through it), and the problems found in the request, each placed where the caller will
//! look for it.

use migplan_core::workflow::settings::{Key, Path};
use serde::Serialize;

/// The settings `plan` takes as options, each by the table's JS option name; every one may be
/// left out (the table's default). The others (a move's, an export's, a sweep's) belong to
/// what the API does not offer.
pub const OPTIONS: [Key; 9] = [
    Key::Gpu,
    Key::Latency,
    Key::Solver,
    Key::TimeLimit,
    Key::Seed,
    Key::Headroom,
    Key::HeadroomFor,
    Key::NodeCost,
    Key::GpusPerNode,
];

/// What the options may be, for a hint.
pub fn options_hint() -> String {
    let names: Vec<&str> = OPTIONS.iter().map(|k| k.name(Path::Api)).collect();
    format!("options: {{{}}}, each optional", names.join(", "))
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

    /// `"workload[2], rate: ..."`, "workload.csv, line 3, rate: ..." or "p.json, line 2,
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

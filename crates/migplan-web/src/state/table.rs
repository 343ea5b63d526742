//! The workload CSV as the rows of an editable table, and back.

use migplan_core::problem::input::limits::check_width;
use migplan_core::problem::input::{is_json, EditorLines};
use migplan_core::text;

/// Why a workload is not shown as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTable {
    Json,
    /// The header lacks model, rate or slo_ms (or there is no header).
    Columns,
    /// A row has more or fewer fields than the header (often a number written 2,500): a
    /// table of it would show the values in the wrong columns.
    Ragged,
}

/// Workload rows as editable cells (model, rate, slo_ms) with each row's line in the file,
/// read leniently so that a value that does not parse still shows in the table.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRows {
    pub cells: Vec<[String; 3]>,
    pub lines: Vec<u64>,
}

/// The rows of the workload file `name` holding `text`; JSON (as the core reads it) is no table.
pub fn workload_rows(name: &str, text: &str) -> Result<WorkloadRows, NoTable> {
    if is_json(name, text) {
        return Err(NoTable::Json);
    }
    // A line past the width any reader takes is no table (the reader says why).
    if check_width(name, text).is_err() {
        return Err(NoTable::Ragged);
    }
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).flexible(true).from_reader(text.as_bytes());
    let lines = EditorLines::new(text);
    let headers: Vec<String> =
        reader.headers().map_err(|_| NoTable::Columns)?.iter().map(|h| h.to_ascii_lowercase()).collect();
    let column = |name: &str| headers.iter().position(|h| h == name).ok_or(NoTable::Columns);
    let (m, r, s) = (column("model")?, column("rate")?, column("slo_ms")?);
    let mut rows = WorkloadRows { cells: Vec::new(), lines: Vec::new() };
    for record in reader.records() {
        let record = record.map_err(|_| NoTable::Ragged)?;
        if record.len() != headers.len() {
            return Err(NoTable::Ragged);
        }
        let cell = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.cells.push([cell(m), cell(r), cell(s)]);
        rows.lines.push(record.position().map_or(0, |p| lines.of_record(p)));
    }
    Ok(rows)
}

/// The cells of [`workload_rows`], when the workload is a table.
pub fn workload_cells(name: &str, text: &str) -> Option<Vec<[String; 3]>> {
    workload_rows(name, text).ok().map(|rows| rows.cells)
}

/// The cells written back as the workload CSV, quoted as every CSV migplan writes (a model
/// typed as `#bert` stays a model, not a comment line).
pub fn workload_text(rows: &[[String; 3]]) -> String {
    text::csv(std::iter::once(&["model".to_string(), "rate".to_string(), "slo_ms".to_string()]).chain(rows))
}

//! A profiler's CSV as the importers see it: headers found by name (any case, trimmed),
//! records with their lines, and the checks every imported row goes through.

use crate::problem::input::limits::{check_width, Range, COUNT, MILLISECONDS, THROUGHPUT};
use crate::problem::input::{EditorLines, InputError, InputErrors, ProfileRow, SourceLoc};
use crate::text::name_problem;

pub(crate) struct Table {
    pub file: String,
    /// Header names as written, trimmed.
    pub headers: Vec<String>,
    /// The line of the header (comment and blank lines may come before it).
    pub header_line: u64,
    /// Each record with the line it starts on.
    records: Vec<(csv::StringRecord, u64)>,
}

fn not_csv(file: &str, lines: &EditorLines, e: csv::Error) -> InputErrors {
    InputError {
        file: file.to_string(),
        line: e.position().map(|p| lines.of_record(p)),
        column: None,
        character: None,
        message: format!("not a CSV file migplan can read: {e}"),
        hint: None,
    }
    .into()
}

impl Table {
    /// Reads the whole text; a malformed CSV is an error that names its line.
    /// A row with more fields than the header is refused, as migplan's own reader refuses
    /// it: its values would sit under the wrong columns (a p99 written `15,266`, another
    /// tool's header over these rows), read as sense.
    pub fn read(file: &str, text: &str) -> Result<Table, InputErrors> {
        let (mut table, mut reader, lines) = Table::start(file, text)?;
        let mut longer = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| not_csv(file, &lines, e))?;
            let line = record.position().map_or(0, |p| lines.of_record(p));
            if record.len() > table.headers.len() {
                let loc = SourceLoc { file: file.to_string(), line };
                let message =
                    format!("this row has {} fields but the header has {}", record.len(), table.headers.len());
                longer.push(InputError::at(&loc, None, message).with_hint(
                    "a number with a thousands separator (15,266) splits into two fields: write 15266; or the \
                     header is another tool's: give each file as its tool wrote it",
                ));
                continue;
            }
            table.records.push((record, line));
        }
        if !longer.is_empty() {
            return Err(InputErrors(longer));
        }
        Ok(table)
    }

    /// The header alone, without a record: enough to tell the format, so that a large file
    /// in migplan's own format is not read twice.
    pub fn header(file: &str, text: &str) -> Result<Table, InputErrors> {
        Ok(Table::start(file, text)?.0)
    }

    fn start<'t>(file: &str, text: &'t str) -> Result<(Table, csv::Reader<&'t [u8]>, EditorLines<'t>), InputErrors> {
        check_width(file, text)?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let lines = EditorLines::new(text);
        let header = reader.headers().map_err(|e| not_csv(file, &lines, e))?;
        let header_line = header.position().map_or(1, |p| lines.of_record(p));
        let headers = header.iter().map(|h| h.trim().to_string()).collect();
        Ok((Table { file: file.to_string(), headers, header_line, records: Vec::new() }, reader, lines))
    }

    /// The index of the column named `name`, in any case.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.eq_ignore_ascii_case(name))
    }

    /// True when every one of `names` is a column.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.column(n).is_some())
    }

    /// How many data rows the file has.
    pub fn row_count(&self) -> usize {
        self.records.len()
    }

    /// Each data row with where it is in the file.
    pub fn rows(&self) -> impl Iterator<Item = (&csv::StringRecord, SourceLoc)> {
        self.records.iter().map(|(record, line)| (record, SourceLoc { file: self.file.clone(), line: *line }))
    }

    /// The error for a file whose header lacks a column this format needs.
    pub fn missing(&self, format: &str, column: &str, expected: &str) -> InputErrors {
        InputError {
            file: self.file.clone(),
            line: Some(self.header_line),
            column: Some(column.to_string()),
            character: None,
            message: format!("this {format} file has no column `{column}`"),
            hint: Some(format!("expected the columns {expected}; the header has {}", self.headers.join(", "))),
        }
        .into()
    }
}

/// The error for a file that does not say what it measured.
pub(crate) fn not_given(table: &Table, what: &str, flag: &str) -> InputErrors {
    InputError {
        file: table.file.clone(),
        line: None,
        column: None,
        character: None,
        message: format!("the file does not say which {what} it measured"),
        hint: Some(format!(
            "name the file MODEL@PROFILE@bBATCH.csv (e.g. resnet50@3g.20gb@b8.csv) or give {flag} \
             (on the page: fill in the {what} field of the file's row)"
        )),
    }
    .into()
}

/// The text of column `i` of a record, or why there is none.
pub(crate) fn field<'r>(record: &'r csv::StringRecord, i: usize, name: &str) -> Result<&'r str, String> {
    match record.get(i) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("`{name}` is empty")),
    }
}

/// Column `i` as a number.
pub(crate) fn number(record: &csv::StringRecord, i: usize, name: &str) -> Result<f64, String> {
    let v = field(record, i, name)?;
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("`{name}` is `{v}`, not a number")),
    }
}

/// Column `i` as a whole number (a batch size, a process count, a profile id).
pub(crate) fn whole(record: &csv::StringRecord, i: usize, name: &str) -> Result<u32, String> {
    let v = field(record, i, name)?;
    let x: f64 = v.parse().map_err(|_| format!("`{name}` is `{v}`, not a whole number"))?;
    if x.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&x) {
        return Err(format!("`{name}` is `{v}`, not a whole number"));
    }
    Ok(x as u32)
}

fn ranged(what: &str, x: f64, range: &Range) -> Result<f64, String> {
    range.check(x).map_err(|m| format!("{what} {m} (see Limits in the docs)"))
}

/// A converted row, checked against the ranges every input meets (`input::limits`).
pub(crate) fn checked_row(
    model: &str,
    profile: &str,
    batch: u32,
    latency_ms: f64,
    throughput: f64,
    processes: u32,
    loc: SourceLoc,
) -> Result<ProfileRow, String> {
    if let Some(problem) = name_problem(model) {
        return Err(format!("model `{model}`: {problem}"));
    }
    ranged("batch", f64::from(batch), &COUNT)?;
    ranged("processes", f64::from(processes), &COUNT)?;
    let latency_ms = ranged("latency", latency_ms, &MILLISECONDS)?;
    let throughput = ranged("throughput", throughput, &THROUGHPUT)?;
    Ok(ProfileRow {
        model: model.to_string(),
        profile: profile.to_string(),
        batch,
        latency_ms,
        throughput,
        processes,
        gpu: None,
        loc,
    })
}

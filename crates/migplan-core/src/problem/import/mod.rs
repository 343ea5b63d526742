//! Profiles as profilers write them: perf_analyzer, Model Analyzer, MIGPerf and ParvaGPU
//! CSVs (one module each), read into the contract's [`ProfileRow`]s with every unit
//! converted in [`units`]. Text in, rows out: no files, no I/O.
//!
//! Every importer keeps each row's file and line, skips the rows it cannot use and says why
//! ([`Report`]), and refuses a file it does not recognise, naming the headers it expected.
//! migplan's own profiles (CSV or JSON) pass through unchanged, so any mix of files can be
//! merged ([`import_all`]).

mod migperf;
mod model_analyzer;
mod options;
pub mod parvagpu;
mod perf_analyzer;
mod report;
mod table;
pub mod units;

use crate::problem::input::{is_json, parse_profiles, InputError, InputErrors, ProfileRow};

pub use options::{Format, Given, ImportOptions, Percentile};
pub use report::{Imported, Report, Skipped};
use table::Table;

/// What a file name `MODEL@PROFILE@bBATCH.csv` (or `MODEL@PROFILE.csv`) says; a name without
/// `@` says nothing. Folders are ignored.
pub fn from_file_name(file: &str) -> Given {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.strip_suffix(".csv").or_else(|| base.strip_suffix(".CSV")).unwrap_or(base);
    let parts: Vec<&str> = stem.split('@').map(str::trim).collect();
    if parts.len() < 2 {
        return Given::default();
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Given {
        model: non_empty(parts[0]),
        profile: non_empty(parts[1]),
        batch: parts.get(2).and_then(|b| b.strip_prefix(['b', 'B'])).and_then(|b| b.parse().ok()),
    }
}

/// The given values, each falling back on the file name's.
fn given_or_named(file: &str, given: &Given) -> Given {
    let named = from_file_name(file);
    Given {
        model: given.model.clone().or(named.model),
        profile: given.profile.clone().or(named.profile),
        batch: given.batch.or(named.batch),
    }
}

/// The format of a table, from its header.
fn detect(table: &Table) -> Option<Format> {
    if table.has_all(Format::Migplan.signature()) {
        Some(Format::Migplan)
    } else if table.has_all(&["Inferences/Second"])
        && (table.column("Concurrency").is_some() || table.column("Request Rate").is_some())
    {
        Some(Format::PerfAnalyzer)
    } else if table.has_all(Format::ModelAnalyzer.signature()) {
        Some(Format::ModelAnalyzer)
    } else if table.has_all(Format::Migperf.signature()) {
        Some(Format::Migperf)
    } else if table.has_all(Format::Parvagpu.signature()) {
        Some(Format::Parvagpu)
    } else if table.headers.iter().all(|h| h.is_empty())
        || ["profile", "latency_ms"].iter().any(|c| table.column(c).is_some())
    {
        // An empty file, or migplan's own header with a column missing: its reader says
        // exactly what is wrong.
        Some(Format::Migplan)
    } else {
        None
    }
}

/// The format a file's header shows, if migplan knows it (for the page's file table).
pub fn detect_format(file: &str, text: &str) -> Option<Format> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_json(file, text) {
        return Some(Format::Migplan);
    }
    detect(&Table::header(file, text).ok()?)
}

fn unrecognised(table: &Table) -> InputErrors {
    let expected: Vec<String> =
        Format::ALL.iter().map(|f| format!("{}: {}", f.name(), f.signature().join(", "))).collect();
    InputError {
        file: table.file.clone(),
        line: Some(table.header_line),
        column: None,
        character: None,
        message: format!("migplan does not recognise this file's header ({})", table.headers.join(", ")),
        hint: Some(format!("expected the columns of one of: {}", expected.join("; "))),
    }
    .into()
}

/// Reads one file in `options.format`, or the format its header shows.
pub fn import(file: &str, text: &str, options: &ImportOptions) -> Result<Imported, InputErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_json(file, text) && matches!(options.format, None | Some(Format::Migplan)) {
        return migplan_rows(file, text);
    }
    let format = match options.format {
        Some(f) => f,
        None => {
            let headed = Table::header(file, text)?;
            detect(&headed).ok_or_else(|| unrecognised(&headed))?
        }
    };
    let given = given_or_named(file, &options.given);
    let table = || Table::read(file, text);
    match format {
        Format::Migplan => migplan_rows(file, text),
        Format::PerfAnalyzer => perf_analyzer::import(&table()?, &given, options.latency),
        Format::ModelAnalyzer => model_analyzer::import(&table()?, &given, options.latency),
        Format::Migperf => migperf::import(&table()?, &given, options.gpu.as_ref()),
        Format::Parvagpu => parvagpu::import(&table()?, &given, options.gpu.as_ref()),
    }
}

/// migplan's own profiles, read as `--profiles` always read them: every row kept or an error.
fn migplan_rows(file: &str, text: &str) -> Result<Imported, InputErrors> {
    let rows = parse_profiles(file, text)?;
    let report = Report::new(file, Format::Migplan, rows.len());
    Ok(Imported { rows, report })
}

/// Reads every file and merges the rows; all the files' errors together.
pub fn import_all<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str, ImportOptions)>,
) -> Result<(Vec<ProfileRow>, Vec<Report>), InputErrors> {
    let (mut rows, mut reports, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for (file, text, options) in files {
        match import(file, text, &options) {
            Ok(imported) => {
                rows.extend(imported.rows);
                reports.push(imported.report);
            }
            Err(e) => errors.extend(e.0),
        }
    }
    if errors.is_empty() {
        Ok((rows, reports))
    } else {
        Err(InputErrors(errors))
    }
}

/// Rows as the contract's profiles CSV, the file `migplan import` writes.
pub fn profiles_csv(rows: &[ProfileRow]) -> String {
    // The `gpu` column only when some row names its GPU, so single-GPU files stay as they were.
    let with_gpu = rows.iter().any(|r| r.gpu.is_some());
    let mut out = String::from("model,profile,batch,latency_ms,throughput,processes");
    out += if with_gpu { ",gpu\n" } else { "\n" };
    for r in rows {
        out += &format!(
            "{},{},{},{},{},{}",
            quoted(&r.model),
            quoted(&r.profile),
            r.batch,
            r.latency_ms,
            r.throughput,
            r.processes
        );
        if with_gpu {
            out += ",";
            out += r.gpu.as_deref().unwrap_or("");
        }
        out += "\n";
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn quoted(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests;

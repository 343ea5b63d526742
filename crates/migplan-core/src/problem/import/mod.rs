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

use crate::problem::input::limits::COUNT;
use crate::problem::input::{is_json, parse_profiles, InputError, InputErrors, ProfileRow};
use crate::text::{name_problem, NAME_HINT};

pub use options::{Format, Given, ImportOptions, Percentile};
pub use report::{Imported, Report, Skipped};
use table::Table;

/// What a file name `MODEL@PROFILE@bBATCH.csv` (or `MODEL@PROFILE.csv`) says; a name without
/// `@` says nothing. Folders are ignored. `Err` says what in a name with `@` is no part of
/// that pattern (a fourth part, a batch that is not `b` and a whole number in range).
pub fn from_file_name(file: &str) -> Result<Given, String> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.strip_suffix(".csv").or_else(|| base.strip_suffix(".CSV")).unwrap_or(base);
    let parts: Vec<&str> = stem.split('@').map(str::trim).collect();
    if parts.len() < 2 {
        return Ok(Given::default());
    }
    if parts.len() > 3 {
        return Err(format!("the file name has {} parts between `@`s, not MODEL@PROFILE@bBATCH", parts.len()));
    }
    let batch = match parts.get(2) {
        None => None,
        Some(b) => {
            let n = b.strip_prefix(['b', 'B']).and_then(|n| n.parse::<u32>().ok());
            match n.filter(|&n| COUNT.check(f64::from(n)).is_ok()) {
                Some(n) => Some(n),
                None => {
                    return Err(format!(
                        "`{b}` in the file name is not a batch: b and a whole number {}, as in @b8",
                        COUNT.describe()
                    ))
                }
            }
        }
    };
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(Given { model: non_empty(parts[0]), profile: non_empty(parts[1]), batch })
}

/// What a format needs to be told about a file where its rows do not say it.
#[derive(Clone, Copy, PartialEq)]
enum Needs {
    Model,
    Profile,
    Batch,
}

/// The given values, each falling back on the file name's, and each checked: the model a
/// name every reader accepts, the profile one some GPU has. A file name that does not read
/// as `MODEL@PROFILE@bBATCH` is an error only when the format needs what the flags leave out.
fn given_or_named(file: &str, given: &Given, needs: &[Needs]) -> Result<Given, InputErrors> {
    let missing = |n: &Needs| match n {
        Needs::Model => given.model.is_none(),
        Needs::Profile => given.profile.is_none(),
        Needs::Batch => given.batch.is_none(),
    };
    let named = match from_file_name(file) {
        Ok(named) => named,
        Err(_) if !needs.iter().any(missing) => Given::default(),
        Err(problem) => {
            return Err(InputError {
                file: file.to_string(),
                line: None,
                column: None,
                character: None,
                message: problem,
                hint: Some(
                    "name the file MODEL@PROFILE@bBATCH.csv (e.g. resnet50@3g.20gb@b8.csv), or give --model, \
                     --profile and --batch (on the page: fill in the fields of the file's row)"
                        .into(),
                ),
            }
            .into())
        }
    };
    // Trimmed as every reader trims a field, so that a name reads back as it was written.
    let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let chosen = Given {
        model: trimmed(&given.model).or(named.model),
        profile: trimmed(&given.profile).or(named.profile),
        batch: given.batch.or(named.batch),
    };
    let refuse = |column: &str, message: String, hint: &str| InputError {
        file: file.to_string(),
        line: None,
        column: Some(column.to_string()),
        character: None,
        message,
        hint: Some(hint.to_string()),
    };
    let mut errors = Vec::new();
    if let Some(problem) = chosen.model.as_deref().and_then(name_problem) {
        errors.push(refuse("model", format!("the model given for this file: {problem}"), NAME_HINT));
    }
    if let Some(Err(problem)) = chosen.profile.as_deref().map(units::known_profile) {
        errors.push(refuse("profile", format!("the profile given for this file: {problem}"), units::PROFILE_HINT));
    }
    if errors.is_empty() {
        Ok(chosen)
    } else {
        Err(InputErrors(errors))
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
    let given = |needs: &[Needs]| given_or_named(file, &options.given, needs);
    let table = || Table::read(file, text);
    match format {
        Format::Migplan => migplan_rows(file, text),
        Format::PerfAnalyzer => {
            let given = given(&[Needs::Model, Needs::Profile, Needs::Batch])?;
            perf_analyzer::import(&table()?, &given, options.latency)
        }
        Format::ModelAnalyzer => model_analyzer::import(&table()?, &given(&[Needs::Profile])?, options.latency),
        Format::Migperf => migperf::import(&table()?, &given(&[Needs::Profile])?, options.gpu.as_ref()),
        Format::Parvagpu => parvagpu::import(&table()?, &given(&[Needs::Model])?, options.gpu.as_ref()),
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
    merge(files.into_iter().map(|(file, text, options)| import(file, text, &options)))
}

/// The rows and reports of files read one by one, merged; all the files' errors together.
pub fn merge(
    imports: impl IntoIterator<Item = Result<Imported, InputErrors>>,
) -> Result<(Vec<ProfileRow>, Vec<Report>), InputErrors> {
    let (mut rows, mut reports, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for imported in imports {
        match imported {
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

#[cfg(test)]
mod tests;

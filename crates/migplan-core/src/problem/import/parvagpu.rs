//! ParvaGPU (SC'24) `prof_data/<model>.csv`: `Mig instance` (compute slices), `Batch size`,
//! `Workload Number` (MPS processes sharing the instance), `Throughput` (one process's,
//! requests/s), `Latency` (seconds per batch). The model is the file's name. Rows of 0,0
//! are ParvaGPU's mark for a configuration that did not fit; they are skipped.
//!
//! Its SLO scenario files (`SLO/SLO_req_rate.csv`, `SLO/SLO_latency.csv`: one scenario per
//! line, one column per model in the alphabetical order of the profile files, `N/A` for a
//! model absent, no header) become a workload with [`scenario`].

use super::options::{Format, Given};
use super::report::Imported;
use super::table::{checked_row, number, whole, Table};
use super::units::{per_process_to_instance, profile_of_slices, seconds_to_ms};
use crate::hardware::spec::GpuSpec;
use crate::problem::input::limits::{check_width, MILLISECONDS, RATE};
use crate::problem::input::{InputError, InputErrors, SourceLoc, WorkloadRow};
use crate::text::{name_problem, NAME_HINT};

const COLUMNS: [&str; 5] = ["Mig instance", "Batch size", "Workload Number", "Throughput", "Latency"];

/// The model a profile file measures: what the user gave, else the file's name.
pub fn model_of_file(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.strip_suffix(".csv").unwrap_or(base).to_string()
}

pub(super) fn import(table: &Table, given: &Given, gpu: Option<&GpuSpec>) -> Result<Imported, InputErrors> {
    let mut columns = [0; 5];
    for (i, name) in COLUMNS.iter().enumerate() {
        columns[i] = table.column(name).ok_or_else(|| table.missing("ParvaGPU", name, &COLUMNS.join(", ")))?;
    }
    let [slices, batch, processes, throughput, latency] = columns;
    let model = given.model.clone().unwrap_or_else(|| model_of_file(&table.file));
    if let Some(problem) = name_problem(&model) {
        let message = format!("the model `{model}` this file is named for: {problem}");
        return Err(InputError {
            file: table.file.clone(),
            line: None,
            column: Some("model".into()),
            character: None,
            message,
            hint: Some(format!(
                "{NAME_HINT}, or give --model (on the page: fill in the model field of the file's row)"
            )),
        }
        .into());
    }

    let mut out = Imported::start(&table.file, Format::Parvagpu, table.row_count());
    out.report.model = Some(model.clone());
    out.report.notes.push(
        "latency from `Latency`, seconds converted to ms; throughput = `Throughput` (per MPS process) x \
         `Workload Number`"
            .into(),
    );
    for (record, loc) in table.rows() {
        let row = whole(record, slices, "Mig instance").and_then(|n| {
            let profile = profile_of_slices(gpu, n).ok_or_else(|| {
                format!(
                    "no plain profile has {n} compute slices{}",
                    gpu.map(|g| format!(" on {}", g.id)).unwrap_or_default()
                )
            })?;
            let b = whole(record, batch, "Batch size")?;
            let p = whole(record, processes, "Workload Number")?;
            let (tp, s) = (number(record, throughput, "Throughput")?, number(record, latency, "Latency")?);
            if tp == 0.0 && s == 0.0 {
                return Err(
                    "throughput and latency are 0: ParvaGPU's mark for a run that did not fit (out of memory)".into()
                );
            }
            checked_row(&model, &profile, b, seconds_to_ms(s), per_process_to_instance(tp, p), p, loc.clone())
        });
        out.take(&loc, row);
    }
    Ok(out)
}

/// The non-empty lines of a headerless CSV, each with its line number and trimmed cells.
fn lines(text: &str) -> Vec<(u64, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i as u64 + 1, l.split(',').map(str::trim).collect()))
        .collect()
}

/// A scenario of ParvaGPU's SLO files as a workload, and the models it leaves out (`N/A` for
/// both rate and SLO), to be named.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub workload: Vec<WorkloadRow>,
    pub absent: Vec<String>,
}

/// Scenario `k` (1-based line) of ParvaGPU's rate and SLO files as a workload: `models` name
/// the columns (ParvaGPU's profile files, alphabetically). A model `N/A` in both files is
/// absent from the scenario; `N/A` in one only is an error (a rate with no SLO, or an SLO
/// with no rate, cannot be planned), and so is a scenario with no model.
pub fn scenario(rates: (&str, &str), slos: (&str, &str), models: &[String], k: usize) -> Result<Scenario, InputErrors> {
    let pick = |(file, text): (&str, &str)| -> Result<(u64, Vec<String>), InputError> {
        check_width(file, text)?;
        let all = lines(text);
        let (line, cells) = all.get(k.wrapping_sub(1)).ok_or_else(|| InputError {
            file: file.to_string(),
            line: None,
            column: None,
            character: None,
            message: format!("there is no scenario {k}: the file has {} scenario lines", all.len()),
            hint: Some("scenarios are numbered from 1, one per line".into()),
        })?;
        if cells.len() != models.len() {
            let message = format!("scenario {k} has {} columns but {} models were named", cells.len(), models.len());
            return Err(InputError::at(&SourceLoc { file: file.to_string(), line: *line }, None, message).with_hint(
                "the columns are the models of the profile files, alphabetically: give every prof_data file",
            ));
        }
        Ok((*line, cells.iter().map(|c| c.to_string()).collect()))
    };
    let (r, s) = (pick(rates), pick(slos));
    let ((rate_line, rate_cells), (slo_line, slo_cells)) = match (r, s) {
        (Ok(r), Ok(s)) => (r, s),
        (r, s) => return Err(InputErrors(r.err().into_iter().chain(s.err()).collect())),
    };
    let (mut rows, mut absent, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    let loc = SourceLoc { file: rates.0.to_string(), line: rate_line };
    let slo_loc = SourceLoc { file: slos.0.to_string(), line: slo_line };
    for (m, model) in models.iter().enumerate() {
        let not_given = |cell: &str| cell.eq_ignore_ascii_case("N/A");
        match (not_given(&rate_cells[m]), not_given(&slo_cells[m])) {
            (true, true) => {
                absent.push(model.clone());
                continue;
            }
            (false, true) | (true, false) => {
                let (at, what, other) = if not_given(&slo_cells[m]) {
                    (&slo_loc, "its latency SLO is N/A", format!("a rate of {}", rate_cells[m]))
                } else {
                    (&loc, "its rate is N/A", format!("an SLO of {} ms", slo_cells[m]))
                };
                errors.push(
                    InputError::at(at, Some(model), format!("scenario {k}: `{model}` has {other} but {what}"))
                        .with_hint("a model needs both a rate and an SLO, or N/A in both files to leave it out"),
                );
                continue;
            }
            (false, false) => {}
        }
        let value = |loc: &SourceLoc, cell: &str, range: &crate::problem::input::limits::Range| {
            cell.parse::<f64>()
                .map_err(|_| format!("`{cell}` is not a number"))
                .and_then(|x| range.check(x))
                .map_err(|m| InputError::at(loc, Some(model), m).with_hint(format!("a number {}", range.describe())))
        };
        match (value(&loc, &rate_cells[m], &RATE), value(&slo_loc, &slo_cells[m], &MILLISECONDS)) {
            (Ok(rate), Ok(slo_ms)) => rows.push(WorkloadRow { model: model.clone(), rate, slo_ms, loc: loc.clone() }),
            (a, b) => errors.extend(a.err().into_iter().chain(b.err())),
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(
            InputError::at(&loc, None, format!("scenario {k} lists no model: every column is N/A"))
                .with_hint("choose a scenario with at least one rate and SLO"),
        );
    }
    if errors.is_empty() {
        Ok(Scenario { workload: rows, absent })
    } else {
        Err(InputErrors(errors))
    }
}

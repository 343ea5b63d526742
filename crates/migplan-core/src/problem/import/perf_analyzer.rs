//! Triton perf_analyzer's `-f out.csv` (with or without `--verbose-csv`, `--collect-metrics`):
//! one file per model, MIG profile and batch size, which the file does not name, so they
//! come from the user or the file name `MODEL@PROFILE@bBATCH.csv`. First column
//! `Concurrency` or `Request Rate`; `Inferences/Second` is the throughput (samples/s);
//! `pNN latency` columns are microseconds. Every row is an operating point.

use super::options::{Format, Given, Percentile};
use super::report::Imported;
use super::table::{checked_row, not_given, number, Table};
use super::units::microseconds_to_ms;
use crate::problem::input::InputErrors;

const EXPECTED: &str = "Concurrency or Request Rate, Inferences/Second, p50 latency, p90 latency, p95 latency, \
                        p99 latency (perf_analyzer -f)";

/// perf_analyzer's own default batch size (`-b`).
const DEFAULT_BATCH: u32 = 1;

pub(super) fn import(table: &Table, given: &Given, latency: Percentile) -> Result<Imported, InputErrors> {
    let format = "perf_analyzer";
    let throughput =
        table.column("Inferences/Second").ok_or_else(|| table.missing(format, "Inferences/Second", EXPECTED))?;
    let latency_name = format!("{} latency", latency.name());
    let latency_column = table.column(&latency_name).ok_or_else(|| table.missing(format, &latency_name, EXPECTED))?;
    let model = given.model.clone().ok_or_else(|| not_given(table, "model", "--model"))?;
    let profile = given.profile.clone().ok_or_else(|| not_given(table, "profile", "--profile"))?;
    let batch = given.batch.unwrap_or(DEFAULT_BATCH);

    let mut out = Imported::start(&table.file, Format::PerfAnalyzer, table.row_count());
    out.report.model = Some(model.clone());
    out.report.profile = Some(profile.clone());
    out.report.batch = Some(batch);
    if given.batch.is_none() {
        out.report.notes.push(format!(
            "no batch size given (file name or --batch): perf_analyzer's default -b {DEFAULT_BATCH} assumed"
        ));
    }
    out.report.notes.push(format!("latency from `{latency_name}`, microseconds converted to ms"));
    for (record, loc) in table.rows() {
        let row = number(record, throughput, "Inferences/Second").and_then(|tp| {
            let us = number(record, latency_column, &latency_name)?;
            checked_row(&model, &profile, batch, microseconds_to_ms(us), tp, 1, loc.clone())
        });
        out.take(&loc, row);
    }
    Ok(out)
}

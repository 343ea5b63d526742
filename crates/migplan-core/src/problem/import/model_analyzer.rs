//! Triton Model Analyzer's `metrics-model-inference.csv` (and any of its reports with the
//! same columns): model from `Model`, batch from `Batch`, throughput from `Throughput
//! (infer/sec)`, latency from the chosen `pNN Latency (ms)` column, all found by name. The
//! MIG profile the run was made on is not in the file: the user or the file name gives it.
//! Rows of several models run together (`"resnet50,vgg19"`) are skipped.

use super::options::{Format, Given, Percentile};
use super::report::Imported;
use super::table::{checked_row, field, not_given, number, whole, Table};
use super::units::milliseconds;
use crate::problem::input::InputErrors;

const EXPECTED: &str = "Model, Batch, Throughput (infer/sec), p99 Latency (ms) (or p50/p90/p95), as in \
                        metrics-model-inference.csv";

pub(super) fn import(table: &Table, given: &Given, latency: Percentile) -> Result<Imported, InputErrors> {
    let format = "Model Analyzer";
    let column = |name: &str| table.column(name).ok_or_else(|| table.missing(format, name, EXPECTED));
    let (model, batch, throughput) = (column("Model")?, column("Batch")?, column("Throughput (infer/sec)")?);
    let latency_name = format!("{} Latency (ms)", latency.name());
    let latency_column = column(&latency_name)?;
    let profile = given.profile.clone().ok_or_else(|| not_given(table, "profile", "--profile"))?;

    let mut out = Imported::start(&table.file, Format::ModelAnalyzer, table.row_count());
    out.report.profile = Some(profile.clone());
    out.report.notes.push(format!("latency from `{latency_name}`, milliseconds"));
    for (record, loc) in table.rows() {
        let row = field(record, model, "Model").and_then(|name| {
            if name.contains(',') {
                return Err(format!(
                    "`{name}` were measured together (a multi-model run): migplan needs each model measured alone"
                ));
            }
            let b = whole(record, batch, "Batch")?;
            let tp = number(record, throughput, "Throughput (infer/sec)")?;
            let ms = number(record, latency_column, &latency_name)?;
            checked_row(name, &profile, b, milliseconds(ms), tp, 1, loc.clone())
        });
        out.take(&loc, row);
    }
    Ok(out)
}

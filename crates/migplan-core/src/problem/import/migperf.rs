//! MIGPerf (MIGProfiler) raw CSVs: `model_name, batch_size, latency, throughput, ...`, one
//! file per model and MIG profile with the profile's `nvidia-smi` id in the file name
//! (`..._MIG_profile_19.csv`), or a `mig_profile` column (a name such as `3g.40gb`, or an
//! id). Latency is read as milliseconds per batch, throughput as samples/s.

use super::options::{Format, Given};
use super::report::Imported;
use super::table::{checked_row, field, not_given, number, whole, Table};
use super::units::{known_profile, milliseconds, profile_of_nvidia_id};
use crate::hardware::spec::GpuSpec;
use crate::problem::input::{InputError, InputErrors};

const EXPECTED: &str = "model_name, batch_size, latency, throughput (and mig_profile, or _MIG_profile_<id> in \
                        the file name)";

/// The id in a file name `..._MIG_profile_<id>.csv`.
fn id_in_name(file: &str) -> Option<u8> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let after = &base[base.find("_MIG_profile_")? + "_MIG_profile_".len()..];
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A profile as MIGPerf wrote it: an id (converted) or a name (kept).
fn profile_of(written: &str, gpu: Option<&GpuSpec>) -> Result<String, String> {
    match written.parse::<u8>() {
        Ok(id) => profile_of_nvidia_id(gpu, id).ok_or_else(|| {
            format!(
                "MIG profile id {id} is not one migplan knows{}",
                gpu.map(|g| format!(" on {}", g.id)).unwrap_or_default()
            )
        }),
        Err(_) => known_profile(written).map(|()| written.to_string()),
    }
}

pub(super) fn import(table: &Table, given: &Given, gpu: Option<&GpuSpec>) -> Result<Imported, InputErrors> {
    let format = "MIGPerf";
    let column = |name: &str| table.column(name).ok_or_else(|| table.missing(format, name, EXPECTED));
    let (model, batch, latency, throughput) =
        (column("model_name")?, column("batch_size")?, column("latency")?, column("throughput")?);
    let profile_column = table.column("mig_profile");
    let file_profile = match (&given.profile, id_in_name(&table.file)) {
        (Some(p), _) => Some(p.clone()),
        (None, Some(id)) => Some(profile_of(&id.to_string(), gpu).map_err(|m| {
            InputErrors::from(InputError {
                file: table.file.clone(),
                line: None,
                column: None,
                character: None,
                message: format!("{m} (the file name's _MIG_profile_{id})"),
                hint: Some("give --gpu for the GPU it was measured on, or --profile".into()),
            })
        })?),
        (None, None) => None,
    };
    if file_profile.is_none() && profile_column.is_none() {
        return Err(not_given(table, "profile", "--profile"));
    }

    let mut out = Imported::start(&table.file, Format::Migperf, table.row_count());
    out.report.profile = file_profile.clone();
    out.report.notes.push(
        "latency from `latency`, read as milliseconds per batch (MIGPerf's mean; some versions wrote a percentile): \
         --latency does not apply"
            .into(),
    );
    for (record, loc) in table.rows() {
        let row = field(record, model, "model_name").and_then(|name| {
            let profile = match (&file_profile, profile_column) {
                (Some(p), _) => p.clone(),
                (None, Some(i)) => profile_of(field(record, i, "mig_profile")?, gpu)?,
                (None, None) => unreachable!("checked above"),
            };
            let b = whole(record, batch, "batch_size")?;
            let ms = number(record, latency, "latency")?;
            let tp = number(record, throughput, "throughput")?;
            checked_row(name, &profile, b, milliseconds(ms), tp, 1, loc.clone())
        });
        out.take(&loc, row);
    }
    Ok(out)
}

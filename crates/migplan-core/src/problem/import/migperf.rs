//! MIGPerf (MIGProfiler) raw CSVs: `model_name, batch_size, latency, throughput, ...`. The
//! profile is in the file name, as the profile's `nvidia-smi` id (`..._MIG_profile_19.csv`)
//! or its memory (`MiniLM_infer_10g_bsz.csv`), or per row, in a `mig_profile` column (a name
//! such as `3g.40gb`, or an id) or an `instance_memory` column (GB: the file of all slices).
//! Latency is read as milliseconds per batch, throughput as samples/s.

use super::options::{Format, Given};
use super::report::Imported;
use super::table::{checked_row, field, not_given, number, whole, Table};
use super::units::{known_profile, milliseconds, profile_of_memory, profile_of_nvidia_id};
use crate::hardware::spec::GpuSpec;
use crate::problem::input::{InputError, InputErrors};

const EXPECTED: &str = "model_name, batch_size, latency, throughput (and mig_profile or instance_memory, or \
                        _MIG_profile_<id> or _<memory>g_ in the file name)";

fn base_name(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

/// The id in a file name `..._MIG_profile_<id>.csv`.
fn id_in_name(file: &str) -> Option<u8> {
    let base = base_name(file);
    let after = &base[base.find("_MIG_profile_")? + "_MIG_profile_".len()..];
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The memory in a file name `..._10g_...` or `..._05g.csv` (GB, MIGProfiler's naming).
fn memory_in_name(file: &str) -> Option<u32> {
    let stem = base_name(file).rsplit_once('.').map_or(base_name(file), |(stem, _)| stem);
    stem.split('_').skip(1).find_map(|part| {
        let digits = part.strip_suffix(['g', 'G'])?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
    })
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

/// A profile given by its memory in GB, or why it is none of the GPU's.
fn profile_of_gb(gb: u32, gpu: Option<&GpuSpec>) -> Result<String, String> {
    profile_of_memory(gpu, gb).ok_or_else(|| match gpu {
        Some(g) => format!("no plain MIG profile of {} has {gb} GB", g.id),
        None => format!("a profile given by its memory ({gb} GB) needs the GPU it was measured on"),
    })
}

/// How a file says its profile, when the file as a whole does, and whether by its memory.
fn profile_of_file(table: &Table, given: &Given, gpu: Option<&GpuSpec>) -> Result<Option<(String, bool)>, InputErrors> {
    let by_memory = given.profile.is_none() && id_in_name(&table.file).is_none();
    let (found, said) = match (&given.profile, id_in_name(&table.file), memory_in_name(&table.file)) {
        (Some(p), _, _) => return Ok(Some((p.clone(), false))),
        (None, Some(id), _) => (profile_of(&id.to_string(), gpu), format!("the file name's _MIG_profile_{id}")),
        (None, None, Some(gb)) => (profile_of_gb(gb, gpu), format!("the file name's _{gb}g: {gb} GB")),
        (None, None, None) => return Ok(None),
    };
    found.map(|p| Some((p, by_memory))).map_err(|m| {
        InputErrors::from(InputError {
            file: table.file.clone(),
            line: None,
            column: None,
            character: None,
            message: format!("{m} ({said})"),
            hint: Some(
                "give --gpu for the GPU it was measured on, or --profile (on the page: choose that GPU, or fill in \
                 the profile field of the file's row)"
                    .into(),
            ),
        })
    })
}

pub(super) fn import(table: &Table, given: &Given, gpu: Option<&GpuSpec>) -> Result<Imported, InputErrors> {
    let format = "MIGPerf";
    let column = |name: &str| table.column(name).ok_or_else(|| table.missing(format, name, EXPECTED));
    let (model, batch, latency, throughput) =
        (column("model_name")?, column("batch_size")?, column("latency")?, column("throughput")?);
    let profile_column = table.column("mig_profile");
    let memory_column = table.column("instance_memory");
    let (file_profile, file_by_memory) = match profile_of_file(table, given, gpu)? {
        Some((profile, by_memory)) => (Some(profile), by_memory),
        None => (None, false),
    };
    if file_profile.is_none() && profile_column.is_none() && memory_column.is_none() {
        return Err(not_given(table, "profile", "--profile"));
    }

    let mut out = Imported::start(&table.file, Format::Migperf, table.row_count());
    out.report.profile = file_profile.clone();
    out.report.notes.push(
        "latency from `latency`, read as milliseconds per batch (MIGPerf's mean; some versions wrote a percentile): \
         --latency does not apply"
            .into(),
    );
    if file_by_memory || (file_profile.is_none() && profile_column.is_none()) {
        out.report.notes.push(
            "profile from the instance's memory in GB: the plain profile of that memory with the fewest compute \
             slices (20 GB on A100-40GB is 3g.20gb, as MIGPerf ran no 4g instances)"
                .into(),
        );
    }
    for (record, loc) in table.rows() {
        let row = field(record, model, "model_name").and_then(|name| {
            let profile = match (&file_profile, profile_column, memory_column) {
                (Some(p), _, _) => p.clone(),
                (None, Some(i), _) => profile_of(field(record, i, "mig_profile")?, gpu)?,
                (None, None, Some(i)) => profile_of_gb(whole(record, i, "instance_memory")?, gpu)?,
                (None, None, None) => unreachable!("checked above"),
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

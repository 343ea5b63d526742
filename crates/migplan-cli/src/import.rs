//! `migplan import`: profiler output (perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU) as
//! the contract's profiles CSV; and the reading of `--profiles` files in any of those
//! formats, which `plan`, `validate` and `transition` share.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::import::{self, parvagpu, Format, Given, ImportOptions, Percentile};
use migplan_core::problem::input::{parse_workload, profiles_csv, workload_csv, ProfileRow, WorkloadRow};
use migplan_core::workflow::settings;

use crate::args::{check_outputs, find_gpu, note, read, Failure};

#[derive(Args)]
pub struct ImportArgs {
    /// auto (recognise the format from the header), perf-analyzer, model-analyzer, migperf,
    /// parvagpu or migplan.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    from: Detect,
    /// The GPU the files were measured on: names MIGPerf's profile ids and ParvaGPU's slice
    /// counts in full (without it they become short forms such as `3g`).
    #[arg(long)]
    gpu: Option<String>,
    /// The model, where the file name does not say it (perf_analyzer, ParvaGPU).
    #[arg(long)]
    model: Option<String>,
    /// The MIG profile, where the file name does not say it (perf_analyzer, Model Analyzer,
    /// MIGPerf).
    #[arg(long)]
    profile: Option<String>,
    /// The batch size, where the file name does not say it (perf_analyzer; default 1).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    batch: Option<u32>,
    /// The latency percentile the SLO applies to, where a file has several.
    #[arg(long, default_value = "p99", value_parser = parse_latency)]
    latency: Percentile,
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write the profiles CSV here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// ParvaGPU: also write scenario K of its SLO files as a workload CSV (the models are
    /// the profile files' names, alphabetically, as ParvaGPU orders its columns).
    #[arg(long, requires_all = ["slo_rates", "slo_latency", "workload_out"])]
    scenario: Option<usize>,
    /// ParvaGPU's SLO/SLO_req_rate.csv.
    #[arg(long, requires = "scenario")]
    slo_rates: Option<PathBuf>,
    /// ParvaGPU's SLO/SLO_latency.csv.
    #[arg(long, requires = "scenario")]
    slo_latency: Option<PathBuf>,
    /// Where to write the scenario's workload CSV.
    #[arg(long, requires = "scenario")]
    workload_out: Option<PathBuf>,
}

/// `--from`: a format, or `None` for auto.
#[derive(Clone, Copy)]
pub struct Detect(Option<Format>);

pub fn parse_format(name: &str) -> Result<Detect, String> {
    if name.eq_ignore_ascii_case("auto") {
        return Ok(Detect(None));
    }
    Format::parse(name).map(|f| Detect(Some(f))).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format `{name}`; choose auto or one of {}", names.join(", "))
    })
}

/// `import --latency`, in the settings table's words.
fn parse_latency(name: &str) -> Result<Percentile, String> {
    settings::percentile(name).map_err(|r| format!("{}; {}", r.message, r.hint))
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    std::fs::write(path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
}

/// Reads every file in its format (or the one its header shows); `verbose` prints each
/// skipped row, else one line per imported file.
pub fn read_profiles(paths: &[PathBuf], options: &ImportOptions, verbose: bool) -> Result<Vec<ProfileRow>, Failure> {
    let texts: Vec<(String, String)> =
        paths.iter().map(|p| Ok((p.display().to_string(), read(p)?))).collect::<Result<_, Failure>>()?;
    let (rows, reports) = import::import_all(texts.iter().map(|(f, t)| (f.as_str(), t.as_str(), options.clone())))?;
    for report in reports.iter().filter(|r| verbose || r.format != Format::Migplan) {
        if verbose {
            for skipped in &report.skipped {
                note(&skipped.to_string());
            }
            for n in &report.notes {
                note(&format!("{}: note: {n}", report.file));
            }
            note(&report.summary());
        } else {
            let more = if report.skipped.is_empty() { "" } else { " (`migplan import` lists them)" };
            note(&format!("note: imported {}{more}", report.summary()));
        }
    }
    if rows.is_empty() {
        return Err(Failure("no profile rows were kept from the files given\n  hint: the lines above say why".into()));
    }
    Ok(rows)
}

pub fn run_import(args: ImportArgs) -> Result<ExitCode, Failure> {
    let mut inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.slo_rates.iter().chain(&args.slo_latency).map(PathBuf::as_path));
    let outputs: Vec<(&str, &Path)> = args
        .out
        .iter()
        .map(|p| ("--out", p.as_path()))
        .chain(args.workload_out.iter().map(|p| ("--workload-out", p.as_path())))
        .collect();
    check_outputs(&inputs, &outputs)?;
    let gpu = args.gpu.as_deref().map(find_gpu).transpose()?;
    let options = ImportOptions {
        format: args.from.0,
        gpu,
        latency: args.latency,
        given: Given { model: args.model, profile: args.profile, batch: args.batch },
    };
    let rows = read_profiles(&args.files, &options, true)?;
    // The scenario is read before anything is written: a refused one leaves no half import.
    let scenario = match (args.scenario, &args.slo_rates, &args.slo_latency) {
        (Some(k), Some(rates), Some(slos)) => {
            let mut models: Vec<String> =
                args.files.iter().map(|f| parvagpu::model_of_file(&f.display().to_string())).collect();
            models.sort();
            models.dedup();
            let (rn, sn) = (rates.display().to_string(), slos.display().to_string());
            Some((k, parvagpu::scenario((&rn, &read(rates)?), (&sn, &read(slos)?), &models, k)?))
        }
        _ => None,
    };
    let csv = profiles_csv(&rows);
    match &args.out {
        Some(path) => write(path, &csv)?,
        None => out!("{csv}"),
    }
    if let (Some((k, scenario)), Some(out)) = (scenario, &args.workload_out) {
        write(out, &workload_csv(&scenario.workload))?;
        note(&format!("{}: ParvaGPU scenario {k}: {} models", out.display(), scenario.workload.len()));
        if !scenario.absent.is_empty() {
            note(&format!(
                "note: scenario {k} leaves out {} (N/A in both SLO files): {}",
                if scenario.absent.len() == 1 { "1 model" } else { "these models" },
                scenario.absent.join(", ")
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The profiles (any format `migplan import` reads, several files merged) and the workload.
pub fn read_inputs(
    profiles: &[PathBuf],
    workload: &Path,
    gpu: &GpuSpec,
    latency: Percentile,
) -> Result<(Vec<ProfileRow>, Vec<WorkloadRow>), Failure> {
    let profile_rows = read_profiles(profiles, &ImportOptions::for_plan(gpu, latency), false)?;
    let workload_rows = parse_workload(&workload.display().to_string(), &read(workload)?)?;
    Ok((profile_rows, workload_rows))
}

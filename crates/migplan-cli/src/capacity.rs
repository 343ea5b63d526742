//! The capacity commands: `migplan compare` (each GPU type alone and the cheapest mix) and
//! `migplan sweep` (the growth curve), and the check that `--headroom-for` names the
//! workload's models.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use clap::Args;
use migplan_core::problem::input::WorkloadRow;
use migplan_core::solve::registry::SolverKind;
use migplan_core::workflow::capacity::{compare, growth, Comparison, GrowthPoint};
use migplan_core::workflow::Request;

use crate::args::{check_outputs, write_out, Failure, Format};
use crate::import::read_inputs;
use crate::settings::{Comparing, Settings, Sweeping};

/// Refuses a `--headroom-for` whose model the workload lacks, naming the flag as written:
/// the flag is at fault, not the workload file.
pub fn check_headroom_models(written: &[String], workload: &[WorkloadRow]) -> Result<(), Failure> {
    let models: Vec<&str> = workload.iter().map(|w| w.model.as_str()).collect();
    let listed = if models.len() <= 10 {
        models.join(", ")
    } else {
        format!("{} and {} more", models[..10].join(", "), models.len() - 10)
    };
    let mut problems = Vec::new();
    for w in written {
        // The table has already refused a value without `=`.
        let Some((model, percent)) = w.split_once('=') else { continue };
        let model = model.trim();
        if models.contains(&model) {
            continue;
        }
        let lower = model.to_ascii_lowercase();
        let close = models.iter().find(|m| {
            let m = m.to_ascii_lowercase();
            m.contains(&lower) || lower.contains(&m)
        });
        let hint = match close {
            Some(m) => format!("did you mean --headroom-for {m}={}?", percent.trim()),
            None => format!(
                "name a model as the workload spells it, e.g. --headroom-for {}={}",
                models.first().unwrap_or(&"MODEL"),
                percent.trim()
            ),
        };
        problems
            .push(format!("--headroom-for {w}: no model `{model}` in the workload (models: {listed})\n  hint: {hint}"));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure(problems.join("\n")))
    }
}

/// What `compare` and `sweep` read besides their settings.
#[derive(Args)]
pub struct InputArgs {
    #[arg(long, required = true)]
    pub profiles: Vec<PathBuf>,
    #[arg(long)]
    pub workload: PathBuf,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl InputArgs {
    /// Refuses an `--out` that is one of the inputs.
    fn check_out(&self) -> Result<(), Failure> {
        let inputs: Vec<&std::path::Path> =
            self.profiles.iter().map(PathBuf::as_path).chain([self.workload.as_path()]).collect();
        check_outputs(&inputs, &self.out.iter().map(|o| ("--out", o.as_path())).collect::<Vec<_>>())
    }
}

/// The request planned exactly: capacity is compared with bounds.
fn exactly(mut request: Request) -> Request {
    request.run.solver = SolverKind::Exact;
    request
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub settings: Settings<Comparing>,
    #[command(flatten)]
    pub inputs: InputArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run_compare(args: CompareArgs) -> Result<(), Failure> {
    let request = exactly(args.settings.request()?);
    args.inputs.check_out()?;
    let i = &args.inputs;
    let (profiles, workload) = read_inputs(&i.profiles, &i.workload, request.fleet.first(), request.latency)?;
    let rows = compare(&request, &profiles, &workload, &AtomicBool::new(false))?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
        Format::Table => comparison_table(&rows),
    };
    write_out(i.out.as_ref(), &text)
}

fn comparison_table(rows: &[Comparison]) -> String {
    let mut out = format!(
        "{:<12} {:>5} {:>10} {:>10} {:>11} {:>11}  {}\n",
        "fleet", "GPUs", "cost", "bound", "whole GPUs", "whole cost", "GPUs per type"
    );
    for r in rows {
        if let Some(reason) = &r.refused {
            let _ = writeln!(out, "{:<12} cannot serve the workload: {reason}", r.fleet);
            continue;
        }
        let bound = if r.proven_optimal { "optimal".to_string() } else { format!("{:.2}", r.lower_cost) };
        let whole = r.whole_gpus.map_or("-".to_string(), |n| n.to_string());
        let whole_cost = r.whole_cost.map_or("-".to_string(), |c| format!("{c:.2}"));
        let types: Vec<String> = r.per_type.iter().filter(|(_, &n)| n > 0).map(|(t, n)| format!("{n} x {t}")).collect();
        let _ = writeln!(
            out,
            "{:<12} {:>5} {:>10.2} {:>10} {:>11} {:>11}  {}",
            r.fleet,
            r.gpus,
            r.cost,
            bound,
            whole,
            whole_cost,
            types.join(" + ")
        );
    }
    out
}

#[derive(Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub settings: Settings<Sweeping>,
    #[command(flatten)]
    pub inputs: InputArgs,
}

pub fn run_sweep(args: SweepArgs) -> Result<(), Failure> {
    let request = exactly(args.settings.request()?);
    args.inputs.check_out()?;
    let i = &args.inputs;
    let (profiles, workload) = read_inputs(&i.profiles, &i.workload, request.fleet.first(), request.latency)?;
    let points = growth(&request, &profiles, &workload, &AtomicBool::new(false))?;
    write_out(i.out.as_ref(), &sweep_csv(&points))
}

/// The growth curve as CSV, one row per multiplier.
pub fn sweep_csv(points: &[GrowthPoint]) -> String {
    let mut out = String::from("factor,gpus,lower_gpus,cost,lower_cost,whole_gpus,current_plan_suffices\n");
    for p in points {
        let whole = p.whole_gpus.map_or(String::new(), |n| n.to_string());
        let _ = writeln!(
            out,
            "{},{},{},{},{},{whole},{}",
            round(p.factor),
            p.gpus,
            p.lower_gpus,
            round(p.cost),
            round(p.lower_cost),
            p.current_suffices
        );
    }
    out
}

/// Six decimals: enough for any price, and no float noise in the CSV.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

//! The GPU types a command plans on (`--gpu`, several for a mixed fleet, each with its
//! `--cost`), and the capacity commands on top: `migplan compare` and `migplan sweep`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::limits::PRICE;
use migplan_core::problem::input::WorkloadRow;
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::capacity::{compare, growth, Comparison, GrowthPoint};
use migplan_core::workflow::request::Sweep;
use migplan_core::workflow::Request;

use crate::args::{check_outputs, each_once, find_gpu, parse_time_limit, write_out, Failure, Format};
use crate::import::{self, read_inputs};

/// The GPU types to plan on and what one GPU of each costs.
#[derive(Args, Clone)]
pub struct FleetArgs {
    /// The GPU type; give several for a mixed fleet (the first is the plan's `gpu`).
    #[arg(long, required = true)]
    pub gpu: Vec<String>,
    /// What one GPU of a type costs, as GPU=PRICE (dollars per hour, say); 1 when not given.
    #[arg(long, value_name = "GPU=PRICE")]
    pub cost: Vec<String>,
}

impl FleetArgs {
    pub fn fleet(&self) -> Result<Fleet, Failure> {
        let fleet = self
            .gpu
            .iter()
            .map(|id| find_gpu(id).map(|spec| GpuType { spec, price: 1.0 }))
            .collect::<Result<Vec<_>, _>>()?;
        each_once("--gpu", fleet.iter().map(|t| t.spec.id), "GPU type")?;
        let mut fleet = fleet;
        let hint = "write --cost GPU=PRICE, e.g. --cost h100-80gb=2.2";
        let mut priced = Vec::new();
        for written in &self.cost {
            let Some((id, _)) = written.split_once('=') else {
                return Err(Failure(format!("--cost `{written}` has no `=`\n  hint: {hint}")));
            };
            priced.push(find_gpu(id)?.id);
        }
        each_once("--cost", priced, "GPU type's cost")?;
        for written in &self.cost {
            let (id, price) = written.split_once('=').expect("checked above");
            let spec = find_gpu(id)?;
            let Some(t) = fleet.iter_mut().find(|t| t.spec.id == spec.id) else {
                return Err(Failure(format!(
                    "--cost names {}, which no --gpu gives\n  hint: add --gpu {} or drop the cost",
                    spec.id, spec.id
                )));
            };
            t.price = parse_price(price).map_err(|e| Failure(format!("--cost `{written}`: {e}\n  hint: {hint}")))?;
        }
        Fleet::new(fleet).map_err(Failure)
    }
}

/// A price within `limits::PRICE` (see Limits in the docs).
pub fn parse_price(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(price) if PRICE.check(price).is_ok() => Ok(price),
        _ => Err(format!("`{text}` is not a price {} (see Limits in the docs)", PRICE.describe())),
    }
}

/// `name=percent` pairs, as `--headroom-for` takes them, each model once.
pub fn per_model_headroom(written: &[String]) -> Result<BTreeMap<String, f64>, Failure> {
    let pairs = written
        .iter()
        .map(|w| {
            let parsed = w.split_once('=').and_then(|(m, p)| Some((m.trim().to_string(), parse_percent(p).ok()?)));
            parsed.ok_or_else(|| {
                Failure(format!("--headroom-for `{w}` is not MODEL=PERCENT\n  hint: e.g. --headroom-for bert=50"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    each_once("--headroom-for", pairs.iter().map(|(m, _)| m.as_str()), "model's headroom")?;
    Ok(pairs.into_iter().collect())
}

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
        // per_model_headroom has already refused a flag without `=`.
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

/// A headroom percent: 0 to 1000.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1000.0).contains(&p) => Ok(p),
        _ => Err(format!("`{text}` is not a percent from 0 to 1000")),
    }
}

/// What `compare` and `sweep` read besides the fleet.
#[derive(Args)]
pub struct InputArgs {
    #[arg(long, required = true)]
    pub profiles: Vec<PathBuf>,
    #[arg(long, default_value = "p99", value_parser = import::parse_latency)]
    pub latency: Percentile,
    #[arg(long)]
    pub workload: PathBuf,
    /// Seconds for each plan (each type, the mix, each point of a sweep).
    #[arg(long, default_value = "10", value_parser = parse_time_limit, allow_hyphen_values = true)]
    pub time_limit: Duration,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
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

    /// The request on `fleet`: planned exactly, with these inputs' time limit and seed.
    fn request(&self, fleet: Fleet) -> Request {
        let run = RunOptions {
            solver: SolverKind::Exact,
            budget: Budget { time_limit: Some(self.time_limit), max_iterations: None },
            seed: self.seed,
        };
        Request { run, latency: self.latency, ..Request::on(fleet) }
    }
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub inputs: InputArgs,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run_compare(args: CompareArgs) -> Result<(), Failure> {
    args.inputs.check_out()?;
    let fleet = args.fleet.fleet()?;
    let i = &args.inputs;
    let (profiles, workload) = read_inputs(&i.profiles, &i.workload, fleet.first(), i.latency)?;
    let rows = compare(&i.request(fleet), &profiles, &workload, &AtomicBool::new(false))?;
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
    pub fleet: FleetArgs,
    #[command(flatten)]
    pub inputs: InputArgs,
    /// The smallest demand multiplier.
    #[arg(long, default_value_t = 0.5)]
    pub from: f64,
    /// The largest demand multiplier.
    #[arg(long, default_value_t = 4.0)]
    pub to: f64,
    /// How many multipliers, evenly spaced from --from to --to (2 to 200).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=200))]
    pub steps: u32,
}

pub fn run_sweep(args: SweepArgs) -> Result<(), Failure> {
    if !(args.from.is_finite() && args.to.is_finite() && 0.0 < args.from && args.from < args.to && args.to <= 1000.0) {
        return Err(Failure(format!(
            "--from {} --to {}: the multipliers must grow, from above 0 to at most 1000\n  hint: e.g. --from 0.5 --to 4",
            args.from, args.to
        )));
    }
    args.inputs.check_out()?;
    let fleet = args.fleet.fleet()?;
    let i = &args.inputs;
    let (profiles, workload) = read_inputs(&i.profiles, &i.workload, fleet.first(), i.latency)?;
    let sweep = Sweep { from: args.from, to: args.to, steps: args.steps as usize };
    let points = growth(&Request { sweep, ..i.request(fleet) }, &profiles, &workload, &AtomicBool::new(false))?;
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

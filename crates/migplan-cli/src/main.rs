//! `migplan`: the planner on the command line (contract.md).

#[macro_use]
mod args;
mod bench;
mod bench_fleet;
mod bench_transition;
mod capacity;
mod cluster;
mod export;
mod generate;
mod import;
mod report;
mod settings;
mod transition;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};
use migplan_core::check::plan::validate;
use migplan_core::export::{render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog;
use migplan_core::hardware::layouts::{maximal_layouts, plain_profiles};
use migplan_core::problem::notes::notes;
use migplan_core::workflow;
use migplan_core::workflow::settings::Key;
use migplan_core::workflow::Request;

use crate::args::{find_gpu, read_plan, write_out, Failure, Format};
use crate::import::read_inputs;
use crate::settings::Settings;

#[derive(Parser)]
#[command(name = "migplan", version, about = "Plan MIG partitions that serve many models on as few GPUs as possible")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the GPUs migplan knows and their MIG profiles.
    Gpus {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// List the maximal MIG layouts of a GPU's plain profiles.
    Layouts {
        #[arg(long)]
        gpu: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Plan the fewest GPUs (or, for several GPU types, the cheapest fleet) that serve a
    /// workload.
    Plan {
        #[command(flatten)]
        settings: Settings<settings::Planning>,
        /// Profiles CSV or JSON (model,profile,batch,latency_ms,throughput, optionally processes), or
        /// any file `migplan import` reads; may be given several times.
        #[arg(long, required = true)]
        profiles: Vec<PathBuf>,
        /// Workload CSV or JSON: model,rate,slo_ms.
        #[arg(long)]
        workload: PathBuf,
        /// table, json, or any format of `migplan export`.
        #[arg(long, default_value = "table", value_parser = plan_format())]
        format: PlanFormat,
        /// Write the plan here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print how long each phase took (parse, build, bound, search, validate, write) to
        /// standard error.
        #[arg(long)]
        verbose: bool,
    },
    /// Check a plan against the GPU's rules and the workload; exits 1 when it is invalid.
    Validate {
        #[command(flatten)]
        settings: Settings<settings::Validating>,
        #[arg(long, required = true)]
        profiles: Vec<PathBuf>,
        #[arg(long)]
        workload: PathBuf,
        #[arg(long)]
        plan: PathBuf,
    },
    /// Read a running cluster (kubectl's nodes and pods, the GPU Operator's mig-parted
    /// config) as the running plan.
    Cluster(cluster::ClusterArgs),
    /// Plan the steps that move a running plan to a new one, never dropping a model below
    /// min(old, new) demand.
    Transition(transition::TransitionArgs),
    /// Write a plan as a mig-parted config, GPU Operator ConfigMap, Kubernetes Deployments,
    /// CSV or SVG, after checking its layouts against its GPU.
    Export(export::ExportArgs),
    /// Convert profiler output (perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU) into a
    /// profiles CSV, reporting every row it skips and why.
    Import(import::ImportArgs),
    /// Plan the workload on each GPU type alone and on the cheapest mix: GPUs, cost, bound,
    /// whole-GPU baseline.
    Compare(capacity::CompareArgs),
    /// The GPUs and cost for the workload with every rate multiplied by each factor from
    /// --from to --to, exact with bounds, as CSV.
    Sweep(capacity::SweepArgs),
    /// Run the solvers on generated workloads and print GPUs, bounds and times.
    Bench(bench::BenchArgs),
    /// Time the growth curve (`sweep`) of a generated workload.
    BenchSweep(bench::BenchSweepArgs),
    /// Generated models measured on every type of a mixed fleet, planned at its prices: cost,
    /// bound, gap and time.
    BenchFleet(bench_fleet::BenchFleetArgs),
    /// Moves for generated demand changes: running GPUs touched, the proven minimum, the gap
    /// and the time.
    BenchTransition(bench_transition::BenchTransitionArgs),
    /// Write a synthetic workload (profiles.csv, workload.csv) to try the planner at scale.
    Generate(generate::GenerateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(Failure(message)) => {
            args::note(&format!("error: {message}"));
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Gpus { format } => {
            let gpus = catalog::all_gpus();
            match format {
                Format::Json => out!("{}\n", serde_json::to_string_pretty(&gpus)?),
                Format::Table => out!("{}", report::gpus_table(&gpus)),
            }
        }
        Command::Layouts { gpu, format } => {
            let gpu = find_gpu(&gpu)?;
            let layouts = maximal_layouts(&gpu, &plain_profiles(&gpu));
            match format {
                Format::Json => {
                    let json: Vec<Vec<serde_json::Value>> = layouts
                        .iter()
                        .map(|l| {
                            l.placements
                                .iter()
                                .map(|p| serde_json::json!({"profile": gpu.profiles[p.profile].name, "start": p.start}))
                                .collect()
                        })
                        .collect();
                    out!("{}\n", serde_json::to_string_pretty(&json)?);
                }
                Format::Table => out!("{}", report::layouts_table(&gpu, &layouts)),
            }
        }
        Command::Plan { settings, profiles, workload, format, out, verbose } => {
            // The time limit counts from here: reading a large workload is part of the wait.
            let started = Instant::now();
            let mut request = settings.request()?;
            let inputs: Vec<&std::path::Path> =
                profiles.iter().map(PathBuf::as_path).chain([workload.as_path()]).collect();
            let outputs: Vec<(&str, &std::path::Path)> = out.iter().map(|o| ("--out", o.as_path())).collect();
            args::check_outputs(&inputs, &outputs)?;
            let gpu = request.fleet.first().clone();
            let parsing = Instant::now();
            let (profile_rows, workload_rows) = read_inputs(&profiles, &workload, &gpu, request.latency)?;
            capacity::check_headroom_models(settings.written(Key::HeadroomFor), &workload_rows)?;
            let parse_ms = parsing.elapsed().as_secs_f64() * 1000.0;
            // Another type's profile names are expected in a mixed fleet's rows.
            for note in if request.fleet.is_mixed() { Vec::new() } else { notes(&gpu, &profile_rows) } {
                args::note(&format!("note: {note}"));
            }
            // What reading took comes off the search (at least a millisecond: the search then
            // serves the rest at once by its simple fill), as building does in the core, so a
            // plan comes back within the limit plus the time to check and write it.
            let budget = &mut request.run.budget.time_limit;
            *budget = budget.map(|limit| limit.saturating_sub(started.elapsed()).max(Duration::from_millis(1)));
            let (plan, times) = workflow::plan(&request, &profile_rows, &workload_rows, &AtomicBool::new(false), None)?;
            let writing = Instant::now();
            let text = match format {
                PlanFormat::Table => report::plan_table(&plan) + &export::node_summary(&plan, &request.export),
                // The plan as planned: its JSON holds no node options, so none are checked against it.
                PlanFormat::Export(ExportFormat::Json) => render(&plan, &ExportOptions::default(), ExportFormat::Json),
                PlanFormat::Export(format) => export::export(&plan, "the plan", format, &request.export)?,
            };
            write_out(out.as_ref(), &text)?;
            if verbose {
                let t = times;
                let write_ms = writing.elapsed().as_secs_f64() * 1000.0;
                args::note(&format!(
                    "phases (ms): parse {parse_ms:.0}, build {:.0}, bound {:.0}, search {:.0}, validate {:.0}, write {write_ms:.0}",
                    t.build_ms, t.bound_ms, t.search_ms, t.validate_ms
                ));
            }
            // The process ends here: freeing millions of rows one by one would only delay it
            // (half a second at 100,000 models).
            std::mem::forget((profile_rows, workload_rows, plan, text));
        }
        Command::Validate { settings, profiles, workload, plan } => {
            let Request { fleet, latency, .. } = settings.request()?;
            let (profile_rows, workload_rows) = read_inputs(&profiles, &workload, fleet.first(), latency)?;
            let plan = read_plan(&plan)?;
            let violations = validate(&fleet, &profile_rows, &workload_rows, &plan);
            let claim = match &plan.cost {
                // A priced plan's proof is about its cost: proven_optimal claims the cost bound.
                Some(cost) => format!(
                    "cost.lower {} and bound.lower {} are the solver's claims: validate checks that they are \
                     consistent with the plan (at most its cost and its GPU count, and proven_optimal only when \
                     the cost equals cost.lower: the proof is about cost, not GPUs), not that they are proven\n",
                    cost.lower, plan.bound.lower
                ),
                None => format!(
                    "bound.lower {} is the solver's claim: validate checks that it is consistent with the plan \
                     (at most its GPU count, and proven_optimal only when equal), not that it is proven\n",
                    plan.bound.lower
                ),
            };
            if violations.is_empty() {
                out!("valid: {} GPUs serve all {} models\n{claim}", plan.gpus.len(), workload_rows.len());
            } else {
                out!("invalid: {} problem{}\n", violations.len(), if violations.len() == 1 { "" } else { "s" });
                for v in &violations {
                    out!("  - {v}\n");
                }
                out!("{claim}");
                return Ok(ExitCode::from(1));
            }
        }
        Command::Export(args) => export::run_export(args)?,
        Command::Cluster(args) => cluster::run_cluster(args)?,
        Command::Compare(args) => capacity::run_compare(args)?,
        Command::Sweep(args) => capacity::run_sweep(args)?,
        Command::Transition(args) => return transition::run_transition(args),
        Command::Import(args) => return import::run_import(args),
        Command::Bench(args) => bench::run(args)?,
        Command::BenchTransition(args) => bench_transition::run(args)?,
        Command::BenchSweep(args) => bench::run_sweep(args)?,
        Command::BenchFleet(args) => bench_fleet::run(args)?,
        Command::Generate(args) => generate::run(args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `migplan plan --format`: the terminal table, or any format `migplan export` writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PlanFormat {
    Table,
    Export(ExportFormat),
}

/// `table`, then every export format by its name, from the core's list.
fn plan_format() -> impl TypedValueParser<Value = PlanFormat> {
    PossibleValuesParser::new(["table"].into_iter().chain(ExportFormat::ALL.map(ExportFormat::name)))
        .map(|name| ExportFormat::parse(&name).map_or(PlanFormat::Table, PlanFormat::Export))
}

//! `migplan`: the planner on the command line (contract.md).

#[macro_use]
mod args;
mod bench;
mod export;
mod import;
mod report;
mod transition;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use migplan_core::check::plan::validate;
use migplan_core::export::{render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog;
use migplan_core::hardware::layouts::{maximal_layouts, plain_profiles};
use migplan_core::problem::import::Percentile;
use migplan_core::problem::notes::notes;
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow;

use crate::args::{find_gpu, parse_solver, parse_time_limit, read_plan, write_out, Failure, Format};
use crate::import::read_inputs;

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
    /// Plan the fewest GPUs that serve a workload.
    Plan {
        #[arg(long)]
        gpu: String,
        /// Profiles CSV or JSON (model,profile,batch,latency_ms,throughput[,processes]), or
        /// any file `migplan import` reads; may be given several times.
        #[arg(long, required = true)]
        profiles: Vec<PathBuf>,
        /// The latency percentile the SLO applies to, where a profiles file has several.
        #[arg(long, default_value = "p99", value_parser = import::parse_latency)]
        latency: Percentile,
        /// Workload CSV or JSON: model,rate,slo_ms.
        #[arg(long)]
        workload: PathBuf,
        #[arg(long, default_value = "auto", value_parser = parse_solver)]
        solver: SolverKind,
        /// Stop searching after this many seconds and return the best plan found.
        #[arg(long, default_value = "10", value_parser = parse_time_limit, allow_hyphen_values = true)]
        time_limit: Duration,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// table, json, or any format of `migplan export`.
        #[arg(long, value_enum, default_value = "table")]
        format: PlanFormat,
        #[command(flatten)]
        deploy: export::DeployArgs,
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
        #[arg(long)]
        gpu: String,
        #[arg(long, required = true)]
        profiles: Vec<PathBuf>,
        #[arg(long, default_value = "p99", value_parser = import::parse_latency)]
        latency: Percentile,
        #[arg(long)]
        workload: PathBuf,
        #[arg(long)]
        plan: PathBuf,
    },
    /// Plan the steps that move a running plan to a new one, never dropping a model below
    /// min(old, new) demand.
    Transition(transition::TransitionArgs),
    /// Write a plan as a mig-parted config, GPU Operator ConfigMap, Kubernetes Deployments,
    /// CSV or SVG, after checking its layouts against its GPU.
    Export(export::ExportArgs),
    /// Convert profiler output (perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU) into a
    /// profiles CSV, reporting every row it skips and why.
    Import(import::ImportArgs),
    /// Run the solvers on generated workloads and print GPUs, bounds and times.
    Bench(bench::BenchArgs),
    /// Move between plans for generated demand changes and compare with drain and rebuild.
    BenchTransition(bench::BenchTransitionArgs),
    /// Write a synthetic workload (profiles.csv, workload.csv) to try the planner at scale.
    Generate {
        #[arg(long, default_value = "a100-40gb")]
        gpu: String,
        /// How many models, 1 to 100000.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        models: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write profiles.csv and workload.csv into; created if missing.
        #[arg(long)]
        out_dir: PathBuf,
        /// Also write workload-new.csv, the demand after this change (to try `transition
        /// --workload-to`): up30, down30, added, removed or mixed.
        #[arg(long, value_parser = parse_change)]
        change: Option<migplan_core::problem::generate::Change>,
    },
}

fn parse_change(name: &str) -> Result<migplan_core::problem::generate::Change, String> {
    use migplan_core::problem::generate::Change;
    let changes = [
        ("up30", Change::Up30),
        ("down30", Change::Down30),
        ("added", Change::ModelsAdded),
        ("removed", Change::ModelsRemoved),
        ("mixed", Change::Mixed),
    ];
    changes
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, c)| c)
        .ok_or_else(|| format!("`{name}` is not a change; give up30, down30, added, removed or mixed"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(Failure(message)) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
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
        Command::Plan { gpu, profiles, latency, workload, solver, time_limit, seed, format, deploy, out, verbose } => {
            deploy.options().check_range().map_err(Failure)?;
            let gpu = find_gpu(&gpu)?;
            let parsing = Instant::now();
            let (profile_rows, workload_rows) = read_inputs(&profiles, &workload, &gpu, latency)?;
            let parse_ms = parsing.elapsed().as_secs_f64() * 1000.0;
            for note in notes(&gpu, &profile_rows) {
                let _ = writeln!(std::io::stderr(), "note: {note}");
            }
            let options =
                RunOptions { solver, budget: Budget { time_limit: Some(time_limit), max_iterations: None }, seed };
            let (plan, times) =
                workflow::plan_timed(&gpu, &profile_rows, &workload_rows, &options, &AtomicBool::new(false), None)?;
            let writing = Instant::now();
            let text = match format {
                PlanFormat::Table => report::plan_table(&plan) + &export::node_summary(&plan, &deploy),
                PlanFormat::Json => render(&plan, &ExportOptions::default(), ExportFormat::Json),
                PlanFormat::Export(written) => export::export(&plan, "the plan", written.format(), &deploy)?,
            };
            write_out(out.as_ref(), &text)?;
            if verbose {
                let t = times;
                let write_ms = writing.elapsed().as_secs_f64() * 1000.0;
                let _ = writeln!(
                    std::io::stderr(),
                    "phases (ms): parse {parse_ms:.0}, build {:.0}, bound {:.0}, search {:.0}, validate {:.0}, write {write_ms:.0}",
                    t.build_ms,
                    t.bound_ms,
                    t.search_ms,
                    t.validate_ms
                );
            }
        }
        Command::Validate { gpu, profiles, latency, workload, plan } => {
            let gpu = find_gpu(&gpu)?;
            let (profile_rows, workload_rows) = read_inputs(&profiles, &workload, &gpu, latency)?;
            let plan = read_plan(&plan)?;
            let violations = validate(&gpu, &profile_rows, &workload_rows, &plan);
            let claim = format!(
                "bound.lower {} is the solver's claim: validate checks that it is consistent with the plan \
                 (at most its GPU count, and proven_optimal only when equal), not that it is proven\n",
                plan.bound.lower
            );
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
        Command::Transition(args) => return transition::run_transition(args),
        Command::Import(args) => return import::run_import(args),
        Command::Bench(args) => bench::run(args)?,
        Command::BenchTransition(args) => bench::run_transitions(args)?,
        Command::Generate { gpu, models, seed, out_dir, change } => {
            let gpu = find_gpu(&gpu)?;
            let mut generated = migplan_core::problem::generate::synthetic(&gpu, models as usize, seed);
            let mut new_workload = None;
            if let Some(change) = change {
                let (profiles, old, new) =
                    migplan_core::problem::generate::demand_change(&gpu, models as usize, seed, change);
                (generated.profiles, generated.workload, new_workload) = (profiles, old, Some(new));
            }
            let write = |name: &str, text: String| {
                let path = out_dir.join(name);
                std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
            };
            std::fs::create_dir_all(&out_dir)
                .map_err(|e| Failure(format!("cannot create {}: {e}", out_dir.display())))?;
            write("profiles.csv", migplan_core::problem::generate::profiles_csv(&generated.profiles))?;
            write("workload.csv", migplan_core::problem::generate::workload_csv(&generated.workload))?;
            if let Some(new) = new_workload {
                write("workload-new.csv", migplan_core::problem::generate::workload_csv(&new))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `migplan plan --format`: the terminal table, or any format `migplan export` writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PlanFormat {
    Table,
    Json,
    Export(export::Written),
}

impl clap::ValueEnum for PlanFormat {
    fn value_variants<'a>() -> &'a [Self] {
        use export::Written::*;
        &[
            PlanFormat::Table,
            PlanFormat::Json,
            PlanFormat::Export(MigParted),
            PlanFormat::Export(GpuOperator),
            PlanFormat::Export(K8s),
            PlanFormat::Export(Csv),
            PlanFormat::Export(Svg),
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            PlanFormat::Table => Some(clap::builder::PossibleValue::new("table")),
            PlanFormat::Json => Some(clap::builder::PossibleValue::new("json")),
            PlanFormat::Export(w) => w.to_possible_value(),
        }
    }
}

//! `migplan bench`: every chosen solver on the same generated workloads, one table.
//! Figures only: nothing here passes or fails.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::generate::synthetic;
use migplan_core::problem::input::{parse_profiles, parse_workload, profiles_csv, workload_csv};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, Request};

use crate::args::{find_gpu, parse_models, parse_solver, parse_time_limit, Failure};
use crate::settings::{BenchSweeping, Settings};

#[derive(Args)]
pub struct BenchArgs {
    #[arg(long, default_value = "a100-40gb")]
    gpu: String,
    /// Model counts of the generated workloads.
    #[arg(long, value_delimiter = ',', default_value = "10,24,50,100,300", value_parser = parse_models)]
    models: Vec<usize>,
    /// Seeds per model count (workload seeds 1..=N; each solver runs with the same seed).
    #[arg(long, default_value_t = 3)]
    seeds: u64,
    /// Solvers to compare (default: greedy, ga, mcts, mig-serving, exact); with --scale, the
    /// first one given (default: auto).
    #[arg(long, value_delimiter = ',', value_parser = parse_solver)]
    solvers: Vec<SolverKind>,
    /// Time limit per solver run, in seconds.
    #[arg(long, default_value = "10", value_parser = parse_time_limit, allow_hyphen_values = true)]
    time_limit: Duration,
    /// Instead of comparing solvers: plan one generated workload of each of these sizes with
    /// the first solver given (seed 1) and print each phase's time, natively.
    #[arg(long, value_delimiter = ',', value_parser = parse_models)]
    scale: Vec<usize>,
}

pub fn run(args: BenchArgs) -> Result<(), Failure> {
    let gpu = find_gpu(&args.gpu)?;
    if !args.scale.is_empty() {
        return run_scale(&gpu, &args);
    }
    out!(
        "{:>6} {:>4} {:<12} {:>6} {:>6} {:>8} {:>6} {:>7} {:>9} {:<10}\n",
        "models",
        "seed",
        "solver",
        "GPUs",
        "bound",
        "gap",
        "whole",
        "saving",
        "ms",
        "stopped"
    );
    for &n in &args.models {
        for seed in 1..=args.seeds {
            let generated = synthetic(&gpu, n, seed);
            for &kind in compared(&args.solvers) {
                let options = RunOptions {
                    solver: kind,
                    budget: Budget { time_limit: Some(args.time_limit), max_iterations: None },
                    seed,
                };
                let cancel = AtomicBool::new(false);
                let (profiles, workload) = (&generated.profiles, &generated.workload);
                let request = Request { run: options, ..Request::on(Fleet::one(gpu.clone())) };
                let plan = match workflow::plan(&request, profiles, workload, &cancel, None) {
                    Ok((plan, _)) => plan,
                    Err(refusal) => {
                        out!("{n:>6} {seed:>4} {:<12} INVALID: {refusal}\n", kind.name());
                        continue;
                    }
                };
                let whole = plan.baseline.whole_gpus;
                let saving = whole.map_or("-".to_string(), |w| {
                    format!("{:.1}%", 100.0 * (w as f64 - plan.gpu_count as f64) / w as f64)
                });
                let gap = 100.0 * (plan.gpu_count - plan.bound.lower.min(plan.gpu_count)) as f64
                    / plan.bound.lower.max(1) as f64;
                out!(
                    "{:>6} {:>4} {:<12} {:>6} {:>6} {:>7.2}% {:>6} {:>7} {:>9} {:<10}\n",
                    n,
                    seed,
                    kind.name(),
                    plan.gpu_count,
                    plan.bound.lower,
                    gap,
                    whole.map_or("-".into(), |w| w.to_string()),
                    saving,
                    plan.solver.elapsed_ms,
                    plan.solver.termination.as_str()
                );
            }
        }
    }
    Ok(())
}

/// Each phase's time on generated workloads of growing size: parsing the CSV text, building
/// the problem, the bound, the search, validation.
/// The solvers a comparison runs: those given, or the paper's four and the exact planner.
fn compared(given: &[SolverKind]) -> &[SolverKind] {
    const DEFAULT: [SolverKind; 5] =
        [SolverKind::Greedy, SolverKind::Ga, SolverKind::Mcts, SolverKind::MigServing, SolverKind::Exact];
    if given.is_empty() {
        &DEFAULT
    } else {
        given
    }
}

fn run_scale(gpu: &GpuSpec, args: &BenchArgs) -> Result<(), Failure> {
    out!(
        "{:>7} {:>7} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9} {:>10} {:>9}\n",
        "models",
        "GPUs",
        "bound",
        "parse ms",
        "build ms",
        "bound ms",
        "search ms",
        "check ms",
        "total ms",
        "stopped"
    );
    let solver = args.solvers.first().copied().unwrap_or(SolverKind::Auto);
    for &n in &args.scale {
        let generated = synthetic(gpu, n, 1);
        let (profiles_text, workload_text) = (profiles_csv(&generated.profiles), workload_csv(&generated.workload));
        let started = std::time::Instant::now();
        let profiles = parse_profiles("profiles.csv", &profiles_text)?;
        let workload = parse_workload("workload.csv", &workload_text)?;
        let parse_ms = started.elapsed().as_secs_f64() * 1000.0;
        let options =
            RunOptions { solver, budget: Budget { time_limit: Some(args.time_limit), max_iterations: None }, seed: 1 };
        let request = Request { run: options, ..Request::on(Fleet::one(gpu.clone())) };
        let (plan, t) = workflow::plan(&request, &profiles, &workload, &AtomicBool::new(false), None)?;
        let total = parse_ms + t.build_ms + t.bound_ms + t.search_ms + t.validate_ms;
        out!(
            "{:>7} {:>7} {:>7} {:>9.0} {:>8.0} {:>8.0} {:>9.0} {:>9.0} {:>10.0} {:>9}\n",
            n,
            plan.gpu_count,
            plan.bound.lower,
            parse_ms,
            t.build_ms,
            t.bound_ms,
            t.search_ms,
            t.validate_ms,
            total,
            plan.solver.termination.as_str()
        );
    }
    Ok(())
}

#[derive(Args)]
pub struct BenchSweepArgs {
    /// The fleet (the models are generated on the first --gpu), each point's time limit, the
    /// seed and the multipliers.
    #[command(flatten)]
    settings: Settings<BenchSweeping>,
    /// Models of the generated workload.
    #[arg(long, default_value = "100", value_parser = parse_models)]
    models: usize,
}

/// `migplan bench-sweep`: the growth curve of one generated workload, with its time.
pub fn run_sweep(args: BenchSweepArgs) -> Result<(), Failure> {
    use migplan_core::workflow::capacity::growth;
    let mut request = args.settings.request()?;
    request.run.solver = SolverKind::Exact;
    let generated = synthetic(request.fleet.first(), args.models, request.run.seed);
    let started = std::time::Instant::now();
    let points = growth(&request, &generated.profiles, &generated.workload, &AtomicBool::new(false))?;
    let elapsed = started.elapsed().as_secs_f64();
    out!(
        "{:>7} {:>6} {:>6} {:>10} {:>10} {:>6} {:<10}\n",
        "factor",
        "GPUs",
        "bound",
        "cost",
        "cost bound",
        "whole",
        "stopped"
    );
    for p in &points {
        let whole = p.whole_gpus.map_or("-".to_string(), |n| n.to_string());
        out!(
            "{:>7.3} {:>6} {:>6} {:>10.2} {:>10.2} {:>6} {:<10}\n",
            p.factor,
            p.gpus,
            p.lower_gpus,
            p.cost,
            p.lower_cost,
            whole,
            p.plan.solver.termination.as_str()
        );
    }
    let types = request.fleet.ids();
    out!(
        "{} models x {} points on {}: {elapsed:.1} s ({:.2} s a point, every point checked)\n",
        args.models,
        points.len(),
        types.join(" + "),
        elapsed / points.len().max(1) as f64
    );
    Ok(())
}

//! `migplan bench-fleet`: generated models measured on every GPU type of a mixed fleet,
//! planned at the fleet's prices: cost, bound, the gap, when the plan was found and the time.
//! Figures only.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Args;
use migplan_core::plan::Plan;
use migplan_core::problem::generate::synthetic_fleet;
use migplan_core::problem::input::{profiles_csv, workload_csv};
use migplan_core::solve::control::{Budget, Progress};
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, Request};

use crate::args::{parse_models, parse_time_limit, Failure};
use crate::settings::{FleetOnly, Settings};

#[derive(Args)]
pub struct BenchFleetArgs {
    /// The GPU types, the first the one the models are generated on; each other type runs
    /// them `--speedup` times as fast.
    #[command(flatten)]
    settings: Settings<FleetOnly>,
    #[arg(long, default_value = "30", value_parser = parse_models)]
    models: usize,
    /// Workload seeds 1..=N.
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// How many times as fast the other types run every model as the first.
    #[arg(long, default_value_t = 2.0)]
    speedup: f64,
    #[arg(long, default_value = "20", value_parser = parse_time_limit, allow_hyphen_values = true)]
    time_limit: Duration,
    /// Also write each seed's profiles and workload here (`profiles-SEED.csv`,
    /// `workload-SEED.csv`), for tests/reference/highs_fleet.py.
    #[arg(long)]
    out_dir: Option<PathBuf>,
}

pub fn run(args: BenchFleetArgs) -> Result<(), Failure> {
    if !(args.speedup.is_finite() && args.speedup > 0.0) {
        return Err(Failure(format!("--speedup {}: give a number above 0, e.g. 2", args.speedup)));
    }
    let fleet = args.settings.request()?.fleet;
    let others: Vec<_> = fleet.types()[1..].iter().map(|t| (t.spec.clone(), args.speedup)).collect();
    let prices: Vec<String> = fleet.types().iter().map(|t| format!("{}={}", t.spec.id, t.price)).collect();
    out!("{} models, {} at {}x, {} s\n", args.models, prices.join(" "), args.speedup, args.time_limit.as_secs_f64());
    out!(
        "{:>4} {:>9} {:>9} {:>7} {:>9} {:>9} {:<10}  {}\n",
        "seed",
        "cost",
        "bound",
        "gap",
        "found ms",
        "ms",
        "stopped",
        "GPUs"
    );
    for seed in 1..=args.seeds {
        let generated = synthetic_fleet(fleet.first(), &others, args.models, seed);
        if let Some(dir) = &args.out_dir {
            std::fs::create_dir_all(dir).map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
            let write = |name: String, text: String| {
                let path = dir.join(name);
                std::fs::write(&path, text).map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))
            };
            write(format!("profiles-{seed}.csv"), profiles_csv(&generated.profiles))?;
            write(format!("workload-{seed}.csv"), workload_csv(&generated.workload))?;
        }
        let budget = Budget { time_limit: Some(args.time_limit), max_iterations: None };
        let request =
            Request { run: RunOptions { solver: SolverKind::Auto, budget, seed }, ..Request::on(fleet.clone()) };
        let started = Instant::now();
        // Each checked plan the run streams, with when it came: the first at the final cost
        // says when the plan was found, apart from the time spent failing to prove it.
        let mut streamed: Vec<(f64, u128)> = Vec::new();
        let mut watch = |_: &Progress, plan: Option<Plan>| {
            if let Some(plan) = plan {
                streamed.push((plan_cost(&plan).0, started.elapsed().as_millis()));
            }
        };
        let cancel = AtomicBool::new(false);
        let (plan, _) = workflow::plan(&request, &generated.profiles, &generated.workload, &cancel, Some(&mut watch))?;
        let ms = started.elapsed().as_millis();
        let (cost, bound) = plan_cost(&plan);
        let found = streamed.iter().find(|(c, _)| *c <= cost + 1e-9).map_or(ms, |&(_, at)| at);
        let mut per_type: Vec<String> = Vec::new();
        for t in fleet.types() {
            let n = plan.gpus.iter().filter(|g| g.gpu.as_deref().unwrap_or(&plan.gpu) == t.spec.id).count();
            per_type.push(format!("{n} x {}", t.spec.id));
        }
        out!(
            "{seed:>4} {cost:>9.2} {bound:>9.2} {:>6.2}% {found:>9} {ms:>9} {:<10}  {}\n",
            100.0 * (cost - bound) / bound.max(f64::MIN_POSITIVE),
            plan.solver.termination.as_str(),
            per_type.join(" + ")
        );
    }
    Ok(())
}

/// A plan's cost and its proven lower bound (its GPUs, for a plan without prices).
fn plan_cost(plan: &Plan) -> (f64, f64) {
    plan.cost.as_ref().map_or((plan.gpu_count as f64, plan.bound.lower as f64), |c| (c.total, c.lower))
}

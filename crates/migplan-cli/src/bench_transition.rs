//! `migplan bench-transition`: moves for generated demand changes, the running GPUs each
//! touches against the proven fewest, and how long planning took. Figures only: nothing
//! here passes or fails.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use clap::Args;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::problem::generate::{demand_change, Change};
use migplan_core::problem::input::WorkloadRow;
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, plan_move, MoveRequest, Request, Target};

use crate::args::{find_gpu, parse_models, parse_time_limit, Failure};

#[derive(Args)]
pub struct BenchTransitionArgs {
    #[arg(long, default_value = "a100-40gb")]
    gpu: String,
    #[arg(long, value_delimiter = ',', default_value = "30,100,300", value_parser = parse_models)]
    models: Vec<usize>,
    /// Seeds per model count and change (workload seeds 1..=N).
    #[arg(long, default_value_t = 1)]
    seeds: u64,
    /// Time to plan each move (and, before it, each running plan), in seconds.
    #[arg(long, default_value = "10", value_parser = parse_time_limit, allow_hyphen_values = true)]
    time_limit: Duration,
    /// Spare GPUs each move may borrow, as `transition --spare`.
    #[arg(long, default_value_t = 0)]
    spare: usize,
    /// Every generated rate, before and after the change, multiplied by this: 2 makes the
    /// 300-model fleet about 370 GPUs instead of about 200.
    #[arg(long, default_value = "1", value_parser = parse_rate_scale)]
    rate_scale: f64,
}

fn parse_rate_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.01..=100.0).contains(&x) => Ok(x),
        _ => Err(format!("`{text}` is not a factor from 0.01 to 100")),
    }
}

/// For generated demand changes: the running plan, then the move to the new demand within
/// its optimum, the running GPUs it touches, the proven minimum and the gap between them.
pub fn run(args: BenchTransitionArgs) -> Result<(), Failure> {
    let gpu = find_gpu(&args.gpu)?;
    out!(
        "{:>6} {:<15} {:>4} {:>11} | {:>7} {:>6} {:>4} {:>6} | {:>5} {:>5} | {:>7}\n",
        "models",
        "change",
        "seed",
        "GPUs",
        "touched",
        "proven",
        "gap",
        "status",
        "spare",
        "steps",
        "ms"
    );
    let scaled = |rows: Vec<WorkloadRow>| -> Vec<WorkloadRow> {
        rows.into_iter().map(|w| WorkloadRow { rate: (w.rate * args.rate_scale).round().max(1.0), ..w }).collect()
    };
    for &n in &args.models {
        for change in Change::ALL {
            for seed in 1..=args.seeds {
                let (profiles, old, new) = demand_change(&gpu, n, seed, change);
                let (old, new) = (scaled(old), scaled(new));
                let options = RunOptions {
                    solver: SolverKind::Auto,
                    budget: Budget { time_limit: Some(args.time_limit), max_iterations: None },
                    seed,
                };
                let settings = Request { run: options, spare: args.spare, ..Request::on(Fleet::one(gpu.clone())) };
                let (from, _) = workflow::plan(&settings, &profiles, &old, &AtomicBool::new(false), None)?;
                let request = MoveRequest {
                    request: &settings,
                    profiles: &profiles,
                    running: &from,
                    running_workload: Some(&old),
                    target: Target::Workload(&new),
                };
                let started = Instant::now();
                let planned = plan_move(&request, &AtomicBool::new(false), None);
                let ms = started.elapsed().as_millis();
                let planned = match planned {
                    Ok(planned) => planned,
                    Err(refusal) => {
                        out!("{n:>6} {:<15} {seed:>4}  INVALID: {refusal}\n", change.name());
                        continue;
                    }
                };
                let t = &planned.transition;
                let proven = planned.disruption.as_ref().map_or(0, |d| d.touched_lower_bound);
                let gap = t.running_touched.saturating_sub(proven);
                let status = if t.spare_used > args.spare {
                    "spares"
                } else if gap == 0 {
                    "proven"
                } else {
                    "gap"
                };
                out!(
                    "{:>6} {:<15} {:>4} {:>5}->{:<5} | {:>7} {:>6} {:>4} {:>6} | {:>5} {:>5} | {:>7}\n",
                    n,
                    change.name(),
                    seed,
                    from.gpu_count,
                    planned.target.gpu_count,
                    t.running_touched,
                    proven,
                    gap,
                    status,
                    t.spare_used,
                    t.steps.len(),
                    ms
                );
            }
        }
    }
    Ok(())
}

//! `migplan transition`: the steps that move a running plan to the next one.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use clap::Args;
use migplan_core::plan::transition::{Action, Transition};
use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::{parse_workload, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{plan_move, MoveRequest, Target};

use crate::args::{find_gpu, parse_time_limit, read, read_plan, Failure, Format};
use crate::import::{plan_options, read_profiles};

#[derive(Args)]
pub struct TransitionArgs {
    #[arg(long)]
    gpu: String,
    /// Profiles in any format `migplan import` reads; may be given several times.
    #[arg(long, required = true)]
    profiles: Vec<PathBuf>,
    #[arg(long, default_value = "p99", value_parser = crate::import::parse_latency)]
    latency: Percentile,
    /// The running plan (JSON, as `migplan plan --format json` writes it).
    #[arg(long)]
    from: PathBuf,
    /// The plan to move to. Without it, `--workload-to` is planned first, preferring a plan
    /// close to the running one.
    #[arg(long)]
    to: Option<PathBuf>,
    /// The demand the running plan serves (default: the models of the --from plan).
    #[arg(long)]
    workload_from: Option<PathBuf>,
    /// The new demand (default: the models of the --to plan).
    #[arg(long)]
    workload_to: Option<PathBuf>,
    /// Spare GPUs that may be borrowed during the move.
    #[arg(long, default_value_t = 0)]
    spare: usize,
    /// Time to plan --workload-to, in seconds.
    #[arg(long, default_value = "10", value_parser = parse_time_limit, allow_hyphen_values = true)]
    time_limit: Duration,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

fn read_workload(path: &Option<PathBuf>) -> Result<Option<Vec<WorkloadRow>>, Failure> {
    match path {
        Some(p) => Ok(Some(parse_workload(&p.display().to_string(), &read(p)?)?)),
        None => Ok(None),
    }
}

pub fn run_transition(args: TransitionArgs) -> Result<ExitCode, Failure> {
    let gpu = find_gpu(&args.gpu)?;
    let profiles = read_profiles(&args.profiles, &plan_options(&gpu, args.latency), false)?;
    let from = read_plan(&args.from)?;
    let (old_workload, new_workload) = (read_workload(&args.workload_from)?, read_workload(&args.workload_to)?);
    let to = args.to.as_ref().map(|path| read_plan(path)).transpose()?;
    let target = match (&to, &new_workload) {
        (Some(plan), w) => Target::Plan(plan, w.as_deref()),
        (None, Some(w)) => Target::Workload(w),
        (None, None) => return Err(Failure("give the target as --to PLAN, or --workload-to FILE to plan it".into())),
    };
    let request = MoveRequest {
        gpu: &gpu,
        profiles: &profiles,
        running: &from,
        running_workload: old_workload.as_deref(),
        target,
        options: RunOptions {
            solver: SolverKind::Auto,
            budget: Budget { time_limit: Some(args.time_limit), max_iterations: None },
            seed: args.seed,
        },
    };
    let planned = plan_move(&request, &AtomicBool::new(false), None)?;
    let transition = planned.transition;
    if transition.spare_used > args.spare {
        return Err(Failure(format!(
            "this move needs {} spare GPU{} to keep every model at min(old, new) demand; {} allowed\n  hint: rerun with --spare {}",
            transition.spare_used,
            if transition.spare_used == 1 { "" } else { "s" },
            args.spare,
            transition.spare_used
        )));
    }
    match args.format {
        Format::Json => out!("{}\n", serde_json::to_string_pretty(&transition)?),
        Format::Table => out!("{}", table(&transition)),
    }
    Ok(ExitCode::SUCCESS)
}

fn table(t: &Transition) -> String {
    let mut out = format!(
        "{} steps: {} instances created, {} deleted, {} GPUs touched, {} spare GPU{} borrowed\n",
        t.steps.len(),
        t.instances_created,
        t.instances_deleted,
        t.touched_gpus,
        t.spare_used,
        if t.spare_used == 1 { "" } else { "s" }
    );
    out += &format!(
        "drain and rebuild: {} created, {} deleted, {} GPUs touched\n\n",
        t.naive.instances_created, t.naive.instances_deleted, t.naive.touched_gpus
    );
    for (n, step) in t.steps.iter().enumerate() {
        let actions: Vec<String> = step
            .actions
            .iter()
            .map(|a| match a {
                Action::AddGpu { gpu } => format!("add GPU {gpu}"),
                Action::RemoveGpu { gpu } => format!("remove GPU {gpu}"),
                Action::Create { gpu, profile, start, model, .. } => {
                    format!("create {profile}@{start} {} on GPU {gpu}", model.as_deref().unwrap_or("(idle)"))
                }
                Action::Delete { gpu, start } => format!("delete @{start} on GPU {gpu}"),
            })
            .collect();
        out += &format!("step {:>3}: {}\n", n + 1, actions.join("; "));
    }
    out
}

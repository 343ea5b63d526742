//! `migplan transition`: the steps that move a running plan to the next one.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use migplan_core::input::{parse_profiles, parse_workload, WorkloadRow};
use migplan_core::plan::Plan;
use migplan_core::problem::Problem;
use migplan_core::solver::{Budget, RunOptions, SolverKind};
use migplan_core::transition::{plan_near, plan_transition, Action, Demand, Transition};
use migplan_core::transition_check::check_transition;
use migplan_core::validate::validate;

use crate::{find_gpu, read, read_plan, Failure, Format};

#[derive(Args)]
pub struct TransitionArgs {
    #[arg(long)]
    gpu: String,
    #[arg(long)]
    profiles: PathBuf,
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
    #[arg(long, default_value_t = 10.0)]
    time_limit: f64,
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
    let profiles = parse_profiles(&args.profiles.display().to_string(), &read(&args.profiles)?)?;
    let from = read_plan(&args.from)?;
    let (old_workload, new_workload) = (read_workload(&args.workload_from)?, read_workload(&args.workload_to)?);
    let check = |plan: &Plan, workload: &Option<Vec<WorkloadRow>>, which: &str| -> Result<(), Failure> {
        let Some(w) = workload else { return Ok(()) };
        let violations = validate(&gpu, &profiles, w, plan);
        if violations.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = violations.iter().map(|v| format!("  - {v}")).collect();
        Err(Failure(format!("the {which} plan does not serve its workload:\n{}", list.join("\n"))))
    };
    check(&from, &old_workload, "--from")?;
    let to = match (&args.to, &new_workload) {
        (Some(path), _) => read_plan(path)?,
        (None, Some(w)) => plan_close_to(&gpu, &profiles, w, &from, args.time_limit, args.seed)?,
        (None, None) => return Err(Failure("give the target as --to PLAN, or --workload-to FILE to plan it".into())),
    };
    check(&to, &new_workload, "--to")?;
    let demands = demands(&from, &to, &old_workload, &new_workload);
    let transition = plan_transition(&gpu, &from, &to, &demands);
    let problems = check_transition(&gpu, &from, &to, &demands, &transition, usize::MAX);
    if !problems.is_empty() {
        return Err(Failure(format!(
            "the planned move fails its own check (a bug; please report it with your plans):\n  - {}",
            problems.join("\n  - ")
        )));
    }
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
        Format::Json => println!("{}", serde_json::to_string_pretty(&transition)?),
        Format::Table => print!("{}", table(&transition)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Demands from the workloads where given, else from the plans' model lists.
fn demands(from: &Plan, to: &Plan, old: &Option<Vec<WorkloadRow>>, new: &Option<Vec<WorkloadRow>>) -> Vec<Demand> {
    let mut demands = Demand::from_plans(from, to);
    for d in &mut demands {
        if let Some(w) = old {
            d.old_rate = w.iter().find(|r| r.model == d.model).map_or(0.0, |r| r.rate);
        }
        if let Some(w) = new {
            d.new_rate = w.iter().find(|r| r.model == d.model).map_or(0.0, |r| r.rate);
        }
    }
    demands
}

fn plan_close_to(
    gpu: &migplan_core::catalog::GpuSpec,
    profiles: &[migplan_core::input::ProfileRow],
    workload: &[WorkloadRow],
    from: &Plan,
    time_limit: f64,
    seed: u64,
) -> Result<Plan, Failure> {
    let problem = Problem::build(gpu, profiles, workload)?;
    let options = RunOptions {
        solver: SolverKind::Auto,
        budget: Budget { time_limit: Some(Duration::from_secs_f64(time_limit.max(0.1))), max_iterations: None },
        seed,
    };
    Ok(plan_near(&problem, from, &options))
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

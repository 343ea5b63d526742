//! `migplan transition`: the steps that move a running plan to the next one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;
use migplan_core::export::{ExportFormat, ExportOptions};
use migplan_core::plan::transition::{Action, Transition};
use migplan_core::problem::import::ImportOptions;
use migplan_core::problem::input::{parse_workload, WorkloadRow};
use migplan_core::workflow::settings::Key;
use migplan_core::workflow::{measured_running, plan_move, plan_pareto, Move, MoveRequest, Target};
use serde::Serialize;

use crate::args::{check_outputs, read, read_plan, write_out, Failure, Format};
use crate::import::read_profiles;
use crate::settings::{Moving, Settings};
use migplan_core::cluster::mig_config;
use migplan_core::cluster::move_config::move_config;
use migplan_core::cluster::runbook::{runbook, RunbookNotes};

#[derive(Args)]
pub struct TransitionArgs {
    /// The GPU types the running plan has and the move may add (each running GPU keeps its
    /// type unless the move replaces it, with --workload-to, priced as --cost says); the
    /// replan's budget; the spare and extra GPUs; the nodes of the move's config.
    #[command(flatten)]
    settings: Settings<Moving>,
    /// Profiles in any format `migplan import` reads; may be given several times.
    #[arg(long, required = true)]
    profiles: Vec<PathBuf>,
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
    /// With --workload-to: for 0, 1, 2, ... extra GPUs, the running GPUs each move touches and
    /// the proven minimum, until nothing more can stay untouched.
    #[arg(long)]
    pareto: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Instead of the steps: the move's mig-parted config or GPU Operator ConfigMap (the
    /// cluster's configs kept, the move's added; only the nodes it repartitions are relabelled),
    /// or a runbook, the bash script that applies the move with kubectl.
    #[arg(long, value_parser = move_formats())]
    export: Option<MoveExport>,
    /// The mig-parted config (or ConfigMap) the cluster's nodes are labelled from now, as given
    /// to `migplan cluster`: the move's config keeps it. Without it, the running plan is taken as
    /// deployed by `migplan export` with the same --gpus-per-node and --node-names.
    #[arg(long)]
    mig_config: Option<PathBuf>,
    /// Write to this file instead of standard output (the steps, the trade-off or the
    /// deploy config, whichever is asked for).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// What `--export` writes: the move's config in a format that partitions nodes, or its runbook.
#[derive(Clone, Copy)]
enum MoveExport {
    Config(ExportFormat),
    Runbook,
}

/// The formats that partition nodes by their names, from the core's list, then `runbook`.
fn move_formats() -> impl TypedValueParser<Value = MoveExport> {
    PossibleValuesParser::new(ExportFormat::NODE_CONFIGS.map(ExportFormat::name).into_iter().chain(["runbook"]))
        .map(|name| ExportFormat::parse(&name).map_or(MoveExport::Runbook, MoveExport::Config))
}

fn read_workload(path: &Option<PathBuf>) -> Result<Option<Vec<WorkloadRow>>, Failure> {
    match path {
        Some(p) => Ok(Some(parse_workload(&p.display().to_string(), &read(p)?)?)),
        None => Ok(None),
    }
}

pub fn run_transition(args: TransitionArgs) -> Result<ExitCode, Failure> {
    let mut inputs: Vec<&Path> = args.profiles.iter().map(PathBuf::as_path).collect();
    inputs.push(&args.from);
    inputs.extend(args.to.iter().chain(&args.workload_from).chain(&args.workload_to).map(PathBuf::as_path));
    let settings = args.settings.request()?;
    check_outputs(&inputs, &args.out.iter().map(|o| ("--out", o.as_path())).collect::<Vec<_>>())?;
    let fleet = &settings.fleet;
    let profiles = read_profiles(&args.profiles, &ImportOptions::for_plan(fleet.first(), settings.latency), false)?;
    let (old_workload, new_workload) = (read_workload(&args.workload_from)?, read_workload(&args.workload_to)?);
    // A plan read off a cluster states no throughputs: they come from the profiles.
    let from = measured_running(fleet, &profiles, old_workload.as_deref(), &read_plan(&args.from)?)?;
    let to = args.to.as_ref().map(|path| read_plan(path)).transpose()?;
    if to.is_some() && (args.settings.given(Key::ExtraGpus) || args.pareto) {
        return Err(Failure(
            "--extra-gpus and --pareto plan the target from --workload-to; a --to plan is moved to as it is\n  hint: drop --to to plan the new demand".into(),
        ));
    }
    let target = match (&to, &new_workload) {
        (Some(plan), w) => Target::Plan(plan, w.as_deref()),
        (None, Some(w)) => Target::Workload(w),
        (None, None) => return Err(Failure("give the target as --to PLAN, or --workload-to FILE to plan it".into())),
    };
    let request = MoveRequest {
        request: &settings,
        profiles: &profiles,
        running: &from,
        running_workload: old_workload.as_deref(),
        target,
    };
    if args.pareto {
        let front = plan_pareto(&request, &AtomicBool::new(false), None)?;
        let points: Vec<Point> = front.iter().map(|m| Point::of(m, settings.spare)).collect();
        let text = match args.format {
            Format::Json => format!("{}\n", serde_json::to_string_pretty(&points)?),
            Format::Table => pareto_table(&points),
        };
        return write_out(args.out.as_ref(), &text).map(|()| ExitCode::SUCCESS);
    }
    let planned = plan_move(&request, &AtomicBool::new(false), None)?;
    let bound = planned.disruption.as_ref().map(|d| (d.touched_lower_bound, d.optimal_gpus + d.extra_gpus));
    let transition = &planned.transition;
    if transition.spare_used > settings.spare {
        return Err(Failure(format!(
            "this move needs {} spare GPU{} to keep every model at min(old, new) demand; {} allowed\n  hint: rerun with --spare {}",
            transition.spare_used,
            if transition.spare_used == 1 { "" } else { "s" },
            settings.spare,
            transition.spare_used
        )));
    }
    let text = match (args.export, args.format) {
        (Some(export), _) => move_export(&args, &settings.export, export, &planned)?,
        (None, Format::Json) => {
            let json = Replanned { transition, running_touched_lower_bound: bound.map(|b| b.0) };
            format!("{}\n", serde_json::to_string_pretty(&json)?)
        }
        (None, Format::Table) => table(transition, bound),
    };
    write_out(args.out.as_ref(), &text).map(|()| ExitCode::SUCCESS)
}

/// The move's mig-parted config, GPU Operator ConfigMap or runbook.
fn move_export(
    args: &TransitionArgs,
    options: &ExportOptions,
    export: MoveExport,
    planned: &Move,
) -> Result<String, Failure> {
    let current = match &args.mig_config {
        Some(path) => Some(mig_config::read(&path.display().to_string(), &read(path)?)?),
        None if planned.running.gpus.iter().any(|g| g.node.is_some()) => {
            return Err(Failure(
                "the running plan names its nodes (read by `migplan cluster`): the move's config must keep the configs they are labelled with\n  hint: give --mig-config, the file given to `migplan cluster`".into(),
            ))
        }
        None => None,
    };
    let config = move_config(&planned.running, &planned.transition, options, current.as_ref());
    // --node-names names every node, or only the new ones when the running plan names its own.
    let named = planned.running.gpus.iter().any(|g| g.node.is_some());
    let nodes = config.rollout.nodes.iter().filter(|n| n.new || !named).count();
    options.check_names_for(nodes).map_err(Failure)?;
    Ok(match export {
        MoveExport::Config(format) => config.render(format == ExportFormat::GpuOperator),
        MoveExport::Runbook => {
            let floors: Vec<(String, f64)> = planned.floors.iter().map(|f| (f.model.clone(), f.floor)).collect();
            runbook(&config, options, &RunbookNotes { gpu: &planned.running.gpu, floors: &floors })
        }
    })
}

/// The transition JSON, with the proven minimum of running GPUs touched when the target was
/// planned from new demand.
#[derive(Serialize)]
struct Replanned<'a> {
    #[serde(flatten)]
    transition: &'a Transition,
    #[serde(skip_serializing_if = "Option::is_none")]
    running_touched_lower_bound: Option<usize>,
}

/// One point of the trade-off between GPUs and disruption.
#[derive(Serialize)]
struct Point<'a> {
    extra_gpus: usize,
    gpus: usize,
    running_touched: usize,
    running_touched_lower_bound: usize,
    spare_used: usize,
    /// False when the move needs more spare GPUs than --spare allows.
    within_spare: bool,
    transition: &'a Transition,
}

impl<'a> Point<'a> {
    fn of(m: &'a Move, spare: usize) -> Point<'a> {
        let d = m.disruption.as_ref();
        let t = &m.transition;
        Point {
            extra_gpus: d.map_or(0, |d| d.extra_gpus),
            gpus: m.target.gpu_count,
            running_touched: t.running_touched,
            running_touched_lower_bound: d.map_or(t.running_touched, |d| d.touched_lower_bound),
            spare_used: t.spare_used,
            within_spare: t.spare_used <= spare,
            transition: t,
        }
    }
}

fn pareto_table(points: &[Point]) -> String {
    let mut out =
        format!("{:>10} {:>6} {:>15} {:>13} {:>6}\n", "extra GPUs", "GPUs", "running touched", "proven min", "spare");
    for p in points {
        out += &format!(
            "{:>10} {:>6} {:>15} {:>13} {:>6}{}\n",
            p.extra_gpus,
            p.gpus,
            p.running_touched,
            p.running_touched_lower_bound,
            p.spare_used,
            if p.within_spare { "" } else { "  (more spare GPUs than --spare)" }
        );
    }
    out
}

fn table(t: &Transition, bound: Option<(usize, usize)>) -> String {
    let mut out = format!(
        "{} steps: {} instances created, {} deleted, {} GPUs touched ({} running), {} spare GPU{} borrowed\n",
        t.steps.len(),
        t.instances_created,
        t.instances_deleted,
        t.touched_gpus,
        t.running_touched,
        t.spare_used,
        if t.spare_used == 1 { "" } else { "s" }
    );
    if let Some((lower, budget)) = bound {
        out += &format!(
            "running GPUs touched: {}, proven minimum within {budget} GPUs: {lower}{}\n",
            t.running_touched,
            if t.running_touched == lower { " (optimal)" } else { "" }
        );
    }
    out += &format!(
        "drain and rebuild: {} created, {} deleted, {} GPUs touched\n\n",
        t.naive.instances_created, t.naive.instances_deleted, t.naive.touched_gpus
    );
    for (n, step) in t.steps.iter().enumerate() {
        let actions: Vec<String> = step
            .actions
            .iter()
            .map(|a| match a {
                Action::AddGpu { gpu, gpu_type: None } => format!("add GPU {gpu}"),
                Action::AddGpu { gpu, gpu_type: Some(t) } => format!("add GPU {gpu} ({t})"),
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

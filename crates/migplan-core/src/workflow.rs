//! What the command line and the browser worker call: plan a workload, or plan a move, and
//! pass the result through the independent checkers before handing it over. A plan or a
//! move that fails its check is an error, never a result.

use std::fmt;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::check::plan::{validate, Violation};
use crate::check::transition::check_transition;
use crate::hardware::spec::GpuSpec;
use crate::moves::exchange::{plan_transition, Demand};
use crate::plan::transition::Transition;
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::input::{InputErrors, ProfileRow, SourceLoc, WorkloadRow};
use crate::problem::Problem;
use crate::solve::control::{Phase, Progress};
use crate::solve::registry::RunOptions;

mod replanning;
pub use replanning::Disruption;

/// Why a workflow gave no result.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The inputs have problems, each located.
    Inputs(InputErrors),
    /// A plan the user gave does not serve its workload on its GPU.
    PlanRejected { what: String, violations: Vec<Violation> },
    /// A plan given for a move leaves out the throughput of instances that serve a model:
    /// the move's floors cannot be kept without it.
    Unmeasured { what: String, instances: Vec<String> },
    /// A plan migplan made fails the checker: a bug.
    PlannerBug { violations: Vec<Violation> },
    /// A move migplan planned fails the move checker: a bug.
    MoveBug { problems: Vec<String> },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: Vec<String>| items.iter().map(|v| format!("\n  - {v}")).collect::<String>();
        match self {
            Refusal::Inputs(errors) => write!(f, "{errors}"),
            Refusal::PlanRejected { what, violations } => write!(
                f,
                "{what} fails its check:{}\n  hint: give a plan migplan wrote for this GPU, with the workload it serves",
                list(violations.iter().map(Violation::to_string).collect())
            ),
            Refusal::Unmeasured { what, instances } => write!(
                f,
                "{what} does not state the throughput of {} instance{} ({}{}): a move needs each \
                 instance's throughput\n  hint: give the plan JSON that `migplan plan --format json` writes",
                instances.len(),
                if instances.len() == 1 { "" } else { "s" },
                instances.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                if instances.len() > 5 { ", ..." } else { "" }
            ),
            Refusal::PlannerBug { violations } => write!(
                f,
                "the planner produced a plan that fails validation (a bug; please report it with your inputs):{}",
                list(violations.iter().map(Violation::to_string).collect())
            ),
            Refusal::MoveBug { problems } => write!(
                f,
                "the planned move fails its own check (a bug; please report it with your plans):{}",
                list(problems.clone())
            ),
        }
    }
}

impl From<InputErrors> for Refusal {
    fn from(e: InputErrors) -> Self {
        Refusal::Inputs(e)
    }
}

/// Hears every progress report of a run, with the best plan (or move) so far whenever it
/// improved, already checked.
pub type Watch<'a, T> = &'a mut dyn FnMut(&Progress, Option<T>);

/// Plans `workload` on `gpu` and checks the plan.
pub fn plan(
    gpu: &GpuSpec,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    options: &RunOptions,
    cancel: &AtomicBool,
    watch: Option<Watch<Plan>>,
) -> Result<Plan, Refusal> {
    plan_timed(gpu, profiles, workload, options, cancel, watch).map(|(plan, _)| plan)
}

/// How long each phase of planning took, in milliseconds: what `--verbose` and the
/// benchmarks print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseTimes {
    pub build_ms: f64,
    pub bound_ms: f64,
    pub search_ms: f64,
    pub validate_ms: f64,
}

/// [`plan`], and how long each phase took.
pub fn plan_timed(
    gpu: &GpuSpec,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    options: &RunOptions,
    cancel: &AtomicBool,
    mut watch: Option<Watch<Plan>>,
) -> Result<(Plan, PhaseTimes), Refusal> {
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let problem = Problem::build(gpu, profiles, workload)?;
    let mut times = PhaseTimes { build_ms: ms(started), ..PhaseTimes::default() };
    let solving = Instant::now();
    let mut searching: Option<Instant> = None;
    let mut observer = |p: &Progress| {
        if p.phase == Phase::Searching {
            searching = Some(Instant::now());
        }
        if let Some(watch) = watch.as_mut() {
            let best = improved(p, &problem, options.solver.name(), options.seed)
                .and_then(|plan| checked(gpu, profiles, workload, plan).ok());
            watch(p, best);
        }
    };
    let plan = crate::solve::registry::run(&problem, options, cancel, &mut observer);
    let searching = searching.unwrap_or(solving);
    (times.bound_ms, times.search_ms) = (searching.duration_since(solving).as_secs_f64() * 1000.0, ms(searching));
    let validating = Instant::now();
    let plan = checked(gpu, profiles, workload, plan);
    times.validate_ms = ms(validating);
    Ok((plan?, times))
}

/// A plan migplan made, once the independent checker has passed it; failing is a bug.
fn checked(gpu: &GpuSpec, profiles: &[ProfileRow], workload: &[WorkloadRow], plan: Plan) -> Result<Plan, Refusal> {
    let violations = validate(gpu, profiles, workload, &plan);
    if violations.is_empty() {
        Ok(plan)
    } else {
        Err(Refusal::PlannerBug { violations })
    }
}

/// The best plan so far as JSON, when `progress` reports an improvement.
fn improved(progress: &Progress, problem: &Problem, solver: &str, seed: u64) -> Option<Plan> {
    let best = progress.best.as_ref().filter(|_| progress.phase == Phase::Improved)?;
    let info = SolverInfo {
        name: solver.to_string(),
        seed,
        elapsed_ms: progress.elapsed_ms,
        termination: Termination::Running,
    };
    Some(best.to_plan(problem, progress.lower_bound, info))
}

/// What a model must keep at every step of a move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    pub model: String,
    pub floor: f64,
}

/// A planned and checked move from a running plan to a target plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Move {
    pub running: Plan,
    pub target: Plan,
    pub transition: Transition,
    /// Per model, min(old demand, new demand): what the move keeps after every step.
    pub floors: Vec<Floor>,
    /// For a target planned from new demand: the running GPUs touched, the proven bound,
    /// and the GPU budget it was planned within.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<Disruption>,
}

/// Where a move goes.
pub enum Target<'a> {
    /// A plan the user already has, and the demand it serves (without it, the plan's own
    /// model list).
    Plan(&'a Plan, Option<&'a [WorkloadRow]>),
    /// New demand: planned first, touching the fewest running GPUs.
    Workload(&'a [WorkloadRow]),
}

/// What a move starts from and where it goes.
pub struct MoveRequest<'a> {
    pub gpu: &'a GpuSpec,
    pub profiles: &'a [ProfileRow],
    pub running: &'a Plan,
    /// The demand the running plan serves; without it, the running plan's own model list.
    pub running_workload: Option<&'a [WorkloadRow]>,
    pub target: Target<'a>,
    /// How a target workload is planned: the solver that plans it from scratch (whose GPU
    /// count is the new optimum; the replan then looks for a plan within the GPU budget that
    /// keeps more running GPUs as they are), the time for both, and the seed.
    pub options: RunOptions,
    /// For a target workload: GPUs the target may use beyond the new optimum, to touch fewer
    /// running GPUs.
    pub extra_gpus: usize,
}

/// Checks both plans, plans the target when only its workload is given (touching the fewest
/// running GPUs within the GPU budget), then the move, and checks the move by replaying it.
pub fn plan_move(request: &MoveRequest, cancel: &AtomicBool, watch: Option<Watch<Move>>) -> Result<Move, Refusal> {
    let MoveRequest { gpu, profiles, running, .. } = *request;
    let running_workload = workload_or_models(request.running_workload, running);
    check_given(gpu, profiles, &running_workload, running, "the running plan")?;
    let (target, target_workload) = match request.target {
        Target::Plan(target, workload) => {
            let workload = workload_or_models(workload, target);
            check_given(gpu, profiles, &workload, target, "the target plan")?;
            (target.clone(), workload)
        }
        Target::Workload(workload) => {
            return replanning::replan_move(request, workload, &running_workload, cancel, watch);
        }
    };
    move_to(gpu, running, &running_workload, target, &target_workload)
}

/// For extra GPUs E = 0, 1, 2, ... over the new demand's optimum, the checked move that
/// touches the fewest running GPUs, until nothing more can stay untouched or the budget is
/// spent: what less disruption costs in GPUs. A target plan given has one point, its move.
pub fn plan_pareto(
    request: &MoveRequest,
    cancel: &AtomicBool,
    watch: Option<Watch<Move>>,
) -> Result<Vec<Move>, Refusal> {
    let Target::Workload(workload) = request.target else {
        return plan_move(request, cancel, watch).map(|m| vec![m]);
    };
    let running_workload = workload_or_models(request.running_workload, request.running);
    check_given(request.gpu, request.profiles, &running_workload, request.running, "the running plan")?;
    replanning::pareto(request, workload, &running_workload, cancel, watch)
}

/// The checked move from `running` to `target`.
fn move_to(
    gpu: &GpuSpec,
    running: &Plan,
    running_workload: &[WorkloadRow],
    target: Plan,
    target_workload: &[WorkloadRow],
) -> Result<Move, Refusal> {
    let demands = Demand::between(
        running_workload.iter().map(|r| (r.model.as_str(), r.rate)),
        target_workload.iter().map(|r| (r.model.as_str(), r.rate)),
    );
    let transition = plan_transition(gpu, running, &target, &demands)
        .map_err(|problem| Refusal::MoveBug { problems: vec![problem] })?;
    let floors = Demand::floors(&demands);
    let problems = check_transition(gpu, running, &target, &floors, &transition, usize::MAX);
    if !problems.is_empty() {
        return Err(Refusal::MoveBug { problems });
    }
    let floors = floors.into_iter().map(|(model, floor)| Floor { model, floor }).collect();
    Ok(Move { running: running.clone(), target, transition, floors, disruption: None })
}

/// Checks a plan the user gave for a move: it must serve its workload on its GPU, and state
/// every serving instance's throughput.
fn check_given(
    gpu: &GpuSpec,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    plan: &Plan,
    what: &str,
) -> Result<(), Refusal> {
    let violations = validate(gpu, profiles, workload, plan);
    if !violations.is_empty() {
        return Err(Refusal::PlanRejected { what: what.to_string(), violations });
    }
    let unmeasured: Vec<String> = plan
        .gpus
        .iter()
        .flat_map(|g| g.instances.iter().map(move |i| (g.id, i)))
        .filter(|(_, i)| i.model.is_some() && i.throughput.is_none())
        .map(|(id, i)| format!("GPU {id} slot {}", i.start))
        .collect();
    if !unmeasured.is_empty() {
        return Err(Refusal::Unmeasured { what: what.to_string(), instances: unmeasured });
    }
    Ok(())
}

/// The workload given, or else the rates and SLOs the plan itself lists.
fn workload_or_models(workload: Option<&[WorkloadRow]>, plan: &Plan) -> Vec<WorkloadRow> {
    match workload {
        Some(w) => w.to_vec(),
        None => plan
            .models
            .iter()
            .map(|m| WorkloadRow {
                model: m.model.clone(),
                rate: m.rate,
                slo_ms: m.slo_ms,
                loc: SourceLoc { file: "the plan's model list".into(), line: 0 },
            })
            .collect(),
    }
}

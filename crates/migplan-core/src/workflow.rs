//! What the command line and the browser worker call: plan a workload, or plan a move, and
//! pass the result through the independent checkers before handing it over. A plan or a
//! move that fails its check is an error, never a result.

pub mod capacity;

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::hardware::spec::GpuSpec;
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::fleet::{check_prices, NodePrice, PricedGpu};
use crate::problem::input::{InputError, ProfileRow, WorkloadRow};
use crate::problem::Problem;
use crate::solve::control::{Budget, Phase, Progress};
use crate::solve::registry::{RunOptions, SolverKind};

mod moving;
mod refusal;
mod replanning;
mod running;
use moving::{check_given, checked_running, move_to, workload_or_models};
pub use moving::{Disruption, Floor, Move, MoveRequest, Target, MAX_EXTRA_GPUS};
pub use refusal::{checked_fleet, Refusal, Watch};
pub use running::measured_running;

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

/// The least time a search is given when building took the whole limit: it then serves what
/// is left at once by its simple fill.
const MIN_SEARCH: std::time::Duration = std::time::Duration::from_millis(1);

/// How long each phase of planning took, in milliseconds (`--verbose`, the benchmarks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseTimes {
    pub build_ms: f64,
    pub bound_ms: f64,
    pub search_ms: f64,
    pub validate_ms: f64,
    /// Making, checking and handing over each best plan so far to the watcher (the page's
    /// worker streams them; natively nobody watches): apart, so that bound and search are the
    /// solver's own time wherever it runs.
    #[serde(default)]
    pub stream_ms: f64,
}

/// [`plan`], and how long each phase took.
pub fn plan_timed(
    gpu: &GpuSpec,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    options: &RunOptions,
    cancel: &AtomicBool,
    watch: Option<Watch<Plan>>,
) -> Result<(Plan, PhaseTimes), Refusal> {
    plan_fleet_timed(&[PricedGpu::unit(gpu.clone())], None, profiles, workload, options, cancel, watch)
}

/// [`plan_timed`] on the cheapest mix of `fleet`'s types at their costs, with `nodes` priced
/// too when given. Only the exact planner prices GPUs (`auto` means it; heuristics refused).
pub fn plan_fleet_timed(
    fleet: &[PricedGpu],
    nodes: Option<NodePrice>,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    options: &RunOptions,
    cancel: &AtomicBool,
    mut watch: Option<Watch<Plan>>,
) -> Result<(Plan, PhaseTimes), Refusal> {
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let options = &fleet_options(fleet, nodes, options)?;
    let problem = Problem::build_fleet(fleet, profiles, workload)?.with_nodes(nodes);
    let mut times = PhaseTimes { build_ms: ms(started), ..PhaseTimes::default() };
    // Building counts against the time limit (at 100,000 models it takes a second of it), so
    // that the plan comes back within the limit plus its check.
    let budget = options.budget;
    let left = |limit: std::time::Duration| limit.saturating_sub(started.elapsed()).max(MIN_SEARCH);
    let options = &RunOptions { budget: Budget { time_limit: budget.time_limit.map(left), ..budget }, ..*options };
    let solving = Instant::now();
    let mut searching: Option<Instant> = None;
    // Streaming time while bounding and while searching.
    let mut streamed = (0.0, 0.0);
    let mut observer = |p: &Progress| {
        if p.phase == Phase::Searching {
            searching = Some(Instant::now());
        }
        if let Some(watch) = watch.as_mut() {
            let streaming = Instant::now();
            let best = improved(p, &problem, options.solver.name(), options.seed)
                .and_then(|plan| checked_fleet(fleet, profiles, workload, plan).ok());
            watch(p, best);
            *if searching.is_some() { &mut streamed.1 } else { &mut streamed.0 } += ms(streaming);
        }
    };
    let plan = crate::solve::registry::run(&problem, options, cancel, &mut observer);
    let searching = searching.unwrap_or(solving);
    times.bound_ms = searching.duration_since(solving).as_secs_f64() * 1000.0 - streamed.0;
    times.search_ms = ms(searching) - streamed.1;
    times.stream_ms = streamed.0 + streamed.1;
    let validating = Instant::now();
    let plan = checked_fleet(fleet, profiles, workload, plan);
    times.validate_ms = ms(validating);
    Ok((plan?, times))
}

/// The run options: priced plans are exact (the heuristics count GPUs, not cost).
fn fleet_options(fleet: &[PricedGpu], nodes: Option<NodePrice>, options: &RunOptions) -> Result<RunOptions, Refusal> {
    check_prices(fleet, nodes)?;
    if fleet.len() < 2 && nodes.is_none() {
        return Ok(*options);
    }
    match options.solver {
        SolverKind::Auto | SolverKind::Exact => Ok(RunOptions { solver: SolverKind::Exact, ..*options }),
        other => Err(Refusal::Inputs(
            InputError {
                file: String::new(),
                line: None,
                column: None,
                character: None,
                message: format!(
                    "the `{}` solver counts GPUs; a mixed fleet or priced nodes are planned exactly",
                    other.name()
                ),
                hint: Some("use --solver exact (or auto), or give one --gpu and no node cost".into()),
            }
            .into(),
        )),
    }
}

/// Checks both plans, plans the target when only its workload is given (touching the fewest
/// running GPUs within the GPU budget), then the move, and checks the move by replaying it.
pub fn plan_move(request: &MoveRequest, cancel: &AtomicBool, watch: Option<Watch<Move>>) -> Result<Move, Refusal> {
    let MoveRequest { gpu, profiles, running, .. } = *request;
    let running_workload = checked_running(request)?;
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
    let running_workload = checked_running(request)?;
    replanning::pareto(request, workload, &running_workload, cancel, watch)
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
    Some(best.to_plan(problem, progress.lower_bound, progress.lower_cost.unwrap_or(0.0), info))
}

//! What the command line and the browser worker call: plan a workload, or plan a move, and
//! pass the result through the independent checkers before handing it over. A plan or a
//! move that fails its check is an error, never a result.

pub mod capacity;

use std::fmt;
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::check::fleet::validate_fleet;
use crate::check::plan::Violation;
use crate::hardware::spec::GpuSpec;
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::fleet::{NodePrice, PricedGpu};
use crate::problem::input::{InputError, InputErrors, ProfileRow, WorkloadRow};
use crate::problem::Problem;
use crate::solve::control::{Phase, Progress};
use crate::solve::registry::{RunOptions, SolverKind};

mod moving;
mod replanning;
use moving::move_to;
pub use moving::{plan_move, plan_pareto, Floor, Move, MoveRequest, Target};
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
    let problem = Problem { node_price: nodes, ..Problem::build_fleet(fleet, profiles, workload)? };
    let mut times = PhaseTimes { build_ms: ms(started), ..PhaseTimes::default() };
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

/// A plan migplan made, once the independent checker has passed it; failing is a bug.
fn checked(gpu: &GpuSpec, profiles: &[ProfileRow], workload: &[WorkloadRow], plan: Plan) -> Result<Plan, Refusal> {
    checked_fleet(&[PricedGpu::unit(gpu.clone())], profiles, workload, plan)
}

/// [`checked`] for a plan over the types of `fleet`.
pub fn checked_fleet(
    fleet: &[PricedGpu],
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    plan: Plan,
) -> Result<Plan, Refusal> {
    let priced: Vec<(&GpuSpec, f64)> = fleet.iter().map(|t| (&t.spec, t.cost)).collect();
    let violations = validate_fleet(&priced, profiles, workload, &plan);
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
    Some(best.to_plan(problem, progress.lower_bound, progress.lower_cost.unwrap_or(0.0), info))
}

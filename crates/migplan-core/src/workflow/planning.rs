//! One plan of a request: build the problem, bound and search it within the request's time
//! limit, and check the plan (and every best plan so far handed to the watcher).

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::refusal::{checked, Refusal, Watch};
use super::request::{named, Request};
use super::settings::Path;
use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::input::{InputError, ProfileRow, WorkloadRow};
use crate::problem::Problem;
use crate::solve::control::{Budget, Phase, Progress};
use crate::solve::registry::{RunOptions, SolverKind};

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

/// The cheapest plan of `workload` on the request's fleet (its nodes priced too, when they
/// are), checked, and how long each phase took. Only the exact planner prices GPUs: a mixed
/// fleet or priced nodes take it (`auto` means it; the heuristics are refused).
pub fn solve(
    request: &Request,
    profiles: &[ProfileRow],
    workload: &[WorkloadRow],
    cancel: &AtomicBool,
    mut watch: Option<Watch<Plan>>,
) -> Result<(Plan, PhaseTimes), Refusal> {
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let options = &run_options(request)?;
    let fleet = &request.fleet;
    let problem = Problem::build(fleet, profiles, workload)?.with_nodes(request.nodes());
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
                .and_then(|plan| checked(fleet, profiles, workload, plan).ok());
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
    let plan = checked(fleet, profiles, workload, plan);
    times.validate_ms = ms(validating);
    Ok((plan?, times))
}

/// The request's run options once its settings pass their checks: priced plans are exact
/// (the heuristics count GPUs, not cost).
pub(super) fn run_options(request: &Request) -> Result<RunOptions, Refusal> {
    let problems = request.problems();
    if !problems.is_empty() {
        return Err(Refusal::Inputs(named(problems, Path::Api)));
    }
    let options = request.run;
    if !request.fleet.is_mixed() && request.node_cost.is_none() {
        return Ok(options);
    }
    match options.solver {
        SolverKind::Auto | SolverKind::Exact => Ok(RunOptions { solver: SolverKind::Exact, ..options }),
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
                hint: Some("use the exact solver (or auto), or one GPU type and no node cost".into()),
            }
            .into(),
        )),
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

//! A bounded mutation test: the bundled example inputs and a plan made from them, mutated a
//! few thousand times with a seeded generator (byte flips, deleted and duplicated lines,
//! swapped columns, hostile field values, hostile JSON numbers, duplicated GPU ids, instances
//! at illegal starts, ...), each run through parsing, planning, validation and move planning;
//! and ([`edges`]) profiler files through the importers, plans through every export, fleets
//! at hostile prices ([`mutate`] makes the mutations, [`harness`] runs them).
//!
//! No case may panic and none may take longer than 5 s. Each case runs on a thread of its own
//! so that a hang is reported (with its seed and mutation) instead of hanging the test; a hung
//! thread is leaked, and after two of them the run stops.
//!
//! To replay one case: `MIGPLAN_MUTATION_SEED=<seed> cargo test -p migplan-core --test
//! mutations -- --nocapture` runs only that seed in each test. To explore:
//! `MIGPLAN_MUTATION_FROM` and `MIGPLAN_MUTATION_CASES` choose the seeds,
//! `MIGPLAN_MUTATION_VERBOSE=1` prints every case's mutation and outcome, and
//! `MIGPLAN_MUTATION_LIMIT_MS` shortens the time a case may take.

#[path = "mutations/edges.rs"]
mod edges;
#[path = "mutations/harness.rs"]
mod harness;
#[path = "mutations/mutate.rs"]
mod mutate;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use harness::run_all;
use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::plan::Plan;
use migplan_core::problem::input::{parse_profiles, parse_workload, ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::settings::MAX_EXTRA_GPUS;
use migplan_core::workflow::{self, MoveRequest, Refusal, Request, Target};
use mutate::{mutated_csv, mutated_plan};

const PROFILES: &str = include_str!("../../../static/examples/a100-40gb-profiles.csv");
const WORKLOAD: &str = include_str!("../../../static/examples/a100-40gb-workload.csv");

/// Cases per test of the CSV inputs (each may plan) and of the plan JSON (each checks and
/// moves, much faster), unless `MIGPLAN_MUTATION_CASES` says otherwise. With the cases of
/// [`edges`], the whole test takes the time it took before those were added.
const CSV_CASES: u64 = 1300;
const PLAN_CASES: u64 = 3200;

/// Greedy, 50 ms or 20 iterations; a move may borrow any spare GPUs.
fn request(fleet: Fleet) -> Request {
    let run = RunOptions {
        solver: SolverKind::Greedy,
        budget: Budget { time_limit: Some(Duration::from_millis(50)), max_iterations: Some(20) },
        seed: 1,
    };
    Request { run, spare: MAX_EXTRA_GPUS as usize, ..Request::on(fleet) }
}

/// The unmutated inputs, shared by every case.
struct Base {
    request: Request,
    profiles: Vec<ProfileRow>,
    workload: Vec<WorkloadRow>,
    plan: Plan,
    plan_json: String,
    /// The workload with every rate a third higher: a new demand to move to.
    grown: Vec<WorkloadRow>,
}

fn base() -> Arc<Base> {
    let request = request(Fleet::one(gpu("a100-40gb").expect("the catalog has the A100 40GB")));
    let profiles = parse_profiles("a100-40gb-profiles.csv", PROFILES).expect("the example profiles parse");
    let workload = parse_workload("a100-40gb-workload.csv", WORKLOAD).expect("the example workload parses");
    let (plan, _) =
        workflow::plan(&request, &profiles, &workload, &AtomicBool::new(false), None).expect("the example plans");
    let plan_json = serde_json::to_string_pretty(&plan).expect("a plan serializes");
    let grown = workload.iter().map(|w| WorkloadRow { rate: w.rate * 4.0 / 3.0, ..w.clone() }).collect();
    Arc::new(Base { request, profiles, workload, plan, plan_json, grown })
}

/// A refusal is fine for a mutated input; a plan or move that fails its own check is a bug,
/// reported like a panic.
fn no_bug<T>(result: Result<T, Refusal>) -> Result<T, Refusal> {
    if let Err(bug @ (Refusal::PlannerBug { .. } | Refusal::MoveBug { .. })) = &result {
        panic!("{bug}");
    }
    result
}

// ---- The tests. ----

#[test]
fn mutated_profiles_never_panic_or_hang() {
    let base = base();
    run_all("profiles", CSV_CASES, |seed| {
        let (text, mutation) = mutated_csv(seed, PROFILES);
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(profiles) = parse_profiles("profiles.csv", &text) else { return "parse error" };
            match no_bug(workflow::plan(&base.request, &profiles, &base.workload, cancel, None)) {
                Ok(_) => "planned",
                Err(_) => "refused",
            }
        };
        (mutation, Box::new(case))
    });
}

#[test]
fn mutated_workloads_never_panic_or_hang() {
    let base = base();
    run_all("workload", CSV_CASES, |seed| {
        let (text, mutation) = mutated_csv(seed, WORKLOAD);
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(workload) = parse_workload("workload.csv", &text) else { return "parse error" };
            match no_bug(workflow::plan(&base.request, &base.profiles, &workload, cancel, None)) {
                Ok(_) => "planned",
                Err(_) => "refused",
            }
        };
        (mutation, Box::new(case))
    });
}

#[test]
fn mutated_plans_never_panic_or_hang() {
    let base = base();
    run_all("plan", PLAN_CASES, |seed| {
        let (text, mutation, with_workload) = mutated_plan(seed, &base.plan_json);
        let mutation = format!("{mutation}; workloads {}", if with_workload { "given" } else { "from the plans" });
        let base = base.clone();
        let case = move |cancel: &AtomicBool| {
            let Ok(plan) = serde_json::from_str::<Plan>(&text) else { return "parse error" };
            let valid = validate(&base.request.fleet, &base.profiles, &base.workload, &plan).is_empty();
            let workload = with_workload.then_some(base.workload.as_slice());
            // The mutated plan as the target, then as the running plan (Target::Plan).
            let forth = MoveRequest {
                request: &base.request,
                profiles: &base.profiles,
                running: &base.plan,
                running_workload: workload,
                target: Target::Plan(&plan, workload),
            };
            let forth = no_bug(workflow::plan_move(&forth, cancel, None)).is_ok();
            let back = MoveRequest {
                request: &base.request,
                profiles: &base.profiles,
                running: &plan,
                running_workload: workload,
                target: Target::Plan(&base.plan, workload),
            };
            let back = no_bug(workflow::plan_move(&back, cancel, None)).is_ok();
            // And from the mutated plan to new demand, planned near it.
            let grow = MoveRequest {
                request: &base.request,
                profiles: &base.profiles,
                running: &plan,
                running_workload: workload,
                target: Target::Workload(&base.grown),
            };
            let _ = no_bug(workflow::plan_move(&grow, cancel, None));
            match (valid, forth, back) {
                (true, true, true) => "valid, moved both ways",
                (false, false, false) => "invalid, refused",
                (true, _, _) => "valid, some move refused",
                (false, _, _) => "invalid, some move made",
            }
        };
        (mutation, Box::new(case))
    });
}

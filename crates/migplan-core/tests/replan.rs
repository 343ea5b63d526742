//! Replanning new demand with the fewest running GPUs touched: more GPUs never touch more,
//! enough GPUs touch nothing when demand only grows, every point of the trade-off passes
//! both checkers, and the touched count never undercuts its proven bound.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::check::plan::validate;
use migplan_core::check::transition::check_transition;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::plan::Plan;
use migplan_core::problem::generate::{demand_change, Change};
use migplan_core::problem::input::{ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::settings::MAX_EXTRA_GPUS;
use migplan_core::workflow::{plan, plan_move, plan_pareto, Move, MoveRequest, Request, Target};

fn options(seed: u64) -> RunOptions {
    RunOptions {
        solver: SolverKind::Exact,
        budget: Budget { time_limit: Some(Duration::from_secs(20)), max_iterations: None },
        seed,
    }
}

/// Exact, 20 s, any spare GPUs.
fn settings(extra_gpus: usize, seed: u64) -> Request {
    let fleet = Fleet::one(gpu("a100-40gb").unwrap());
    Request { run: options(seed), extra_gpus, spare: MAX_EXTRA_GPUS as usize, ..Request::on(fleet) }
}

struct Case {
    fleet: Fleet,
    profiles: Vec<ProfileRow>,
    old: Vec<WorkloadRow>,
    new: Vec<WorkloadRow>,
    running: Plan,
}

fn case(models: usize, seed: u64, change: Change) -> Case {
    let g = gpu("a100-40gb").unwrap();
    let (profiles, old, new) = demand_change(&g, models, seed, change);
    let running = plan(&settings(0, seed), &profiles, &old, &AtomicBool::new(false), None).unwrap().0;
    Case { fleet: Fleet::one(g), profiles, old, new, running }
}

fn request<'a>(c: &'a Case, settings: &'a Request) -> MoveRequest<'a> {
    MoveRequest {
        request: settings,
        profiles: &c.profiles,
        running: &c.running,
        running_workload: Some(&c.old),
        target: Target::Workload(&c.new),
    }
}

/// The move passes the plan checker and the move checker here, not only inside the workflow,
/// and its target keeps to the GPU budget.
/// The move's target serves the new demand and its steps keep every floor.
fn assert_valid(c: &Case, m: &Move) {
    let g = &c.fleet;
    assert!(validate(g, &c.profiles, &c.new, &m.target).is_empty());
    let floors = m.floors.iter().map(|f| (f.model.clone(), f.floor)).collect();
    assert_eq!(check_transition(g, &c.running, &m.target, &floors, &m.transition, usize::MAX), Vec::<String>::new());
}

/// Valid, and what it says it touched holds within its GPU budget.
fn assert_checked(c: &Case, m: &Move) {
    assert_valid(c, m);
    let d = m.disruption.as_ref().expect("a replanned move says what it touched");
    assert!(m.target.gpu_count <= d.optimal_gpus + d.extra_gpus, "{} GPUs over the budget", m.target.gpu_count);
    assert_eq!(d.running_touched, m.transition.running_touched);
    assert!(
        d.touched_lower_bound <= d.running_touched,
        "the bound {} undercuts {}",
        d.touched_lower_bound,
        d.running_touched
    );
}

#[test]
fn touched_never_rises_as_extra_gpus_grow_and_every_point_validates() {
    for (change, seed) in [(Change::Down30, 1), (Change::Mixed, 2), (Change::Up30, 3)] {
        let c = case(12, seed, change);
        let front = plan_pareto(&request(&c, &settings(0, seed)), &AtomicBool::new(false), None).unwrap();
        assert!(!front.is_empty());
        for (e, m) in front.iter().enumerate() {
            assert_checked(&c, m);
            assert_eq!(m.disruption.as_ref().unwrap().extra_gpus, e, "{}: points in order of E", change.name());
        }
        let touched: Vec<usize> = front.iter().map(|m| m.transition.running_touched).collect();
        assert!(touched.windows(2).all(|w| w[1] <= w[0]), "{}: touched {touched:?} rises with E", change.name());
        let bounds: Vec<usize> = front.iter().map(|m| m.disruption.as_ref().unwrap().touched_lower_bound).collect();
        assert!(bounds.windows(2).all(|w| w[1] <= w[0] || w[1] <= touched[0]), "{}: bounds {bounds:?}", change.name());
    }
}

#[test]
fn with_enough_extra_gpus_growing_demand_touches_nothing_running() {
    for (change, seed) in [(Change::Up30, 1), (Change::ModelsAdded, 2), (Change::Up30, 4)] {
        let c = case(10, seed, change);
        let m = plan_move(&request(&c, &settings(c.running.gpu_count, seed)), &AtomicBool::new(false), None).unwrap();
        assert_checked(&c, &m);
        assert_eq!(m.transition.running_touched, 0, "{}: running GPUs touched", change.name());
        assert_eq!(m.disruption.as_ref().unwrap().touched_lower_bound, 0);
    }
}

#[test]
fn at_the_optimal_gpu_count_small_moves_meet_their_bound() {
    for (change, seed) in [(Change::Up30, 5), (Change::Down30, 6), (Change::Mixed, 7), (Change::ModelsRemoved, 8)] {
        let c = case(8, seed, change);
        let m = plan_move(&request(&c, &settings(0, seed)), &AtomicBool::new(false), None).unwrap();
        assert_checked(&c, &m);
        let d = m.disruption.as_ref().unwrap();
        assert_eq!(d.extra_gpus, 0);
        assert_eq!(d.running_touched, d.touched_lower_bound, "{}: touched above its bound", change.name());
    }
}

#[test]
fn the_move_checker_catches_a_misreported_running_touched() {
    let c = case(8, 1, Change::Mixed);
    let mut m = plan_move(&request(&c, &settings(0, 1)), &AtomicBool::new(false), None).unwrap();
    m.transition.running_touched += 1;
    let floors = m.floors.iter().map(|f| (f.model.clone(), f.floor)).collect();
    let problems = check_transition(&c.fleet, &c.running, &m.target, &floors, &m.transition, usize::MAX);
    assert!(problems.iter().any(|p| p.contains("running GPUs")), "{problems:?}");
}

#[test]
fn a_cancelled_replan_still_returns_a_checked_move() {
    let c = case(12, 3, Change::Mixed);
    let m = plan_move(&request(&c, &settings(0, 3)), &AtomicBool::new(true), None).unwrap();
    assert_checked(&c, &m);
}

#[test]
fn the_deploy_config_of_a_move_names_only_the_nodes_it_repartitions() {
    use migplan_core::cluster::move_config::move_config;
    use migplan_core::export::nodes::counts;
    use migplan_core::export::options::ExportOptions;
    use migplan_core::plan::transition::Action;
    let c = case(12, 2, Change::Up30);
    let m = plan_move(&request(&c, &settings(0, 2)), &AtomicBool::new(false), None).unwrap();
    let options = ExportOptions { gpus_per_node: 1, ..ExportOptions::default() };
    let config = move_config(&c.running, &m.transition, &options, None);
    let node_of = |id: usize| format!("node-{}", c.running.gpus.iter().position(|g| g.id == id).unwrap() + 1);
    let after: std::collections::BTreeMap<usize, _> =
        m.transition.target_gpu_ids.iter().zip(&m.target.gpus).map(|(&id, g)| (id, counts(g))).collect();
    let touched: Vec<String> = c
        .running
        .gpus
        .iter()
        .filter(|g| m.transition.steps.iter().flat_map(|s| &s.actions).any(|a| a.gpu() == g.id))
        .map(|g| node_of(g.id))
        .collect();
    let repartitioned: Vec<String> = c
        .running
        .gpus
        .iter()
        .filter(|g| after.get(&g.id).is_some_and(|a| *a != counts(g)))
        .map(|g| node_of(g.id))
        .collect();
    let added =
        m.transition.steps.iter().flat_map(|s| &s.actions).filter(|a| matches!(a, Action::AddGpu { .. })).count();
    let named = config.repartitioned();
    let (running, new): (Vec<&str>, Vec<&str>) = named.iter().partition(|n| touched.iter().any(|t| t == *n));
    assert_eq!(new.len(), added, "one new node per added GPU: {named:?}");
    assert!(repartitioned.iter().all(|n| running.contains(&n.as_str())), "{repartitioned:?} within {named:?}");
    assert!(running.len() <= m.transition.running_touched);
    // Growing demand keeps running GPUs as they are: their nodes stay out of the move.
    assert!(running.len() < c.running.gpus.len(), "every node named");
    // The running configs are kept, and each step's label names a config of the file.
    let file = migplan_core::cluster::mig_config::read("move.yaml", &config.file).unwrap();
    for (step, s) in config.rollout.steps.iter().enumerate() {
        for change in &s.nodes {
            assert!(file.configs.contains_key(&change.config), "step {}: {}", step + 1, change.config);
        }
    }
    assert!(file.configs.contains_key("migplan-a") && file.configs.contains_key("all-disabled"));
}

#[test]
fn moves_streamed_while_planning_only_improve_and_keep_to_the_spares_allowed() {
    // The exact planner finds the optimum at once; mig-serving searches its whole share of
    // the time, and moves are streamed while it does.
    let cases = [
        (Change::Mixed, 1, 0, SolverKind::Exact),
        (Change::Down30, 2, 1, SolverKind::Exact),
        (Change::Mixed, 3, 2, SolverKind::Exact),
        (Change::Up30, 4, 2, SolverKind::MigServing),
    ];
    for (change, seed, spare, solver) in cases {
        let c = case(30, seed, change);
        let mut streamed: Vec<Move> = Vec::new();
        let mut watch = |_: &migplan_core::solve::control::Progress, m: Option<Move>| streamed.extend(m);
        // Planning stops at the limit when no plan within the spares is found: keep it short.
        let limit = Budget { time_limit: Some(Duration::from_secs(3)), max_iterations: None };
        let short = Request { spare, run: RunOptions { budget: limit, solver, ..options(seed) }, ..settings(0, seed) };
        let front = plan_pareto(&request(&c, &short), &AtomicBool::new(false), Some(&mut watch)).unwrap();
        for m in streamed.iter().chain(&front) {
            match m.disruption {
                Some(_) => assert_checked(&c, m),
                None => assert_valid(&c, m),
            }
            let within = m.transition.spare_used <= spare;
            // Only a move no plan within the spares was found for may borrow more: the plan
            // from scratch, which the caller then refuses.
            assert!(
                within || std::ptr::eq(m, &front[0]),
                "{}: a streamed move borrows {}",
                change.name(),
                m.transition.spare_used
            );
        }
        assert!(front.iter().all(|m| m.disruption.is_some()), "{}: a point without its disruption", change.name());
        // A move streamed before the new optimum is known has no budget to be measured
        // against; every one after it has.
        let known: Vec<bool> = streamed.iter().map(|m| m.disruption.is_some()).collect();
        assert!(known.windows(2).all(|w| w[0] <= w[1]), "{}: disruption known {known:?}", change.name());
        if solver == SolverKind::MigServing {
            assert_eq!(known.first(), Some(&false), "{}: no move streamed while planning from scratch", change.name());
        }
        let touched: Vec<usize> = streamed.iter().map(|m| m.transition.running_touched).collect();
        assert!(!touched.is_empty(), "{}: nothing streamed", change.name());
        assert!(touched.windows(2).all(|w| w[1] < w[0]), "{}: streamed touched {touched:?}", change.name());
    }
}

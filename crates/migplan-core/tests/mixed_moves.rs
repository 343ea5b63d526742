//! Moves of a plan over several GPU types: each running GPU keeps its type unless the move
//! replaces it, and every move is replayed by check/ against each GPU's own type.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::check::plan::validate;
use migplan_core::check::transition::check_transition;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::plan::transition::Action;
use migplan_core::plan::Plan;
use migplan_core::problem::generate::synthetic_fleet;
use migplan_core::problem::input::{ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, plan_move, Move, MoveRequest, Request, Target};

fn mixed_fleet(h100_price: f64) -> Fleet {
    let types = vec![
        GpuType { spec: gpu("a100-40gb").unwrap(), price: 1.0 },
        GpuType { spec: gpu("h100-80gb").unwrap(), price: h100_price },
    ];
    Fleet::new(types).unwrap()
}

fn request(fleet: Fleet, seed: u64) -> Request {
    let budget = Budget { time_limit: Some(Duration::from_secs(10)), max_iterations: None };
    Request { run: RunOptions { solver: SolverKind::Auto, budget, seed }, ..Request::on(fleet) }
}

/// Models measured on both types, the demand before, and after every third model's rate grows
/// by 60% and every other third's falls by 40%.
fn case(models: usize, seed: u64) -> (Vec<ProfileRow>, Vec<WorkloadRow>, Vec<WorkloadRow>) {
    let generated = synthetic_fleet(&gpu("a100-40gb").unwrap(), &[(gpu("h100-80gb").unwrap(), 2.0)], models, seed);
    let new = generated
        .workload
        .iter()
        .enumerate()
        .map(|(i, w)| WorkloadRow { rate: (w.rate * [1.6, 0.6, 1.0][i % 3]).round().max(1.0), ..w.clone() })
        .collect();
    (generated.profiles, generated.workload, new)
}

fn plan(request: &Request, rows: &[ProfileRow], workload: &[WorkloadRow]) -> Plan {
    workflow::plan(request, rows, workload, &AtomicBool::new(false), None).unwrap().0
}

fn types_used(plan: &Plan) -> Vec<String> {
    let mut types: Vec<String> = plan.gpus.iter().map(|g| g.gpu.clone().unwrap_or(plan.gpu.clone())).collect();
    types.sort();
    types.dedup();
    types
}

/// The move replayed by the checker here, not only inside the workflow.
fn replayed(fleet: &Fleet, running: &Plan, m: &Move) -> Vec<String> {
    let floors: BTreeMap<String, f64> = m.floors.iter().map(|f| (f.model.clone(), f.floor)).collect();
    check_transition(fleet, running, &m.target, &floors, &m.transition, usize::MAX)
}

/// The type each GPU of `plan` runs as, by id.
fn type_by_id(plan: &Plan) -> BTreeMap<usize, String> {
    plan.gpus.iter().map(|g| (g.id, g.gpu.clone().unwrap_or(plan.gpu.clone()))).collect()
}

/// Case `seed` planned on the mixed fleet before and after, and the move between the two
/// plans: (fleet, running plan, move).
fn move_between_plans(seed: u64) -> (Fleet, Plan, Move) {
    let (rows, old, new) = case(12, seed);
    let fleet = mixed_fleet(1.75);
    let settings = request(fleet.clone(), seed);
    let running = plan(&settings, &rows, &old);
    let target = plan(&settings, &rows, &new);
    let request = MoveRequest {
        request: &settings,
        profiles: &rows,
        running: &running,
        running_workload: Some(&old),
        target: Target::Plan(&target, Some(&new)),
    };
    let m = plan_move(&request, &AtomicBool::new(false), None).unwrap();
    (fleet, running, m)
}

#[test]
fn a_mixed_plan_moves_to_a_mixed_target_and_every_gpu_keeps_its_type() {
    for seed in 1..=3 {
        let (fleet, running, m) = move_between_plans(seed);
        assert_eq!(types_used(&running).len(), 2, "seed {seed}: the running plan mixes both types");
        assert_eq!(replayed(&fleet, &running, &m), Vec::<String>::new(), "seed {seed}");
        // A running GPU that stays keeps its type: every create on it is of its type's
        // profiles (which the replay checked), and a GPU added names its type.
        let was = type_by_id(&running);
        for a in m.transition.steps.iter().flat_map(|s| &s.actions) {
            if let Action::AddGpu { gpu, gpu_type } = a {
                assert!(!was.contains_key(gpu), "seed {seed}: GPU {gpu} added while it runs");
                assert!(gpu_type.is_some(), "seed {seed}: GPU {gpu} added without its type in a mixed move");
            }
        }
    }
}

#[test]
fn the_replay_refuses_a_gpu_added_as_another_type_or_a_type_not_planned_on() {
    let (fleet, running, m) = move_between_plans(4);
    let added: Vec<(usize, usize)> = m
        .transition
        .steps
        .iter()
        .enumerate()
        .flat_map(|(s, step)| step.actions.iter().enumerate().map(move |(a, action)| (s, a, action)))
        .filter(|(_, _, a)| matches!(a, Action::AddGpu { .. }))
        .map(|(s, a, _)| (s, a))
        .collect();
    assert!(!added.is_empty(), "the new demand needs a GPU added");
    for (kind, wrong) in [("the other type", None), ("a type not planned on", Some("a30-24gb"))] {
        let mut changed = m.clone();
        let (s, a) = added[0];
        let Action::AddGpu { gpu_type, .. } = &mut changed.transition.steps[s].actions[a] else { unreachable!() };
        let other = match gpu_type.as_deref() {
            Some("a100-40gb") => "h100-80gb",
            _ => "a100-40gb",
        };
        *gpu_type = Some(wrong.unwrap_or(other).to_string());
        assert!(!replayed(&fleet, &running, &changed).is_empty(), "a GPU added as {kind} passes the replay");
    }
    // Checked on one type, the mixed running plan has GPUs of a type not planned on.
    let a100 = fleet.only(|t| t.spec.id == "a100-40gb").unwrap();
    assert!(!replayed(&a100, &running, &m).is_empty());
}

#[test]
fn a_mixed_plan_moves_to_a_new_demand_planned_on_the_fleet() {
    for seed in 1..=2 {
        let (rows, old, new) = case(12, seed);
        let fleet = mixed_fleet(1.75);
        let settings = request(fleet.clone(), seed);
        let running = plan(&settings, &rows, &old);
        let request = MoveRequest {
            request: &settings,
            profiles: &rows,
            running: &running,
            running_workload: Some(&old),
            target: Target::Workload(&new),
        };
        let m = plan_move(&request, &AtomicBool::new(false), None).unwrap();
        assert_eq!(replayed(&fleet, &running, &m), Vec::<String>::new(), "seed {seed}");
        let scratch = plan(&settings, &rows, &new);
        let cost = |p: &Plan| p.cost.as_ref().expect("a mixed plan states its cost").total;
        assert!(m.transition.running_touched <= m.transition.naive.touched_gpus, "seed {seed}: more than a rebuild");
        assert_eq!(validate(&fleet, &rows, &new, &m.target), vec![], "seed {seed}: the target serves the new demand");
        assert!(cost(&m.target) <= cost(&scratch) + 1e-9, "seed {seed}: {} over {}", cost(&m.target), cost(&scratch));
    }
}

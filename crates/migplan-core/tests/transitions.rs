//! Transitions between plans, replayed by the checker that shares no code with the planner.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::check::transition::check_transition;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::moves::exchange::{plan_transition, Demand};
use migplan_core::plan::transition::Action;
use migplan_core::plan::Plan;
use migplan_core::problem::generate::{demand_change, Change};
use migplan_core::problem::input::{ProfileRow, WorkloadRow};
use migplan_core::problem::Problem;
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{run, RunOptions, SolverKind};
use proptest::prelude::*;

fn plan(profiles: &[ProfileRow], workload: &[WorkloadRow], seed: u64) -> Plan {
    let g = Fleet::one(gpu("a100-40gb").unwrap());
    let problem = Problem::build(&g, profiles, workload).unwrap();
    let options = RunOptions {
        solver: SolverKind::Exact,
        budget: Budget { time_limit: Some(Duration::from_secs(5)), max_iterations: None },
        seed,
    };
    run(&problem, &options, &AtomicBool::new(false), &mut |_| {})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn every_transition_replays_cleanly(models in 3usize..30, seed in 0u64..1000, change in 0usize..Change::ALL.len()) {
        let change = Change::ALL[change];
        let (profiles, old, new) = demand_change(&gpu("a100-40gb").unwrap(), models, seed, change);
        let g = Fleet::one(gpu("a100-40gb").unwrap());
        let (from, to) = (plan(&profiles, &old, seed), plan(&profiles, &new, seed + 1));
        let demands = Demand::from_plans(&from, &to);
        let t = plan_transition(&g, &from, &to, &demands).unwrap();
        let problems = check_transition(&g, &from, &to, &Demand::floors(&demands), &t, t.spare_used);
        prop_assert!(problems.is_empty(), "{}: {problems:?}", change.name());
        prop_assert!(t.instances_created <= t.naive.instances_created + 2 * t.spare_used * 7);
        // Declaring fewer spares than the move uses must be caught.
        if t.spare_used > 0 {
            prop_assert!(!check_transition(&g, &from, &to, &Demand::floors(&demands), &t, t.spare_used - 1).is_empty());
        }
    }
}

fn hand_plan(gpus: &[&[(&str, u8, &str, f64)]], rate: f64) -> Plan {
    serde_json::from_value(serde_json::json!({
        "gpu": "a100-40gb",
        "gpu_count": gpus.len(),
        "gpus": gpus.iter().enumerate().map(|(id, instances)| serde_json::json!({
            "id": id,
            "instances": instances.iter().map(|(p, s, m, t)| serde_json::json!(
                {"profile": p, "start": s, "model": m, "batch": 1, "processes": 1, "throughput": t})).collect::<Vec<_>>()
        })).collect::<Vec<_>>(),
        "models": [{"model": "a", "rate": rate, "slo_ms": 10.0, "capacity": rate}],
        "bound": {"lower": 1, "proven_optimal": false},
        "baseline": {"whole_gpus": null},
        "solver": {"name": "hand", "seed": 0, "elapsed_ms": 0}
    }))
    .unwrap()
}

#[test]
fn repartitioning_a_full_gpu_borrows_one_spare() {
    let g = Fleet::one(gpu("a100-40gb").unwrap());
    // `a` needs all of its 7g; the target serves it from a 4g and a 3g on the same GPU.
    let from = hand_plan(&[&[("7g.40gb", 0, "a", 1000.0)]], 1000.0);
    let to = hand_plan(&[&[("4g.20gb", 0, "a", 600.0), ("3g.20gb", 4, "a", 450.0)]], 1000.0);
    let demands = Demand::from_plans(&from, &to);
    let t = plan_transition(&g, &from, &to, &demands).unwrap();
    assert_eq!(t.spare_used, 1);
    assert!(check_transition(&g, &from, &to, &Demand::floors(&demands), &t, 1).is_empty());
    let with_none = check_transition(&g, &from, &to, &Demand::floors(&demands), &t, 0);
    assert!(with_none.iter().any(|p| p.contains("spare")), "{with_none:?}");
    // The copy on the spare runs before the 7g goes, and is gone at the end.
    let first_delete =
        t.steps.iter().position(|s| s.actions.iter().any(|a| matches!(a, Action::Delete { gpu: 0, .. })));
    let spare_create =
        t.steps.iter().position(|s| s.actions.iter().any(|a| matches!(a, Action::Create { gpu: 1, .. })));
    assert!(spare_create < first_delete);
}

#[test]
fn unchanged_instances_stay_put() {
    let g = Fleet::one(gpu("a100-40gb").unwrap());
    // Same instances, GPUs listed in the other order: nothing needs to move.
    let from = hand_plan(&[&[("7g.40gb", 0, "a", 600.0)], &[("3g.20gb", 0, "a", 450.0)]], 1000.0);
    let to = hand_plan(&[&[("3g.20gb", 0, "a", 450.0)], &[("7g.40gb", 0, "a", 600.0)]], 1000.0);
    let demands = Demand::from_plans(&from, &to);
    let t = plan_transition(&g, &from, &to, &demands).unwrap();
    assert_eq!((t.instances_created, t.instances_deleted, t.touched_gpus), (0, 0, 0));
    assert_eq!(t.target_gpu_ids, vec![1, 0]);
    assert!(check_transition(&g, &from, &to, &Demand::floors(&demands), &t, 0).is_empty());
}

#[test]
fn the_checker_catches_a_floor_violation_and_a_wrong_end_state() {
    let g = Fleet::one(gpu("a100-40gb").unwrap());
    let from = hand_plan(&[&[("7g.40gb", 0, "a", 1000.0)]], 1000.0);
    let to = hand_plan(&[&[("4g.20gb", 0, "a", 600.0), ("3g.20gb", 4, "a", 450.0)]], 1000.0);
    let demands = Demand::from_plans(&from, &to);
    let mut t = plan_transition(&g, &from, &to, &demands).unwrap();
    // Drain and rebuild in place: the 7g goes first, so `a` drops to nothing.
    t.steps = vec![
        migplan_core::plan::transition::Step { actions: vec![Action::Delete { gpu: 0, start: 0 }] },
        migplan_core::plan::transition::Step {
            actions: vec![
                Action::Create {
                    gpu: 0,
                    profile: "4g.20gb".into(),
                    start: 0,
                    model: Some("a".into()),
                    batch: None,
                    processes: None,
                    throughput: Some(600.0),
                },
                Action::Create {
                    gpu: 0,
                    profile: "3g.20gb".into(),
                    start: 0,
                    model: Some("a".into()),
                    batch: None,
                    processes: None,
                    throughput: Some(450.0),
                },
            ],
        },
    ];
    let problems = check_transition(&g, &from, &to, &Demand::floors(&demands), &t, 5);
    assert!(problems.iter().any(|p| p.contains("below min(old, new)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("overlaps")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("differ from the target")), "{problems:?}");
}

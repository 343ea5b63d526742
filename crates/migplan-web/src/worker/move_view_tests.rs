//! A move's view against the core's replay of the same move, and which moves improve on others.

use std::sync::atomic::AtomicBool;

use migplan_core::hardware::catalog;
use migplan_core::moves::replay::replay;
use migplan_core::problem::input::{parse_profiles, parse_workload};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::settings::MAX_EXTRA_GPUS;
use migplan_core::workflow::{plan, plan_move, MoveRequest, Request, Target};

use super::*;
use crate::logic::examples::{A100_PROFILES, A100_WORKLOAD};

/// The example planned, and the move to its workload with two models' demand raised.
fn example_move() -> Move {
    let gpu = catalog::gpu("a100-40gb").unwrap();
    let profiles = parse_profiles("profiles.csv", A100_PROFILES).unwrap();
    let workload = parse_workload("workload.csv", A100_WORKLOAD).unwrap();
    let options = RunOptions {
        solver: SolverKind::Exact,
        budget: Budget { time_limit: Some(std::time::Duration::from_secs(5)), max_iterations: None },
        seed: 1,
    };
    let cancel = AtomicBool::new(false);
    let settings = Request {
        run: options,
        spare: MAX_EXTRA_GPUS as usize,
        ..Request::on(migplan_core::hardware::fleet::Fleet::one(gpu))
    };
    let running = plan(&settings, &profiles, &workload, &cancel, None).unwrap().0;
    let higher = A100_WORKLOAD.replace(",900,", ",2900,").replace(",2500,", ",3500,");
    let higher = parse_workload("workload.csv", &higher).unwrap();
    let request = MoveRequest {
        request: &settings,
        profiles: &profiles,
        running: &running,
        running_workload: None,
        target: Target::Workload(&higher),
    };
    plan_move(&request, &cancel, None).unwrap()
}

#[test]
fn each_step_shows_the_gpus_and_capacities_the_replay_of_the_move_gives() {
    let m = example_move();
    let view = MoveView::of(&m, 1);
    let states = replay(&m.running, &m.transition.steps);
    assert_eq!(view.steps.len(), m.transition.steps.len());
    assert!(view.steps.len() >= 2);
    for (n, (step, shown)) in m.transition.steps.iter().zip(&view.steps).enumerate() {
        let mut ids: Vec<usize> = step.actions.iter().map(Action::gpu).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(shown.gpus.iter().map(|g| g.id).collect::<Vec<_>>(), ids, "step {n}");
        for g in &shown.gpus {
            assert_eq!(g.instances.as_ref(), states[n].get(&g.id), "GPU {} before step {n}", g.id);
        }
        for g in shown.after(step) {
            assert_eq!(g.instances.as_ref(), states[n + 1].get(&g.id), "GPU {} after step {n}", g.id);
        }
        for s in &shown.serves {
            let capacity: f64 = states[n + 1]
                .values()
                .flatten()
                .filter(|i| i.model.as_deref() == Some(s.model.as_str()))
                .map(|i| i.throughput.unwrap_or(0.0))
                .sum();
            assert!(
                (s.capacity - capacity).abs() < 1e-6,
                "{} after step {n}: {} against {capacity}",
                s.model,
                s.capacity
            );
            assert!(s.capacity >= s.floor - 1e-6, "{} below its floor after step {n}", s.model);
            assert_eq!(Some(s.floor), m.floors.iter().find(|f| f.model == s.model).map(|f| f.floor));
        }
    }
    // Every model a step creates or deletes an instance of is in its view.
    for (step, shown) in m.transition.steps.iter().zip(&view.steps) {
        for model in step.actions.iter().filter_map(|a| a.created()?.model) {
            assert!(shown.serves.iter().any(|s| s.model == model), "{model}");
        }
    }
    assert!(view.steps.iter().any(|s| !s.serves.is_empty()));
    // The models closest to their floors come first.
    for s in &view.steps {
        assert!(s.serves.windows(2).all(|w| w[0].margin() <= w[1].margin()), "{:?}", s.serves);
    }
    assert_eq!(view.point(), FrontPoint::of(&m));
    assert_eq!((view.spare_allowed, &view.target, &view.transition), (1, &m.target, &m.transition));
}

#[test]
fn a_move_improves_on_another_by_gpus_beyond_its_budget_then_running_gpus_touched_never_by_spares() {
    let m = example_move();
    let d = m.disruption.clone().expect("a move planned for new demand has its disruption");
    let base = MoveView::of(&m, 0);
    let with = |gpus: usize, touched: usize, spare: usize, disruption: Option<Disruption>| {
        let mut v = base.clone();
        (v.target.gpu_count, v.transition.running_touched, v.transition.spare_used, v.disruption) =
            (gpus, touched, spare, disruption);
        v
    };
    let n = d.optimal_gpus;
    let at = |extra| Some(Disruption { extra_gpus: extra, ..d.clone() });
    // Nothing shown yet: any move within the spares of the first point.
    assert!(with(n, 9, 0, at(0)).improves_on(None));
    assert!(!with(n, 9, 1, at(0)).improves_on(None), "borrows a spare GPU the user did not allow");
    assert!(!with(n + 1, 3, 0, at(1)).improves_on(None), "a later point is never the best so far");
    // While the optimum is sought (no budget yet), fewer GPUs; then, within the budget, fewer touched.
    assert!(with(n + 2, 40, 0, None).improves_on(Some(&with(n + 3, 10, 0, None))));
    assert!(with(n, 40, 0, at(0)).improves_on(Some(&with(n + 1, 10, 0, None))));
    assert!(with(n, 8, 0, at(0)).improves_on(Some(&with(n, 9, 0, at(0)))));
    assert!(!with(n, 9, 0, at(0)).improves_on(Some(&with(n, 9, 0, at(0)))), "as good is not better");
    assert!(!with(n, 10, 0, at(0)).improves_on(Some(&with(n, 9, 0, at(0)))));
    // Fewer GPUs than the budget count as the budget: then touched decides.
    assert!(!with(n - 1, 10, 0, at(0)).improves_on(Some(&with(n, 9, 0, at(0)))));
}

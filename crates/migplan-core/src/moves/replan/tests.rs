//! The replan's parts against brute force on cases small enough to try every kept set.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::costs::{Costs, Holders};
use super::lagrange::{Descent, Multipliers};
use super::part::{best_part, Group};
use super::prove::Prover;
use super::search::{Ground, KeptSet};
use super::situation::{Best, Situation};
use crate::hardware::catalog::gpu;
use crate::hardware::fleet::Fleet;
use crate::plan::{SolverInfo, Termination};
use crate::problem::generate::{demand_change, Change};
use crate::problem::Problem;
use crate::solve::control::{Budget, Control};
use crate::solve::exact::Exact;
use crate::solve::executor::Solver;
use crate::solve::registry::{RunOptions, SolverKind};
use crate::solve::relaxation::relax;

/// A running plan for `models` generated models and its new demand after `change`, read as
/// the replan reads it, with the new demand's optimum and relaxation prices.
fn situation(models: usize, seed: u64, change: Change) -> (Situation, usize, Vec<f64>) {
    let g = gpu("a100-40gb").unwrap();
    let (profiles, old, new) = demand_change(&g, models, seed, change);
    let fleet = Fleet::one(g);
    let options = RunOptions {
        solver: SolverKind::Exact,
        budget: Budget { time_limit: Some(Duration::from_secs(10)), max_iterations: None },
        seed,
    };
    let cancel = AtomicBool::new(false);
    let mut quiet = |_: &crate::solve::control::Progress| {};
    let before = Problem::build(&fleet, &profiles, &old).unwrap();
    let mut ctl = Control::new("test", options.budget, seed, &cancel, &mut quiet);
    let relaxation = relax(&before, &ctl);
    let info = SolverInfo { name: "exact".into(), seed, elapsed_ms: 0, termination: Termination::Finished };
    let running = Exact.solve(&before, &relaxation, &mut ctl).deployment.normalized().to_plan(&before, 0, 0.0, info);
    let problem = Problem::build(&fleet, &profiles, &new).unwrap();
    let situation = Situation::read(&problem, &running);
    let own = situation.own();
    let relaxation = relax(&own, &ctl);
    let optimum = Exact.solve(&own, &relaxation, &mut ctl).deployment.normalized().gpu_count();
    (situation, optimum, relaxation.prices)
}

/// Every subset of the keepable GPUs, as lists.
fn subsets(holders: &Holders) -> Vec<Vec<usize>> {
    let keepable: Vec<usize> = (0..holders.keepable.len()).filter(|&r| holders.keepable[r]).collect();
    assert!(keepable.len() <= 16, "{} GPUs: too many to try every set", keepable.len());
    (0..1u32 << keepable.len())
        .map(|mask| (0..keepable.len()).filter(|&i| mask >> i & 1 == 1).map(|i| keepable[i]).collect())
        .collect()
}

#[test]
fn a_models_part_is_the_best_of_every_choice_of_its_gpus() {
    let (situation, _, prices) = situation(6, 3, Change::Mixed);
    let mut costs = Costs::new(situation.own(), prices);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for s in 0..situation.problem.models.len() {
        let rate = situation.problem.models[s].rate;
        for _ in 0..40 {
            // Up to six GPUs in up to three capacities, weights of either sign.
            let capacities = [rate * 0.2, rate * 0.35, rate * 0.5];
            let mut groups: Vec<Group> = Vec::new();
            for r in 0..rng.random_range(1..=6usize) {
                let capacity = capacities[rng.random_range(0..3)];
                let weight = rng.random_range(-3.0..1.0);
                match groups.iter_mut().find(|g| g.capacity == capacity) {
                    Some(g) => {
                        g.weights.push(weight);
                        g.members.push(r);
                    }
                    None => groups.push(Group { capacity, weights: vec![weight], members: vec![r] }),
                }
            }
            groups.iter_mut().for_each(|g| g.weights.sort_by(|a, b| b.total_cmp(a)));
            let lambda = [rng.random_range(0.5..4.0)];
            let base = rng.random_range(0.0..rate * 0.3);
            let (value, counts) = best_part(s, &groups, base, &lambda, &mut costs);
            let items: Vec<(f64, f64)> =
                groups.iter().flat_map(|g| g.weights.iter().map(|&w| (g.capacity, w))).collect();
            let mut brute = f64::NEG_INFINITY;
            for mask in 0..1u32 << items.len() {
                let (mut kept, mut weight) = (base, 0.0);
                for (i, &(c, w)) in items.iter().enumerate() {
                    if mask >> i & 1 == 1 {
                        (kept, weight) = (kept + c, weight + w);
                    }
                }
                brute = brute.max(weight - lambda[0] * costs.cost(0, s, kept));
            }
            assert!((value - brute).abs() < 1e-9, "model {s}: search {value}, every choice {brute}");
            let kept = base + groups.iter().zip(&counts).map(|(g, &k)| g.capacity * k as f64).sum::<f64>();
            let weight: f64 = groups.iter().zip(&counts).map(|(g, &k)| g.weights[..k].iter().sum::<f64>()).sum();
            assert!((weight - lambda[0] * costs.cost(0, s, kept) - value).abs() < 1e-9, "the counts give the value");
        }
    }
}

#[test]
fn a_kept_set_changed_one_gpu_at_a_time_costs_what_a_fresh_one_does() {
    let (situation, optimum, prices) = situation(12, 2, Change::Mixed);
    let holders = Holders::new(&situation.problem, &situation.running);
    let mut costs = Costs::new(situation.own(), prices.iter().map(|p| p * 0.9).collect());
    costs.add_family(prices);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut set = KeptSet::new(&holders, &mut costs, &[]);
    for _ in 0..200 {
        let r = rng.random_range(0..holders.keepable.len());
        if !holders.keepable[r] {
            continue;
        }
        let predicted = set.slack_toggled(&holders, &mut costs, optimum, r);
        set.toggle(&holders, &mut costs, r);
        let fresh = KeptSet::new(&holders, &mut costs, &set.list());
        assert!((fresh.slack(optimum) - set.slack(optimum)).abs() < 1e-9);
        assert!((predicted - set.slack(optimum)).abs() < 1e-9);
    }
}

#[test]
fn the_bound_never_undercuts_a_set_within_every_family() {
    for (change, seed) in [(Change::Down30, 1), (Change::Mixed, 2), (Change::Up30, 3), (Change::ModelsRemoved, 4)] {
        let (situation, optimum, prices) = situation(12, seed, change);
        let holders = Holders::new(&situation.problem, &situation.running);
        let mut costs = Costs::new(situation.own(), prices);
        let most = subsets(&holders)
            .iter()
            .filter(|set| KeptSet::new(&holders, &mut costs, set).slack(optimum) >= -1e-7)
            .map(Vec::len)
            .max()
            .unwrap();
        let mut descent = Descent::new(Multipliers::new(&holders, costs.families()));
        let free = vec![None; holders.keepable.len()];
        for _ in 0..300 {
            descent.step(&holders, &mut costs, optimum, &free, most);
            assert!(descent.most_kept() >= most, "{}: bound {} under {most}", change.name(), descent.best);
        }
    }
}

#[test]
fn branching_ends_at_the_most_gpus_any_plan_keeps() {
    for (change, seed) in [(Change::Down30, 5), (Change::Mixed, 6), (Change::ModelsRemoved, 7)] {
        let (situation, optimum, prices) = situation(10, seed, change);
        let holders = Holders::new(&situation.problem, &situation.running);
        let mut costs = Costs::new(situation.own(), prices);
        let cancel = AtomicBool::new(false);
        let mut quiet = |_: &crate::solve::control::Progress| {};
        let budget = Budget { time_limit: Some(Duration::from_secs(60)), max_iterations: None };
        let mut ctl = Control::new("test", budget, seed, &cancel, &mut quiet);
        // Every set whose residual fits, planned exactly: the most that stay.
        let most = subsets(&holders)
            .into_iter()
            .filter(|set| situation.keep(set, optimum, &mut ctl).is_ok())
            .map(|set| set.len())
            .max()
            .unwrap_or(0);
        let mut best = Best::none(Default::default(), situation.running.len());
        let root = Multipliers::new(&holders, costs.families());
        let mut prover = Prover::new(&holders, f64::INFINITY, root);
        let mut accept = |_: &crate::solve::deployment::Deployment| true;
        let mut ground = Ground {
            situation: &situation,
            holders: &holders,
            costs: &mut costs,
            budget: optimum,
            accept: &mut accept,
        };
        let kept = |best: &Best| situation.running.len() - best.touched;
        while prover.most_kept(kept(&best)) > kept(&best) {
            prover.step(&mut ground, &mut ctl, &mut best);
        }
        assert_eq!(kept(&best), most, "{}: branching kept {} of {most}", change.name(), kept(&best));
    }
}

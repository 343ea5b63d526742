//! Properties of the planners on random instances, checked against code that shares nothing
//! with them: the validator, and a brute force written here from the raw placement rules.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::hardware::spec::{GpuSpec, ProfileKind};
use migplan_core::problem::input::{ProfileRow, SourceLoc, WorkloadRow};
use migplan_core::problem::Problem;
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{run, RunOptions, SolverKind};
use proptest::prelude::*;

/// A random instance: per model, a rate and a throughput per plain profile (or none).
#[derive(Debug, Clone)]
struct Instance {
    gpu: &'static str,
    models: Vec<(f64, Vec<Option<f64>>)>,
}

fn rows(g: &GpuSpec, inst: &Instance) -> (Vec<ProfileRow>, Vec<WorkloadRow>) {
    let plain: Vec<&str> =
        g.profiles.iter().filter(|p| p.kind == ProfileKind::Plain).map(|p| p.name.as_str()).collect();
    let loc = SourceLoc { file: "generated".into(), line: 1 };
    let mut profiles = Vec::new();
    let mut workload = Vec::new();
    for (s, (rate, caps)) in inst.models.iter().enumerate() {
        let model = format!("m{s}");
        for (name, cap) in plain.iter().zip(caps) {
            if let Some(t) = cap {
                profiles.push(ProfileRow {
                    model: model.clone(),
                    profile: name.to_string(),
                    batch: 4,
                    latency_ms: 5.0,
                    throughput: *t,
                    processes: 1,
                    gpu: None,
                    loc: loc.clone(),
                });
            }
        }
        workload.push(WorkloadRow { model, rate: *rate, slo_ms: 10.0, loc: loc.clone() });
    }
    (profiles, workload)
}

fn instance(max_models: usize, max_rate: f64) -> impl Strategy<Value = Instance> {
    prop_oneof![Just(("a100-40gb", 5usize)), Just(("a30-24gb", 3usize))].prop_flat_map(move |(gpu, n_plain)| {
        let model = (
            1.0..max_rate,
            100.0..1000.0f64,
            0.5..1.0f64,
            proptest::collection::vec(proptest::bool::weighted(0.8), n_plain),
        )
            .prop_map(move |(rate, unit, alpha, present)| {
                // Throughput grows sub-linearly with the profile's slices; the whole GPU is
                // always present so every instance is feasible.
                let slices = if n_plain == 5 { [1.0, 2.0, 3.0, 4.0, 7.0].to_vec() } else { vec![1.0, 2.0, 4.0] };
                let caps = slices
                    .iter()
                    .zip(&present)
                    .enumerate()
                    .map(|(i, (&k, &keep))| (keep || i == n_plain - 1).then(|| (unit * f64::powf(k, alpha)).round()))
                    .collect();
                (rate.round(), caps)
            });
        proptest::collection::vec(model, 1..=max_models).prop_map(move |models| Instance { gpu, models })
    })
}

/// Legal multisets of profiles per GPU, from the placement rules alone.
fn legal_multisets(g: &GpuSpec, profiles: &[usize]) -> Vec<Vec<u32>> {
    let placements: Vec<(usize, u8)> =
        profiles.iter().flat_map(|&p| g.profiles[p].starts.iter().map(move |&s| (p, s))).collect();
    let mut found: Vec<Vec<u32>> = Vec::new();
    for subset in 0u64..(1u64 << placements.len()) {
        let mut slots = vec![false; g.memory_slots as usize];
        let mut counts = vec![0u32; g.profiles.len()];
        let mut compute = 0u32;
        let mut ok = true;
        for (i, &(p, start)) in placements.iter().enumerate() {
            if subset & (1 << i) == 0 {
                continue;
            }
            let spec = &g.profiles[p];
            compute += spec.compute as u32;
            counts[p] += 1;
            for slot in start..start + spec.memory_slots {
                ok &= !std::mem::replace(&mut slots[slot as usize], true);
            }
            ok &= counts[p] <= spec.max_count as u32;
        }
        if ok && compute <= g.compute_slices as u32 && !found.contains(&counts) {
            found.push(counts);
        }
    }
    found
}

/// The fewest GPUs for the instance, by trying every multiset of `n` GPU layouts for
/// n = 1, 2, ... and every way of handing their instances to models.
fn brute_force(g: &GpuSpec, inst: &Instance, max_gpus: usize) -> Option<usize> {
    let plain: Vec<usize> = (0..g.profiles.len()).filter(|&p| g.profiles[p].kind == ProfileKind::Plain).collect();
    let legal = legal_multisets(g, &plain);
    let maximal: Vec<&Vec<u32>> = legal
        .iter()
        .filter(|m| !legal.iter().any(|o| o != *m && o.iter().zip(m.iter()).all(|(a, b)| a >= b)))
        .collect();
    fn can_serve(models: &[(f64, Vec<Option<f64>>)], plain: &[usize], slots: &mut Vec<u32>) -> bool {
        let Some(((rate, caps), rest)) = models.split_first() else {
            return true;
        };
        // Try every way of taking instances for this model within the slots left.
        fn take(
            i: usize,
            need: f64,
            caps: &[Option<f64>],
            plain: &[usize],
            slots: &mut Vec<u32>,
            rest: &[(f64, Vec<Option<f64>>)],
        ) -> bool {
            if need <= 1e-9 {
                return can_serve(rest, plain, slots);
            }
            if i == caps.len() {
                return false;
            }
            let p = plain[i];
            let available = slots[p];
            for k in 0..=available {
                if k > 0 && caps[i].is_none() {
                    break;
                }
                slots[p] -= k;
                let served = k as f64 * caps[i].unwrap_or(0.0);
                let ok = take(i + 1, need - served, caps, plain, slots, rest);
                slots[p] += k;
                if ok {
                    return true;
                }
            }
            false
        }
        take(0, *rate, caps, plain, slots, rest)
    }
    for n in 1..=max_gpus {
        let mut pick = vec![0usize; n];
        loop {
            let mut slots = vec![0u32; g.profiles.len()];
            for &l in &pick {
                for (s, c) in slots.iter_mut().zip(maximal[l]) {
                    *s += c;
                }
            }
            if can_serve(&inst.models, &plain, &mut slots) {
                return Some(n);
            }
            // Next non-decreasing sequence of layout indices.
            let mut i = n;
            loop {
                if i == 0 {
                    break;
                }
                i -= 1;
                if pick[i] + 1 < maximal.len() {
                    pick[i] += 1;
                    for j in i + 1..n {
                        pick[j] = pick[i];
                    }
                    break;
                }
                if i == 0 {
                    pick.clear();
                }
            }
            if pick.is_empty() {
                break;
            }
        }
    }
    None
}

fn plan(inst: &Instance, solver: SolverKind) -> (GpuSpec, Vec<ProfileRow>, Vec<WorkloadRow>, migplan_core::plan::Plan) {
    let g = gpu(inst.gpu).unwrap();
    let (profiles, workload) = rows(&g, inst);
    let problem = Problem::build(&Fleet::one(g.clone()), &profiles, &workload).unwrap();
    let options = RunOptions {
        solver,
        budget: Budget { time_limit: Some(Duration::from_secs(5)), max_iterations: None },
        seed: 7,
    };
    let plan = run(&problem, &options, &AtomicBool::new(false), &mut |_| {});
    (g, profiles, workload, plan)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn exact_plans_validate_and_respect_the_bound(inst in instance(12, 6000.0)) {
        let (g, profiles, workload, plan) = plan(&inst, SolverKind::Exact);
        let violations = validate(&Fleet::one(g.clone()), &profiles, &workload, &plan);
        prop_assert!(violations.is_empty(), "{violations:?}");
        prop_assert!(plan.bound.lower <= plan.gpu_count);
        prop_assert_eq!(plan.bound.proven_optimal, plan.bound.lower == plan.gpu_count);
    }

    #[test]
    fn exact_equals_brute_force_on_tiny_instances(inst in instance(3, 2500.0)) {
        let (g, _, _, plan) = plan(&inst, SolverKind::Exact);
        let best = brute_force(&g, &inst, plan.gpu_count);
        prop_assert_eq!(best, Some(plan.gpu_count));
        prop_assert!(plan.bound.lower <= plan.gpu_count);
    }
}

#[test]
fn brute_force_knows_four_plus_three() {
    // 4g and 3g share a GPU since driver R510: one GPU serves both.
    let inst = Instance {
        gpu: "a100-40gb",
        models: vec![
            (500.0, vec![None, None, None, Some(500.0), Some(800.0)]),
            (400.0, vec![None, None, Some(400.0), None, Some(800.0)]),
        ],
    };
    let g = gpu("a100-40gb").unwrap();
    assert_eq!(brute_force(&g, &inst, 3), Some(1));
    let (_, _, _, plan) = plan(&inst, SolverKind::Exact);
    assert_eq!(plan.gpu_count, 1);
    assert!(plan.bound.proven_optimal);
}

fn run_with(inst: &Instance, solver: SolverKind, seed: u64, iterations: u64) -> migplan_core::plan::Plan {
    let g = gpu(inst.gpu).unwrap();
    let (profiles, workload) = rows(&g, inst);
    let problem = Problem::build(&Fleet::one(g.clone()), &profiles, &workload).unwrap();
    let options = RunOptions { solver, budget: Budget { time_limit: None, max_iterations: Some(iterations) }, seed };
    run(&problem, &options, &AtomicBool::new(false), &mut |_| {})
}

const HEURISTICS: [SolverKind; 4] = [SolverKind::Greedy, SolverKind::Ga, SolverKind::Mcts, SolverKind::MigServing];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_solver_plan_validates(inst in instance(10, 6000.0)) {
        let g = gpu(inst.gpu).unwrap();
        let (profiles, workload) = rows(&g, &inst);
        for solver in HEURISTICS {
            let plan = run_with(&inst, solver, 3, 6);
            let violations = validate(&Fleet::one(g.clone()), &profiles, &workload, &plan);
            prop_assert!(violations.is_empty(), "{}: {violations:?}", solver.name());
            prop_assert!(plan.bound.lower <= plan.gpu_count, "{}", solver.name());
        }
    }

    #[test]
    fn ga_and_mcts_never_lose_to_greedy(inst in instance(10, 6000.0)) {
        let greedy = run_with(&inst, SolverKind::Greedy, 1, 1).gpu_count;
        for solver in [SolverKind::Ga, SolverKind::Mcts, SolverKind::MigServing] {
            let plan = run_with(&inst, solver, 1, 4);
            prop_assert!(plan.gpu_count <= greedy, "{} used {} GPUs, greedy {}", solver.name(), plan.gpu_count, greedy);
        }
    }
}

#[test]
fn same_seed_same_plan() {
    let g = gpu("a100-40gb").unwrap();
    let generated = migplan_core::problem::generate::synthetic(&g, 30, 11);
    let problem = Problem::build(&Fleet::one(g.clone()), &generated.profiles, &generated.workload).unwrap();
    for solver in HEURISTICS {
        let plan = |seed| {
            let options = RunOptions { solver, budget: Budget { time_limit: None, max_iterations: Some(12) }, seed };
            run(&problem, &options, &AtomicBool::new(false), &mut |_| {})
        };
        let (a, b) = (plan(5), plan(5));
        assert_eq!(a.gpus, b.gpus, "{} is not deterministic", solver.name());
        assert_eq!(a.gpu_count, b.gpu_count);
    }
}

#[test]
fn cancel_returns_a_valid_plan_at_once() {
    let g = gpu("a100-40gb").unwrap();
    let generated = migplan_core::problem::generate::synthetic(&g, 60, 4);
    let problem = Problem::build(&Fleet::one(g.clone()), &generated.profiles, &generated.workload).unwrap();
    let cancel = AtomicBool::new(false);
    for solver in HEURISTICS {
        let mut improvements = 0;
        let options = RunOptions {
            solver,
            budget: Budget { time_limit: Some(Duration::from_secs(60)), max_iterations: None },
            seed: 2,
        };
        // Cancel as soon as the first plan is offered: the solver must stop and return it.
        let plan = run(&problem, &options, &cancel, &mut |p| {
            if p.best_gpus.is_some() {
                improvements += 1;
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        assert!(improvements >= 1);
        assert!(
            validate(&Fleet::one(g.clone()), &generated.profiles, &generated.workload, &plan).is_empty(),
            "{}",
            solver.name()
        );
        if plan.bound.proven_optimal {
            continue;
        }
        assert_eq!(plan.solver.termination.as_str(), "cancelled", "{}", solver.name());
    }
}

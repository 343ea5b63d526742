use std::sync::atomic::AtomicBool;

use super::*;
use crate::hardware::catalog::gpu;
use crate::hardware::fleet::{Fleet, GpuType};
use crate::problem::{instances_needed, Capacity};
use crate::solve::control::{Budget, Progress};
use crate::solve::executor::execute;
use crate::solve::integer_master::{choose_covers, prove};

/// What an H100-80GB costs against an A100-40GB in these cases.
const H100_PRICE: f64 = 1.75;
/// Both GPUs split into seven 1g instances.
const ONE_G_PER_GPU: usize = 7;

/// Models served on 1g instances only: `a100[s]` per A100-40GB 1g.5gb, twice that per H100-80GB
/// 1g.10gb.
fn one_g_mix(rates: &[f64], a100: &[f64]) -> Problem {
    let (a, h) = (gpu("a100-40gb").unwrap(), gpu("h100-80gb").unwrap());
    let on_a100 = a.profile("1g.5gb").unwrap();
    let on_h100 = a.profiles.len() + h.profile("1g.10gb").unwrap();
    let profiles = a.profiles.len() + h.profiles.len();
    let fleet = Fleet::new(vec![GpuType { spec: a, price: 1.0 }, GpuType { spec: h, price: H100_PRICE }]).unwrap();
    let runs = |throughput: f64| Some(Capacity { throughput, batch: 1, processes: 1, latency_ms: 1.0 });
    let models = (0..rates.len()).map(|s| Model { name: format!("m{s}"), rate: rates[s], slo_ms: 10.0 }).collect();
    let capacity = (0..rates.len())
        .map(|s| {
            let mut row = vec![None; profiles];
            (row[on_a100], row[on_h100]) = (runs(a100[s]), runs(2.0 * a100[s]));
            row
        })
        .collect();
    Problem::from_capacity(fleet, models, capacity)
}

/// The cheapest plan of [`one_g_mix`] by enumeration: each model takes some 1g instances on
/// the A100s and the fewest on the H100s that then cover its rate; each type needs a GPU
/// per seven of its instances.
fn brute_force_optimum(rates: &[f64], a100: &[f64]) -> f64 {
    let options: Vec<Vec<(usize, usize)>> = (0..rates.len())
        .map(|s| {
            let most = instances_needed(rates[s], a100[s]);
            let on_h100 = |k: usize| instances_needed((rates[s] - k as f64 * a100[s]).max(0.0), 2.0 * a100[s]);
            (0..=most).map(|k| (k, on_h100(k))).collect()
        })
        .collect();
    let mut best = f64::INFINITY;
    let mut pick = vec![0; rates.len()];
    loop {
        let (a, h) = pick.iter().zip(&options).fold((0, 0), |(a, h), (&k, o)| (a + o[k].0, h + o[k].1));
        best = best.min(a.div_ceil(ONE_G_PER_GPU) as f64 + H100_PRICE * h.div_ceil(ONE_G_PER_GPU) as f64);
        // The next pick, as an odometer.
        let Some(s) = (0..pick.len()).find(|&s| pick[s] + 1 < options[s].len()) else { return best };
        pick[s] += 1;
        pick[..s].iter_mut().for_each(|k| *k = 0);
    }
}

fn serves_every_model(problem: &Problem, deployment: &Deployment) -> bool {
    let served = deployment.capacity(problem);
    problem.models.iter().zip(&served).all(|(m, &c)| covers(c, m.rate))
}

#[test]
fn the_integer_master_moves_models_between_types_together_where_the_rounding_cannot() {
    // The cheapest plan is one GPU of each type (2.75): the two big models on H100 1g
    // instances and the small ones on an A100's, or the like. The master's rounding takes
    // each model's cover alone and packs them afterwards, which costs more.
    let (rates, a100) = ([120.0, 290.0, 30.0, 70.0], [30.0, 25.0, 15.0, 40.0]);
    let optimum = brute_force_optimum(&rates, &a100);
    let problem = one_g_mix(&rates, &a100);
    let cancel = AtomicBool::new(false);
    let mut observer = |_: &Progress| {};
    let mut ctl = Control::new("test", Budget::default(), 1, &cancel, &mut observer);
    let relaxation = relax(&problem, &ctl);
    ctl.price(&problem, relaxation.lower_cost);
    let rounded = search(&problem, &relaxation, &mut ctl, None);
    assert!(rounded.cost(&problem) > optimum + 1e-9, "the case no longer needs models moved together");
    let chosen = choose_covers(&problem, &relaxation, &mut ctl).expect("the integer master finds a plan");
    assert!(serves_every_model(&problem, &chosen));
    assert!((chosen.cost(&problem) - optimum).abs() < 1e-9, "{} against {optimum}", chosen.cost(&problem));
    let plan = execute(&problem, &mut Exact, Budget::default(), 1, &cancel, &mut observer);
    assert!((plan.cost.unwrap().total - optimum).abs() < 1e-9);
}

/// Small mixes whose optimum [`brute_force_optimum`] finds, the first needing models moved
/// between types together.
const SMALL_MIXES: [(&[f64], &[f64]); 4] = [
    (&[120.0, 290.0, 30.0, 70.0], &[30.0, 25.0, 15.0, 40.0]),
    (&[260.0, 60.0, 210.0], &[10.0, 25.0, 45.0]),
    (&[290.0, 200.0, 160.0], &[10.0, 45.0, 10.0]),
    (&[50.0, 270.0, 200.0, 40.0, 130.0], &[10.0, 45.0, 10.0, 15.0, 30.0]),
];

/// Runs `check` on each of [`SMALL_MIXES`]: the problem, its relaxation, a priced control
/// without limits, and the optimum.
fn on_small_mixes(mut check: impl FnMut(&Problem, &Relaxation, &mut Control, f64)) {
    for (rates, a100) in SMALL_MIXES {
        let problem = one_g_mix(rates, a100);
        let cancel = AtomicBool::new(false);
        let mut observer = |_: &Progress| {};
        let mut ctl = Control::new("test", Budget::default(), 1, &cancel, &mut observer);
        let relaxation = relax(&problem, &ctl);
        ctl.price(&problem, relaxation.lower_cost);
        check(&problem, &relaxation, &mut ctl, brute_force_optimum(rates, a100));
    }
}

#[test]
fn the_integer_master_reaches_the_brute_force_optimum_of_small_mixes_with_plans_that_serve_every_model() {
    on_small_mixes(|problem, relaxation, ctl, optimum| {
        let rates: Vec<f64> = problem.models.iter().map(|m| m.rate).collect();
        assert!(relaxation.lower_cost <= optimum + 1e-9, "{rates:?}: the bound is above the optimum");
        let chosen = choose_covers(problem, relaxation, ctl).expect("the integer master finds a plan");
        assert!(serves_every_model(problem, &chosen), "{rates:?}");
        assert!((chosen.cost(problem) - optimum).abs() < 1e-9, "{rates:?}: {} against {optimum}", chosen.cost(problem));
    });
}

#[test]
fn the_proof_finds_the_optimum_from_a_dearer_plan_and_proves_the_optimum_itself() {
    let mut improved = 0;
    on_small_mixes(|problem, relaxation, ctl, optimum| {
        let rates: Vec<f64> = problem.models.iter().map(|m| m.rate).collect();
        // Every model on the A100s alone: a plan, and a dear one.
        let alone = problem.only_type(0).expect("every model runs on the A100");
        let dear = search(&alone, &relax(&alone, ctl), ctl, None);
        let proof = prove(problem, relaxation, &dear, ctl).expect("a proof on a small mix");
        assert!((proof.lower_cost - optimum).abs() < 1e-9, "{rates:?}: {} against {optimum}", proof.lower_cost);
        if dear.cost(problem) > optimum + 1e-9 {
            let cheaper = proof.cheaper.expect("a cheaper plan than the dear one");
            assert!(serves_every_model(problem, &cheaper), "{rates:?}");
            assert!((cheaper.cost(problem) - optimum).abs() < 1e-9, "{rates:?}");
            let again = prove(problem, relaxation, &cheaper, ctl).expect("a proof of the optimum");
            assert!(again.cheaper.is_none() && (again.lower_cost - optimum).abs() < 1e-9, "{rates:?}: {again:?}");
            improved += 1;
        }
    });
    assert!(improved > 0, "no case started from a dearer plan");
}

//! Mixed fleets: two GPU types measured for the same models, planned by cost.

use std::sync::atomic::AtomicBool;

use migplan_core::check::plan::{layouts, validate};
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::plan::{Plan, PlanGpu};
use migplan_core::problem::generate::{synthetic, synthetic_fleet};
use migplan_core::problem::input::{ProfileRow, WorkloadRow};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::capacity::{compare, growth, scaled, with_headroom};
use migplan_core::workflow::request::{Headroom, Sweep};
use migplan_core::workflow::{self, Request};

/// A generated A100-40GB case, and the same models measured on an H100-80GB at `speedup`
/// times the throughput (profiles by their short form, which both GPUs share).
fn two_type_case(models: usize, seed: u64, speedup: f64) -> (Vec<ProfileRow>, Vec<WorkloadRow>) {
    let generated = synthetic_fleet(&gpu("a100-40gb").unwrap(), &[(gpu("h100-80gb").unwrap(), speedup)], models, seed);
    (generated.profiles, generated.workload)
}

fn fleet(costs: &[(&str, f64)]) -> Fleet {
    Fleet::new(costs.iter().map(|&(id, price)| GpuType { spec: gpu(id).unwrap(), price }).collect()).unwrap()
}

/// A request on `fleet` with 20 s for `auto`.
fn request(fleet: Fleet) -> Request {
    Request { run: options(), ..Request::on(fleet) }
}

fn plan(fleet: &Fleet, rows: &[ProfileRow], workload: &[WorkloadRow]) -> Plan {
    workflow::plan(&request(fleet.clone()), rows, workload, &AtomicBool::new(false), None).unwrap().0
}

/// The plan's GPUs of one type, as a plan of that type alone.
fn part(plan: &Plan, id: &str) -> Plan {
    let gpus: Vec<PlanGpu> =
        plan.gpus.iter().filter(|g| g.gpu.as_deref() == Some(id)).map(|g| PlanGpu { gpu: None, ..g.clone() }).collect();
    Plan { gpu: id.to_string(), gpu_count: gpus.len(), gpus, cost: None, ..plan.clone() }
}

#[test]
fn a_mix_costs_no_more_than_the_cheaper_single_type_and_each_part_validates() {
    for seed in 1..=4 {
        let (rows, workload) = two_type_case(10, seed, 2.3);
        let costs = [("a100-40gb", 1.0), ("h100-80gb", 2.2)];
        let mixed = plan(&fleet(&costs), &rows, &workload);
        let cost = mixed.cost.clone().expect("a mixed plan states its cost");
        let mut cheapest_single = f64::INFINITY;
        for (id, price) in costs {
            let alone = plan(&fleet(&[(id, price)]), &rows, &workload);
            assert!(alone.cost.is_none(), "one type at its own price is a GPU count");
            cheapest_single = cheapest_single.min(alone.gpu_count as f64 * price);
        }
        assert!(cost.total <= cheapest_single + 1e-9, "seed {seed}: mix {} > single {cheapest_single}", cost.total);
        assert!(cost.lower <= cost.total + 1e-9, "seed {seed}: bound {} above cost {}", cost.lower, cost.total);
        assert!(mixed.bound.lower <= mixed.gpu_count);
        for (id, _) in costs {
            let spec = Fleet::one(gpu(id).unwrap());
            let alone = part(&mixed, id);
            assert_eq!(layouts(&spec, &alone), vec![], "seed {seed}: the {id} part");
            let spent = cost.per_type[id];
            assert!((spent - alone.gpu_count as f64 * costs.iter().find(|c| c.0 == id).unwrap().1).abs() < 1e-9);
        }
        assert_eq!(validate(&fleet(&costs), &rows, &workload, &mixed), vec![]);
    }
}

#[test]
fn a_much_dearer_type_goes_unused() {
    for seed in 1..=3 {
        let (rows, workload) = two_type_case(8, seed, 2.3);
        let mixed = plan(&fleet(&[("a100-40gb", 1.0), ("h100-80gb", 50.0)]), &rows, &workload);
        assert!(mixed.gpus.iter().all(|g| g.gpu.as_deref() == Some("a100-40gb")), "seed {seed}");
        assert_eq!(mixed.cost.as_ref().unwrap().per_type["h100-80gb"], 0.0);
        let cheap_h100 = plan(&fleet(&[("a100-40gb", 50.0), ("h100-80gb", 1.0)]), &rows, &workload);
        assert!(cheap_h100.gpus.iter().all(|g| g.gpu.as_deref() == Some("h100-80gb")), "seed {seed}");
    }
}

#[test]
fn a_wrong_cost_or_a_gpu_of_a_type_not_planned_fails_the_check() {
    let (rows, workload) = two_type_case(6, 7, 2.0);
    let costs = fleet(&[("a100-40gb", 1.0), ("h100-80gb", 2.2)]);
    let mixed = plan(&costs, &rows, &workload);
    let priced = &costs;
    let mut wrong = mixed.clone();
    wrong.cost.as_mut().unwrap().total -= 0.5;
    assert!(!validate(priced, &rows, &workload, &wrong).is_empty());
    let mut low_bound = mixed.clone();
    low_bound.cost.as_mut().unwrap().lower = mixed.cost.as_ref().unwrap().total + 1.0;
    assert!(!validate(priced, &rows, &workload, &low_bound).is_empty());
    let mut other = mixed.clone();
    other.gpus[0].gpu = Some("a30-24gb".into());
    assert!(!validate(priced, &rows, &workload, &other).is_empty());
    // Checked for the other type only, the plan is for a GPU not planned for.
    let h100_only = costs.only(|t| t.spec.id == "h100-80gb").unwrap();
    assert!(!validate(&h100_only, &rows, &workload, &mixed).is_empty());
}

fn options() -> RunOptions {
    RunOptions {
        solver: SolverKind::Auto,
        budget: Budget { time_limit: Some(std::time::Duration::from_secs(20)), max_iterations: None },
        seed: 1,
    }
}

#[test]
fn the_growth_curve_is_monotone_and_every_point_checks() {
    let a100 = gpu("a100-40gb").unwrap();
    let generated = synthetic(&a100, 15, 3);
    let fleet = Fleet::one(a100.clone());
    let sweep = Request { sweep: Sweep { from: 0.5, to: 4.0, steps: 8 }, ..request(fleet.clone()) };
    let cancel = AtomicBool::new(false);
    let points = growth(&sweep, &generated.profiles, &generated.workload, &cancel).unwrap();
    assert_eq!(points.len(), 8);
    for (k, p) in points.iter().enumerate() {
        let demand = scaled(&generated.workload, p.factor);
        assert_eq!(validate(&fleet, &generated.profiles, &demand, &p.plan), vec![], "factor {}", p.factor);
        assert!(p.lower_gpus <= p.gpus && p.gpus == p.plan.gpu_count);
        if k > 0 {
            let before = &points[k - 1];
            assert!(before.gpus <= p.gpus, "{} GPUs at {} but {} at {}", before.gpus, before.factor, p.gpus, p.factor);
            assert!(before.lower_gpus <= p.lower_gpus);
        }
        if p.factor <= 1.0 {
            assert!(p.current_suffices, "the plan for the measured demand serves less at {}", p.factor);
        }
    }
    assert!(!points.last().unwrap().current_suffices, "four times the demand needs more than today's plan");
}

#[test]
fn a_mixed_growth_curve_is_monotone_in_cost() {
    let (rows, workload) = two_type_case(8, 5, 2.3);
    let costs = fleet(&[("a100-40gb", 1.0), ("h100-80gb", 2.2)]);
    let cancel = AtomicBool::new(false);
    let sweep = Request { sweep: Sweep { from: 1.0, to: 3.0, steps: 4 }, ..request(costs.clone()) };
    let points = growth(&sweep, &rows, &workload, &cancel).unwrap();
    let priced = &costs;
    for pair in points.windows(2) {
        assert!(pair[0].cost <= pair[1].cost + 1e-9, "{} then {}", pair[0].cost, pair[1].cost);
    }
    for p in &points {
        assert!(p.lower_cost <= p.cost + 1e-9);
        assert_eq!(validate(priced, &rows, &scaled(&workload, p.factor), &p.plan), vec![]);
    }
}

#[test]
fn compare_lists_each_type_and_a_mix_no_dearer_than_either() {
    let (rows, workload) = two_type_case(8, 2, 2.3);
    let costs = fleet(&[("a100-40gb", 1.0), ("h100-80gb", 2.2)]);
    let table = compare(&request(costs), &rows, &workload, &AtomicBool::new(false)).unwrap();
    let names: Vec<&str> = table.iter().map(|r| r.fleet.as_str()).collect();
    assert_eq!(names, ["a100-40gb", "h100-80gb", "mix"]);
    let mix = &table[2];
    for row in &table {
        assert!(row.refused.is_none());
        assert!(row.lower_cost <= row.cost + 1e-9 && row.lower_gpus <= row.gpus);
        assert!(mix.cost <= row.cost + 1e-9, "the mix costs {} but {} alone {}", mix.cost, row.fleet, row.cost);
        assert_eq!(row.per_type.values().sum::<usize>(), row.gpus);
    }
    assert_eq!(table[1].cost, table[1].gpus as f64 * 2.2);
}

#[test]
fn headroom_plans_for_more_and_says_what_it_costs() {
    let a100 = gpu("a100-40gb").unwrap();
    let generated = synthetic(&a100, 12, 4);
    let fleet = Fleet::one(a100.clone());
    let per_model = std::collections::BTreeMap::from([(generated.workload[0].model.clone(), 50.0)]);
    let asked = Request { headroom: Headroom { percent: 20.0, per_model }, ..request(fleet.clone()) };
    let plan = with_headroom(&asked, &generated.profiles, &generated.workload, &AtomicBool::new(false)).unwrap();
    let headroom = plan.headroom.clone().unwrap();
    assert!(headroom.gpus_without <= plan.gpu_count);
    for (m, w) in plan.models.iter().zip(&generated.workload) {
        assert_eq!(m.rate, w.rate, "the plan states the measured demand");
        let wanted = if m.model == generated.workload[0].model { 1.5 } else { 1.2 };
        assert!(m.capacity >= w.rate * wanted * (1.0 - 1e-9), "{}: {} for {}", m.model, m.capacity, w.rate);
    }
    assert_eq!(validate(&fleet, &generated.profiles, &generated.workload, &plan), vec![]);
    // The request's headroom is what `plan` plans for too.
    let (planned, _) =
        workflow::plan(&asked, &generated.profiles, &generated.workload, &AtomicBool::new(false), None).unwrap();
    assert_eq!(planned.headroom, plan.headroom);
}

#[test]
fn a_headroom_for_a_model_the_workload_lacks_blames_the_request_not_the_file() {
    let a100 = gpu("a100-40gb").unwrap();
    let mut generated = synthetic(&a100, 3, 1);
    for w in &mut generated.workload {
        w.loc.file = "workload.csv".into();
    }
    let per_model = std::collections::BTreeMap::from([("foo".to_string(), 10.0)]);
    let asked = Request { headroom: Headroom { percent: 0.0, per_model }, ..request(Fleet::one(a100)) };
    let cancel = AtomicBool::new(false);
    let refused = with_headroom(&asked, &generated.profiles, &generated.workload, &cancel).unwrap_err().to_string();
    assert!(refused.starts_with("a headroom is given for `foo`, which the workload does not list"), "{refused}");
    assert!(!refused.contains("workload.csv"), "{refused}");
}

#[test]
fn priced_nodes_count_in_the_cost_and_the_check() {
    let costs = fleet(&[("a100-40gb", 1.0), ("h100-80gb", 2.2)]);
    let priced = &costs;
    let mut nodes = Request { node_cost: Some(3.0), ..request(costs.clone()) };
    nodes.export.gpus_per_node = 4;
    for seed in 1..=3 {
        let (rows, workload) = two_type_case(8, seed, 2.3);
        let cancel = AtomicBool::new(false);
        let (with_nodes, _) = workflow::plan(&nodes, &rows, &workload, &cancel, None).unwrap();
        let cost = with_nodes.cost.clone().unwrap();
        let node_cost = cost.nodes.clone().expect("priced nodes are stated");
        let count =
            |id: &str| with_nodes.gpus.iter().filter(|g| g.gpu.as_deref().unwrap_or(&with_nodes.gpu) == id).count();
        assert_eq!(node_cost.count, count("a100-40gb").div_ceil(4) + count("h100-80gb").div_ceil(4));
        let gpus_cost: f64 = cost.per_type.values().sum();
        assert!((cost.total - gpus_cost - node_cost.count as f64 * 3.0).abs() < 1e-9);
        assert!(cost.lower <= cost.total + 1e-9);
        assert_eq!(validate(priced, &rows, &workload, &with_nodes), vec![]);
        let mut wrong = with_nodes.clone();
        wrong.cost.as_mut().unwrap().nodes.as_mut().unwrap().count += 1;
        assert!(!validate(priced, &rows, &workload, &wrong).is_empty());
        // Planning for the nodes costs no more, nodes included, than ignoring them did here.
        let ignored = plan(&costs, &rows, &workload);
        let ignored_nodes = ["a100-40gb", "h100-80gb"]
            .iter()
            .map(|id| ignored.gpus.iter().filter(|g| g.gpu.as_deref() == Some(*id)).count().div_ceil(4))
            .sum::<usize>();
        let ignored_total = ignored.cost.as_ref().unwrap().total + ignored_nodes as f64 * 3.0;
        assert!(
            cost.total <= ignored_total + 1e-9,
            "seed {seed}: {} with nodes planned, {ignored_total} without",
            cost.total
        );
    }
}

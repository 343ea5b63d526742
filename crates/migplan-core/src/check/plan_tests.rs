//! The plan checker against a hand-made plan and one broken copy per rule.

use super::*;
use crate::hardware::catalog::gpu;
use crate::plan::{Baseline, Bound, PlanGpu, PlanModel, SolverInfo, Termination};
use crate::problem::input::{parse_profiles, parse_workload};

fn inputs() -> (Fleet, Vec<ProfileRow>, Vec<WorkloadRow>) {
    let g = Fleet::one(gpu("a100-40gb").unwrap());
    let p = parse_profiles(
        "p.csv",
        "model,profile,batch,latency_ms,throughput\nbert,3g,16,30,700\nbert,4g.20gb,16,25,900\nresnet,2g,8,20,400\nresnet,1g,8,60,250\n",
    )
    .unwrap();
    let w = parse_workload("w.csv", "model,rate,slo_ms\nbert,1500,50\nresnet,500,50\n").unwrap();
    (g, p, w)
}

fn inst(profile: &str, start: u8, model: Option<&str>, batch: Option<u32>) -> PlanInstance {
    PlanInstance {
        profile: profile.into(),
        start,
        model: model.map(Into::into),
        batch,
        processes: None,
        throughput: None,
    }
}

fn good_plan() -> Plan {
    Plan {
        gpu: "a100-40gb".into(),
        gpu_count: 2,
        gpus: vec![
            PlanGpu {
                id: 0,
                gpu: None,
                node: None,
                device: None,
                instances: vec![inst("4g.20gb", 0, Some("bert"), Some(16)), inst("3g.20gb", 4, Some("bert"), Some(16))],
            },
            PlanGpu {
                id: 1,
                gpu: None,
                node: None,
                device: None,
                instances: vec![
                    inst("2g.10gb", 0, Some("resnet"), Some(8)),
                    inst("2g.10gb", 2, Some("resnet"), None),
                    inst("3g.20gb", 4, None, None),
                ],
            },
        ],
        models: vec![
            PlanModel { model: "bert".into(), rate: 1500.0, slo_ms: 50.0, capacity: 1600.0 },
            PlanModel { model: "resnet".into(), rate: 500.0, slo_ms: 50.0, capacity: 800.0 },
        ],
        bound: Bound { lower: 2, proven_optimal: true },
        baseline: Baseline { whole_gpus: None },
        solver: SolverInfo { name: "hand".into(), seed: 0, elapsed_ms: 0, termination: Termination::Finished },
        cost: None,
        headroom: None,
    }
}

fn check(plan: &Plan) -> Vec<Violation> {
    let (g, p, w) = inputs();
    validate(&g, &p, &w, plan)
}

#[test]
fn a_good_plan_passes() {
    assert_eq!(check(&good_plan()), vec![]);
}

#[test]
fn catches_illegal_start_overlap_and_compute() {
    let mut plan = good_plan();
    plan.gpus[1].instances[2].start = 3;
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::IllegalStart { start: 3, .. })), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::Overlap { .. })), "{v:?}");
    let mut plan = good_plan();
    plan.gpus[0].instances.push(inst("1g.5gb", 6, None, None));
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::ComputeOverBudget { used: 8, .. })), "{v:?}");
}

#[test]
fn catches_too_many_instances_and_unknown_profile() {
    let mut plan = good_plan();
    plan.gpus[1].instances = (0..3).map(|i| inst("3g.20gb", [0, 4, 0][i], None, None)).collect();
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::TooManyInstances { count: 3, max: 2, .. })), "{v:?}");
    plan.gpus[1].instances = vec![inst("3g.40gb", 0, None, None)];
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::UnknownProfile { .. })));
}

#[test]
fn catches_under_capacity_and_wrong_stated_capacity() {
    let mut plan = good_plan();
    plan.gpus[0].instances[1].model = None;
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::UnderCapacity { model, .. } if model == "bert")), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::StatedCapacityWrong { .. })), "{v:?}");
}

#[test]
fn catches_rows_that_do_not_exist_or_are_overstated() {
    let mut plan = good_plan();
    plan.gpus[1].instances[0].batch = Some(64);
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::NoRowWithinSlo { .. })));
    let mut plan = good_plan();
    plan.gpus[1].instances[0].throughput = Some(10_000.0);
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::ThroughputOverstated { .. })));
    let mut plan = good_plan();
    plan.gpus[1].instances[0].profile = "1g.5gb".into();
    plan.gpus[1].instances[0].model = Some("resnet".into());
    plan.gpus[1].instances[0].batch = None;
    // 1g resnet runs at 60 ms, over its 50 ms SLO.
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::NoRowWithinSlo { .. })));
}

#[test]
fn catches_unknown_model_counts_and_ids() {
    let mut plan = good_plan();
    plan.gpus[1].instances[2].model = Some("gpt".into());
    plan.gpus[1].id = 0;
    plan.gpu_count = 3;
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::UnknownModel { .. })), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::DuplicateGpuId { gpu: 0 })), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::GpuCountMismatch { stated: 3, actual: 2 })), "{v:?}");
}

#[test]
fn catches_bound_claims_and_wrong_gpu() {
    let mut plan = good_plan();
    plan.bound = Bound { lower: 1, proven_optimal: true };
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::FalseOptimalClaim { .. })));
    plan.bound = Bound { lower: 3, proven_optimal: false };
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::BoundAboveCount { .. })));
    plan.gpu = "h100-80gb".into();
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::WrongGpu { .. })));
}

#[test]
fn catches_a_gpu_id_too_large_to_number_after() {
    let mut plan = good_plan();
    plan.gpus[1].id = usize::MAX;
    assert!(check(&plan).iter().any(|v| matches!(v, Violation::GpuIdTooLarge { .. })));
}

#[test]
fn numbers_out_of_range_are_named_and_another_gpus_plan_is_said_once() {
    let mut plan = good_plan();
    plan.gpus[0].instances[0].throughput = Some(-1.0);
    plan.models[0].rate = f64::INFINITY;
    let v = check(&plan);
    assert!(v.iter().any(|v| matches!(v, Violation::OutOfRange { field: "throughput", .. })), "{v:?}");
    assert!(v.iter().any(|v| matches!(v, Violation::OutOfRange { field: "rate", .. })), "{v:?}");
    let mut plan = good_plan();
    plan.gpu = "a100-80gb".into();
    assert_eq!(check(&plan).len(), 1);
}

#[test]
fn the_types_of_a_plan_are_its_gpu_and_each_gpus_own_from_the_catalog() {
    let mut plan = good_plan();
    assert_eq!(types_of(&plan).unwrap().ids(), ["a100-40gb"]);
    plan.gpus[1].gpu = Some("h100-80gb".into());
    assert_eq!(types_of(&plan).unwrap().ids(), ["a100-40gb", "h100-80gb"]);
    plan.gpus[1].gpu = Some("h100-81gb".into());
    assert_eq!(types_of(&plan), Err(Violation::TypeNotPlanned { gpu: 1, gpu_type: "h100-81gb".into() }));
}

//! The one checker every plan goes through, whoever made it.
//!
//! It shares no code with the solvers: it reads the plan's JSON form, checks each GPU against
//! the catalog's raw placement rules (not the derived layout list), and recomputes every
//! instance's throughput from the profile rows themselves (not from `Problem`'s capacity
//! table). It reports every violation it finds, not just the first.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::catalog::GpuSpec;
use crate::input::{ProfileRow, WorkloadRow};
use crate::plan::Plan;

#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    WrongGpu { plan: String, expected: String },
    GpuCountMismatch { stated: usize, actual: usize },
    DuplicateGpuId { gpu: usize },
    UnknownProfile { gpu: usize, profile: String },
    IllegalStart { gpu: usize, profile: String, start: u8, legal: Vec<u8> },
    Overlap { gpu: usize, first: String, second: String },
    ComputeOverBudget { gpu: usize, used: u32, total: u8 },
    TooManyInstances { gpu: usize, profile: String, count: u32, max: u8 },
    UnknownModel { gpu: usize, model: String },
    NoRowWithinSlo { gpu: usize, model: String, profile: String, batch: Option<u32>, processes: Option<u32> },
    ThroughputOverstated { gpu: usize, model: String, profile: String, stated: f64, measured: f64 },
    UnderCapacity { model: String, capacity: f64, rate: f64 },
    StatedCapacityWrong { model: String, stated: f64, actual: f64 },
    BoundAboveCount { lower: usize, count: usize },
    FalseOptimalClaim { lower: usize, count: usize },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            WrongGpu { plan, expected } => write!(f, "the plan is for `{plan}`, not `{expected}`"),
            GpuCountMismatch { stated, actual } => {
                write!(f, "gpu_count says {stated} but the plan lists {actual} GPUs")
            }
            DuplicateGpuId { gpu } => write!(f, "GPU id {gpu} appears more than once"),
            UnknownProfile { gpu, profile } => write!(f, "GPU {gpu}: `{profile}` is not a profile of this GPU"),
            IllegalStart { gpu, profile, start, legal } => {
                write!(f, "GPU {gpu}: {profile} cannot start at memory slot {start} (legal starts: {legal:?})")
            }
            Overlap { gpu, first, second } => write!(f, "GPU {gpu}: {first} and {second} overlap in memory slots"),
            ComputeOverBudget { gpu, used, total } => {
                write!(f, "GPU {gpu}: instances use {used} compute slices, more than the {total} it has")
            }
            TooManyInstances { gpu, profile, count, max } => {
                write!(f, "GPU {gpu}: {count} instances of {profile}, at most {max} allowed")
            }
            UnknownModel { gpu, model } => write!(f, "GPU {gpu}: model `{model}` is not in the workload"),
            NoRowWithinSlo { gpu, model, profile, batch, processes } => write!(
                f,
                "GPU {gpu}: no profile row of `{model}` on {profile}{}{} meets its SLO",
                batch.map(|b| format!(" at batch {b}")).unwrap_or_default(),
                processes.map(|p| format!(" with {p} processes")).unwrap_or_default()
            ),
            ThroughputOverstated { gpu, model, profile, stated, measured } => {
                write!(f, "GPU {gpu}: `{model}` on {profile} is stated at {stated}/s but measured at {measured}/s")
            }
            UnderCapacity { model, capacity, rate } => {
                write!(f, "`{model}` gets {capacity:.2}/s of capacity but needs {rate}/s")
            }
            StatedCapacityWrong { model, stated, actual } => {
                write!(f, "`{model}`: the plan states capacity {stated} but its instances give {actual:.2}")
            }
            BoundAboveCount { lower, count } => {
                write!(f, "bound.lower is {lower}, above the plan's own {count} GPUs")
            }
            FalseOptimalClaim { lower, count } => {
                write!(f, "bound.proven_optimal is true but the bound {lower} is below the {count} GPUs used")
            }
        }
    }
}

/// Checks `plan` for the GPU, profile rows and workload it claims to serve.
pub fn validate(gpu: &GpuSpec, profiles: &[ProfileRow], workload: &[WorkloadRow], plan: &Plan) -> Vec<Violation> {
    let mut found = Vec::new();
    if !plan.gpu.eq_ignore_ascii_case(gpu.id) {
        found.push(Violation::WrongGpu { plan: plan.gpu.clone(), expected: gpu.id.to_string() });
    }
    if plan.gpu_count != plan.gpus.len() {
        found.push(Violation::GpuCountMismatch { stated: plan.gpu_count, actual: plan.gpus.len() });
    }
    let mut ids = HashSet::new();
    let mut served: BTreeMap<&str, f64> = BTreeMap::new();
    for g in &plan.gpus {
        if !ids.insert(g.id) {
            found.push(Violation::DuplicateGpuId { gpu: g.id });
        }
        check_layout(gpu, g.id, &g.instances, &mut found);
        for inst in &g.instances {
            let Some(model) = inst.model.as_deref() else {
                continue;
            };
            let Some(w) = workload.iter().find(|w| w.model == model) else {
                found.push(Violation::UnknownModel { gpu: g.id, model: model.to_string() });
                continue;
            };
            let measured = measured_throughput(gpu, profiles, w, &inst.profile, inst.batch, inst.processes);
            let Some(measured) = measured else {
                found.push(Violation::NoRowWithinSlo {
                    gpu: g.id,
                    model: model.to_string(),
                    profile: inst.profile.clone(),
                    batch: inst.batch,
                    processes: inst.processes,
                });
                continue;
            };
            let counted = match inst.throughput {
                Some(stated) if stated > measured * (1.0 + 1e-9) => {
                    found.push(Violation::ThroughputOverstated {
                        gpu: g.id,
                        model: model.to_string(),
                        profile: inst.profile.clone(),
                        stated,
                        measured,
                    });
                    measured
                }
                Some(stated) => stated,
                None => measured,
            };
            *served.entry(model).or_default() += counted;
        }
    }
    for w in workload {
        let capacity = served.get(w.model.as_str()).copied().unwrap_or(0.0);
        if capacity < w.rate * (1.0 - 1e-9) {
            found.push(Violation::UnderCapacity { model: w.model.clone(), capacity, rate: w.rate });
        }
        if let Some(m) = plan.models.iter().find(|m| m.model == w.model) {
            if (m.capacity - capacity).abs() > 1e-6 * capacity.max(1.0) {
                found.push(Violation::StatedCapacityWrong {
                    model: w.model.clone(),
                    stated: m.capacity,
                    actual: capacity,
                });
            }
        }
    }
    if plan.bound.lower > plan.gpus.len() {
        found.push(Violation::BoundAboveCount { lower: plan.bound.lower, count: plan.gpus.len() });
    }
    if plan.bound.proven_optimal && plan.bound.lower != plan.gpus.len() {
        found.push(Violation::FalseOptimalClaim { lower: plan.bound.lower, count: plan.gpus.len() });
    }
    found
}

fn check_layout(gpu: &GpuSpec, id: usize, instances: &[crate::plan::PlanInstance], found: &mut Vec<Violation>) {
    let mut compute = 0u32;
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    let mut occupied: Vec<(u8, u8, String)> = Vec::new();
    for inst in instances {
        let Some(spec) = gpu.profiles.iter().find(|p| p.name == inst.profile) else {
            found.push(Violation::UnknownProfile { gpu: id, profile: inst.profile.clone() });
            continue;
        };
        if !spec.starts.contains(&inst.start) {
            found.push(Violation::IllegalStart {
                gpu: id,
                profile: inst.profile.clone(),
                start: inst.start,
                legal: spec.starts.clone(),
            });
        }
        compute += spec.compute as u32;
        *counts.entry(spec.name.as_str()).or_default() += 1;
        let (from, to) = (inst.start, inst.start.saturating_add(spec.memory_slots));
        let label = format!("{}@{}", inst.profile, inst.start);
        for (other_from, other_to, other) in &occupied {
            if from < *other_to && *other_from < to {
                found.push(Violation::Overlap { gpu: id, first: other.clone(), second: label.clone() });
            }
        }
        occupied.push((from, to, label));
    }
    if compute > gpu.compute_slices as u32 {
        found.push(Violation::ComputeOverBudget { gpu: id, used: compute, total: gpu.compute_slices });
    }
    for (name, count) in counts {
        let max = gpu.profiles.iter().find(|p| p.name == name).map_or(0, |p| p.max_count);
        if count > max as u32 {
            found.push(Violation::TooManyInstances { gpu: id, profile: name.to_string(), count, max });
        }
    }
}

/// The best throughput of a row for this model on this profile (full name or short form)
/// within the model's SLO, matching batch and processes where the plan gives them.
fn measured_throughput(
    gpu: &GpuSpec,
    profiles: &[ProfileRow],
    w: &WorkloadRow,
    profile: &str,
    batch: Option<u32>,
    processes: Option<u32>,
) -> Option<f64> {
    let names_profile = |written: &str| {
        written.eq_ignore_ascii_case(profile)
            || gpu.profiles.iter().any(|p| {
                p.name == profile
                    && p.kind == crate::catalog::ProfileKind::Plain
                    && written.eq_ignore_ascii_case(&format!("{}g", p.compute))
            })
    };
    profiles
        .iter()
        .filter(|r| r.model == w.model && names_profile(&r.profile) && r.latency_ms <= w.slo_ms)
        .filter(|r| batch.is_none_or(|b| r.batch == b) && processes.is_none_or(|p| r.processes == p))
        .map(|r| r.throughput)
        .max_by(f64::total_cmp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::gpu;
    use crate::input::{parse_profiles, parse_workload};
    use crate::plan::{Baseline, Bound, PlanGpu, PlanInstance, PlanModel, SolverInfo};

    fn inputs() -> (GpuSpec, Vec<ProfileRow>, Vec<WorkloadRow>) {
        let g = gpu("a100-40gb").unwrap();
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
                    instances: vec![
                        inst("4g.20gb", 0, Some("bert"), Some(16)),
                        inst("3g.20gb", 4, Some("bert"), Some(16)),
                    ],
                },
                PlanGpu {
                    id: 1,
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
            solver: SolverInfo { name: "hand".into(), seed: 0, elapsed_ms: 0, termination: String::new() },
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
}

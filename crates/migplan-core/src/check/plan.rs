//! The one checker every plan goes through, whoever made it.
//!
//! It shares no code with the solvers: it reads the plan's JSON form, checks each GPU against
//! the catalog's raw placement rules (not the derived layout list), and recomputes every
//! instance's throughput from the profile rows themselves (not from `Problem`'s capacity
//! table). It reports every violation it finds, not just the first.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::hardware::catalog;
use crate::hardware::fleet::{Fleet, GpuType};
use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::plan::{Plan, PlanInstance, PlanModel};
use crate::problem::input::limits::{Range, COUNT, MILLISECONDS, RATE, THROUGHPUT};
use crate::problem::input::{ProfileRow, WorkloadRow};
use crate::text::name_problem;

pub use super::violation::{Violation, MAX_GPU_ID};

/// The GPU types a plan names (its `gpu`, then each GPU's own), each at price 1, as the
/// catalog has them: what a plan is checked against when no prices are given (an export).
/// Refused: a type the catalog lacks.
pub fn types_of(plan: &Plan) -> Result<Fleet, Violation> {
    let mut types = Vec::new();
    for id in std::iter::once(plan.gpu.as_str()).chain(plan.gpus.iter().filter_map(|g| g.gpu.as_deref())) {
        let Some(spec) = catalog::gpu(id) else {
            let gpu = plan.gpus.iter().find(|g| g.gpu.as_deref() == Some(id)).map(|g| g.id);
            return Err(match gpu {
                Some(gpu) => Violation::TypeNotPlanned { gpu, gpu_type: id.to_string() },
                None => Violation::WrongGpu { plan: id.to_string(), expected: catalog::gpu_ids().join(", ") },
            });
        };
        if !types.iter().any(|t: &GpuType| t.spec.id == spec.id) {
            types.push(GpuType { spec, price: 1.0 });
        }
    }
    Ok(Fleet::new(types).expect("a plan names its gpu"))
}

/// The GPU type of `gpu_type` in `fleet`.
pub(super) fn type_named<'a>(fleet: &'a Fleet, gpu_type: &str) -> Option<&'a GpuSpec> {
    fleet.named(gpu_type).map(|(_, t)| &t.spec)
}

/// Checks what a deployment needs, with no workload: the plan is for the fleet (its `gpu`
/// one of its types), its numbers are in range, its GPU count and ids are consistent, and
/// every GPU's layout keeps the catalog's placement rules for its own type. What `migplan
/// export` checks before it writes a config.
pub fn layouts(fleet: &Fleet, plan: &Plan) -> Vec<Violation> {
    // A plan for another GPU fails on every instance for the same reason: say it once.
    if type_named(fleet, &plan.gpu).is_none() {
        return vec![Violation::WrongGpu { plan: plan.gpu.clone(), expected: fleet.first().id.to_string() }];
    }
    let mut found = numbers_out_of_range(plan);
    if plan.gpu_count != plan.gpus.len() {
        found.push(Violation::GpuCountMismatch { stated: plan.gpu_count, actual: plan.gpus.len() });
    }
    let mut ids = HashSet::new();
    for g in &plan.gpus {
        if !ids.insert(g.id) {
            found.push(Violation::DuplicateGpuId { gpu: g.id });
        }
        if g.id > MAX_GPU_ID {
            found.push(Violation::GpuIdTooLarge { gpu: g.id });
        }
        let gpu_type = g.gpu.as_deref().unwrap_or(&plan.gpu);
        match type_named(fleet, gpu_type) {
            Some(gpu) => check_layout(gpu, g.id, &g.instances, &mut found),
            None => found.push(Violation::TypeNotPlanned { gpu: g.id, gpu_type: gpu_type.to_string() }),
        }
    }
    found
}

/// Checks `plan` for the fleet, profile rows and workload it claims to serve: [`layouts`],
/// then every instance's model and throughput (from the rows measured on its GPU's type, or
/// on no type in particular), every model's capacity, the bound's claims and the cost
/// ([`super::fleet`]).
pub fn validate(fleet: &Fleet, profiles: &[ProfileRow], workload: &[WorkloadRow], plan: &Plan) -> Vec<Violation> {
    let mut found = layouts(fleet, plan);
    if matches!(found.first(), Some(Violation::WrongGpu { .. })) {
        return found;
    }
    let mut served: BTreeMap<&str, f64> = BTreeMap::new();
    // Lookups by name through maps, so checking stays linear in the plan and the rows.
    let demand: HashMap<&str, &WorkloadRow> = workload.iter().map(|w| (w.model.as_str(), w)).collect();
    let mut rows_of: HashMap<&str, Vec<&ProfileRow>> = HashMap::new();
    // A model's rows come together in a file: one lookup per run of them, not per row.
    for run in profiles.chunk_by(|a, b| a.model == b.model) {
        rows_of.entry(run[0].model.as_str()).or_default().extend(run);
    }
    for g in &plan.gpus {
        let Some(gpu) = type_named(fleet, g.gpu.as_deref().unwrap_or(&plan.gpu)) else {
            continue;
        };
        for inst in &g.instances {
            let Some(model) = inst.model.as_deref() else {
                continue;
            };
            let Some(&w) = demand.get(model) else {
                found.push(Violation::UnknownModel { gpu: g.id, model: model.to_string() });
                continue;
            };
            let rows = rows_of.get(model).map_or(&[][..], Vec::as_slice);
            let measured = measured_throughput(gpu, rows, w, &inst.profile, inst.batch, inst.processes);
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
    let stated: HashMap<&str, &PlanModel> = plan.models.iter().map(|m| (m.model.as_str(), m)).collect();
    for w in workload {
        let capacity = served.get(w.model.as_str()).copied().unwrap_or(0.0);
        if capacity < w.rate * (1.0 - 1e-9) {
            found.push(Violation::UnderCapacity { model: w.model.clone(), capacity, rate: w.rate });
        }
        if let Some(m) = stated.get(w.model.as_str()) {
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
    if plan.bound.proven_optimal && plan.bound.lower != plan.gpus.len() && plan.cost.is_none() {
        found.push(Violation::FalseOptimalClaim { lower: plan.bound.lower, count: plan.gpus.len() });
    }
    found.extend(super::fleet::cost(fleet, plan));
    found
}

/// Every number of the plan checked against the ranges the readers use, so a negative or
/// absurd throughput is named as such rather than as a capacity shortfall; and every model
/// name against the rule the readers keep.
fn numbers_out_of_range(plan: &Plan) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut name = |place: &dyn Fn() -> String, model: &str| {
        if let Some(problem) = name_problem(model) {
            found.push(Violation::BadName { place: place(), name: model.to_string(), problem });
        }
    };
    for g in &plan.gpus {
        for i in &g.instances {
            if let Some(model) = &i.model {
                name(&|| format!("GPU {} slot {}", g.id, i.start), model);
            }
        }
    }
    for m in &plan.models {
        name(&|| "models".to_string(), &m.model);
    }
    // The place is named only for a number out of range: a plan of 100,000 GPUs has many.
    let mut check = |place: &dyn Fn() -> String, field: &'static str, value: Option<f64>, range: &Range| {
        if let Some(Err(problem)) = value.map(|v| range.check(v)) {
            found.push(Violation::OutOfRange { place: place(), field, problem });
        }
    };
    for g in &plan.gpus {
        for i in &g.instances {
            let place = || format!("GPU {} slot {}", g.id, i.start);
            check(&place, "throughput", i.throughput, &THROUGHPUT);
            check(&place, "batch", i.batch.map(f64::from), &COUNT);
            check(&place, "processes", i.processes.map(f64::from), &COUNT);
        }
    }
    for m in &plan.models {
        let place = || format!("model `{}`", m.model);
        check(&place, "rate", Some(m.rate), &RATE);
        check(&place, "slo_ms", Some(m.slo_ms), &MILLISECONDS);
        let capacity = Range { min: 0.0, min_allowed: true, max: f64::MAX, unit: "requests/s" };
        check(&place, "capacity", Some(m.capacity), &capacity);
    }
    found
}

fn check_layout(gpu: &GpuSpec, id: usize, instances: &[PlanInstance], found: &mut Vec<Violation>) {
    let mut compute = 0u32;
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    // Each instance's slots and where it is, named only when it overlaps another.
    let mut occupied: Vec<(u8, u8, &PlanInstance)> = Vec::new();
    let label = |i: &PlanInstance| format!("{}@{}", i.profile, i.start);
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
        for (other_from, other_to, other) in &occupied {
            if from < *other_to && *other_from < to {
                found.push(Violation::Overlap { gpu: id, first: label(other), second: label(inst) });
            }
        }
        occupied.push((from, to, inst));
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
    rows: &[&ProfileRow],
    w: &WorkloadRow,
    profile: &str,
    batch: Option<u32>,
    processes: Option<u32>,
) -> Option<f64> {
    let short = gpu
        .profiles
        .iter()
        .find(|p| p.name == profile && p.kind == ProfileKind::Plain)
        .map(|p| format!("{}g", p.compute));
    let names_profile = |written: &str| {
        written.eq_ignore_ascii_case(profile) || short.as_deref().is_some_and(|s| written.eq_ignore_ascii_case(s))
    };
    rows.iter()
        .filter(|r| r.gpu.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(gpu.id)))
        .filter(|r| names_profile(&r.profile) && r.latency_ms <= w.slo_ms)
        .filter(|r| batch.is_none_or(|b| r.batch == b) && processes.is_none_or(|p| r.processes == p))
        .map(|r| r.throughput)
        .max_by(f64::total_cmp)
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;

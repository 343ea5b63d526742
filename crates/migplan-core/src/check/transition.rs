//! Replays a move step by step and verifies every invariant. Shares no code with the move
//! planner: placement rules come straight from the catalog (each GPU's own type's), capacities
//! from the two plans, floors from the caller as plain numbers.

use std::collections::{BTreeMap, HashMap};

use crate::hardware::fleet::Fleet;
use crate::hardware::spec::GpuSpec;
use crate::plan::transition::{Action, Transition};
use crate::plan::Plan;

/// Relative and absolute slack when comparing a running sum of throughputs with a floor.
const FLOOR_TOLERANCE: (f64, f64) = (1e-9, 1e-6);

#[derive(Debug, Clone, PartialEq)]
struct Live {
    profile: String,
    start: u8,
    model: Option<String>,
    throughput: f64,
}

/// Every broken invariant, as a sentence naming the step (1-based) and GPU. `floors` is what
/// each model must keep after every step: min(old demand, new demand). A running GPU keeps its
/// type; a GPU added has the type its action names, else the target plan's `gpu`; the end
/// state must be the target's GPUs, each of its type.
pub fn check_transition(
    fleet: &Fleet,
    from: &Plan,
    to: &Plan,
    floors: &BTreeMap<String, f64>,
    transition: &Transition,
    spare_allowed: usize,
) -> Vec<String> {
    let mut problems = Vec::new();
    let spec_of = |t: &str| fleet.types().iter().map(|t| &t.spec).find(|g| g.id.eq_ignore_ascii_case(t));
    // Every GPU's type, by id, as it runs or ran.
    let mut kinds: BTreeMap<usize, &GpuSpec> = BTreeMap::new();
    for g in &from.gpus {
        match spec_of(g.gpu.as_deref().unwrap_or(&from.gpu)) {
            Some(spec) => {
                kinds.insert(g.id, spec);
            }
            None => problems.push(format!("running GPU {} is of a type not planned on", g.id)),
        }
    }
    let mut live: BTreeMap<usize, Vec<Live>> = from
        .gpus
        .iter()
        .map(|g| {
            let instances = g
                .instances
                .iter()
                .map(|i| Live {
                    profile: i.profile.clone(),
                    start: i.start,
                    model: i.model.clone(),
                    throughput: i.throughput.unwrap_or(0.0),
                })
                .collect();
            (g.id, instances)
        })
        .collect();
    // Capacities an instance may claim: those the two plans measured for its model and profile.
    let mut measured: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
    for i in from.gpus.iter().chain(&to.gpus).flat_map(|g| &g.instances) {
        if let Some(m) = i.model.as_deref() {
            measured.entry((m, i.profile.as_str())).or_default().push(i.throughput.unwrap_or(0.0));
        }
    }
    let known = |model: &str, profile: &str, throughput: f64| {
        measured
            .get(&(model, profile))
            .is_some_and(|ts| ts.iter().any(|t| (t - throughput).abs() <= 1e-9 * throughput.max(1.0)))
    };
    let mut peak = live.len();
    let (mut created, mut deleted) = (0, 0);
    for (n, step) in transition.steps.iter().enumerate() {
        let n = n + 1;
        for action in &step.actions {
            match action {
                Action::AddGpu { gpu: id, gpu_type } => {
                    if live.insert(*id, Vec::new()).is_some() {
                        problems.push(format!("step {n}: GPU {id} is added but already runs"));
                    }
                    let named = gpu_type.as_deref().unwrap_or(&to.gpu);
                    match spec_of(named) {
                        Some(spec) => {
                            kinds.insert(*id, spec);
                        }
                        None => {
                            problems.push(format!("step {n}: GPU {id} is added as `{named}`, not a type planned on"))
                        }
                    }
                }
                Action::RemoveGpu { gpu: id } => match live.remove(id) {
                    Some(left) if !left.is_empty() => {
                        problems.push(format!("step {n}: GPU {id} is removed with {} instances on it", left.len()))
                    }
                    None => problems.push(format!("step {n}: GPU {id} is removed but does not run")),
                    _ => {}
                },
                Action::Delete { gpu: id, start } => {
                    let Some(instances) = live.get_mut(id) else {
                        problems.push(format!("step {n}: delete on GPU {id}, which does not run"));
                        continue;
                    };
                    match instances.iter().position(|i| i.start == *start) {
                        Some(i) => {
                            instances.remove(i);
                            deleted += 1;
                        }
                        None => problems.push(format!("step {n}: GPU {id} has no instance at slot {start} to delete")),
                    }
                }
                Action::Create { gpu: id, profile, start, model, throughput, .. } => {
                    created += 1;
                    let (Some(instances), Some(gpu)) = (live.get_mut(id), kinds.get(id)) else {
                        problems.push(format!("step {n}: create on GPU {id}, which does not run"));
                        continue;
                    };
                    let Some(spec) = gpu.profiles.iter().find(|p| &p.name == profile) else {
                        problems.push(format!("step {n}: GPU {id}: `{profile}` is not a profile of {}", gpu.id));
                        continue;
                    };
                    if !spec.starts.contains(start) {
                        problems.push(format!("step {n}: GPU {id}: {profile} cannot start at slot {start}"));
                    }
                    let end = *start as u16 + spec.memory_slots as u16;
                    let mut compute = spec.compute as u32;
                    let mut same = 1;
                    for other in instances.iter() {
                        let Some(o) = gpu.profiles.iter().find(|p| p.name == other.profile) else {
                            problems.push(format!(
                                "step {n}: GPU {id} runs `{}`, not a profile of {}",
                                other.profile, gpu.id
                            ));
                            continue;
                        };
                        if (*start as u16) < other.start as u16 + o.memory_slots as u16 && (other.start as u16) < end {
                            problems.push(format!(
                                "step {n}: GPU {id}: {profile}@{start} overlaps the live {}@{}",
                                other.profile, other.start
                            ));
                        }
                        compute += o.compute as u32;
                        same += (o.name == spec.name) as u32;
                    }
                    if compute > gpu.compute_slices as u32 {
                        problems.push(format!("step {n}: GPU {id}: {compute} compute slices in use"));
                    }
                    if same > spec.max_count as u32 {
                        problems.push(format!("step {n}: GPU {id}: {same} instances of {profile}"));
                    }
                    let throughput = throughput.unwrap_or(0.0);
                    if let Some(m) = model {
                        if !known(m, profile, throughput) {
                            problems.push(format!(
                                "step {n}: GPU {id}: `{m}` on {profile} claims {throughput}/s, which neither plan measured"
                            ));
                        }
                    }
                    instances.push(Live { profile: profile.clone(), start: *start, model: model.clone(), throughput });
                }
            }
            peak = peak.max(live.len());
        }
        let mut capacity: BTreeMap<&str, f64> = BTreeMap::new();
        for i in live.values().flatten() {
            if let Some(m) = &i.model {
                *capacity.entry(m).or_default() += i.throughput;
            }
        }
        for (model, &floor) in floors {
            let have = capacity.get(model.as_str()).copied().unwrap_or(0.0);
            if have < floor * (1.0 - FLOOR_TOLERANCE.0) - FLOOR_TOLERANCE.1 {
                problems.push(format!("step {n}: `{model}` has {have:.1}/s, below min(old, new) = {floor}"));
            }
        }
    }
    // The end state must be the target, whatever the GPUs are called: each GPU of its type.
    let canonical = |kind: &str, instances: Vec<(String, u8, Option<String>)>| {
        let mut v = instances;
        v.sort();
        (kind.to_ascii_lowercase(), v)
    };
    let mut reached: Vec<_> = live
        .iter()
        .map(|(id, g)| {
            let kind = kinds.get(id).map_or("", |k| k.id);
            canonical(kind, g.iter().map(|i| (i.profile.clone(), i.start, i.model.clone())).collect())
        })
        .collect();
    let mut wanted: Vec<_> = to
        .gpus
        .iter()
        .map(|g| {
            let kind = g.gpu.as_deref().unwrap_or(&to.gpu);
            canonical(kind, g.instances.iter().map(|i| (i.profile.clone(), i.start, i.model.clone())).collect())
        })
        .collect();
    reached.sort();
    wanted.sort();
    if reached != wanted {
        problems.push(format!(
            "the move ends with {} GPUs that differ from the target's {} GPUs",
            reached.len(),
            wanted.len()
        ));
    }
    let spare = peak.saturating_sub(from.gpus.len().max(to.gpus.len()));
    if spare > spare_allowed {
        problems.push(format!("the move borrows {spare} spare GPUs, more than the {spare_allowed} allowed"));
    }
    if spare != transition.spare_used {
        problems.push(format!("spare_used says {} but the move borrows {spare}", transition.spare_used));
    }
    if (created, deleted) != (transition.instances_created, transition.instances_deleted) {
        problems.push(format!(
            "the move creates {created} and deletes {deleted} instances, not the {} and {} it reports",
            transition.instances_created, transition.instances_deleted
        ));
    }
    let running_touched =
        from.gpus.iter().filter(|g| transition.steps.iter().flat_map(|s| &s.actions).any(|a| a.gpu() == g.id)).count();
    if running_touched != transition.running_touched {
        problems.push(format!(
            "the move changes {running_touched} running GPUs, not the {} it reports",
            transition.running_touched
        ));
    }
    problems
}

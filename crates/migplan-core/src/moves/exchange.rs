//! Moving a running cluster from one plan to the next without any model dropping below
//! what it needs: the MIG-serving controller's exchange-and-compact.
//!
//! 1. **Match.** Each target GPU is assigned to a running GPU ([`crate::moves::matching`],
//!    maximizing the instances both already share), so that unchanged instances stay where they are.
//!    Unmatched target GPUs are added; unmatched running GPUs are drained and removed.
//! 2. **Exchange.** Steps alternate: create every target instance whose slots are free, then
//!    delete every obsolete instance whose model keeps at least `min(old, new)` demand
//!    without it. Creating first means a replacement runs before the old instance goes.
//! 3. **Borrow.** When no step is possible (each blocking instance is the capacity its model
//!    cannot lose), a copy of that instance runs on a spare GPU until the exchange is done.
//! 4. **Compact.** Temporary copies are deleted, spare and drained GPUs removed.
//!
//! Every step keeps each GPU's layout legal and every model at or above its floor; a
//! separate checker ([`crate::check::transition`]) replays the steps to verify it.

use std::collections::{BTreeMap, BTreeSet};

use crate::hardware::fleet::Fleet;
use crate::hardware::spec::{GpuSpec, ProfileSpec};
pub use crate::moves::demand::Demand;
use crate::moves::matching::{gpu_types, match_gpus};
use crate::plan::transition::{Action, NaiveMove, Step, Transition};
use crate::plan::{Plan, PlanInstance};
use crate::sorting;

type Key = (String, u8, Option<String>);

fn key(i: &PlanInstance) -> Key {
    (i.profile.clone(), i.start, i.model.clone())
}

struct World<'g> {
    /// The type of every GPU that runs or ran, by id.
    types: BTreeMap<usize, &'g GpuSpec>,
    live: BTreeMap<usize, Vec<PlanInstance>>,
    capacity: BTreeMap<String, f64>,
    floors: BTreeMap<String, f64>,
    steps: Vec<Step>,
    peak: usize,
    touched: BTreeSet<usize>,
    created: usize,
    deleted: usize,
}

impl World<'_> {
    /// Profile `name` of GPU `gpu`'s type.
    fn profile(&self, gpu: usize, name: &str) -> Option<&ProfileSpec> {
        self.types[&gpu].profiles.iter().find(|p| p.name == name)
    }

    fn fits(&self, gpu: usize, inst: &PlanInstance) -> bool {
        let Some(spec) = self.profile(gpu, &inst.profile) else { return false };
        let live = &self.live[&gpu];
        let mask = spec.slot_mask(inst.start);
        let mut compute = spec.compute as u32;
        let mut same = 0;
        for other in live {
            let Some(o) = self.profile(gpu, &other.profile) else { continue };
            if o.slot_mask(other.start) & mask != 0 {
                return false;
            }
            compute += o.compute as u32;
            same += (o.name == spec.name) as u8;
        }
        spec.starts.contains(&inst.start) && compute <= self.types[&gpu].compute_slices as u32 && same < spec.max_count
    }

    fn apply(&mut self, actions: Vec<Action>) {
        if actions.is_empty() {
            return;
        }
        for a in &actions {
            match a {
                Action::AddGpu { gpu, .. } => {
                    self.live.insert(*gpu, Vec::new());
                    self.touched.insert(*gpu);
                }
                Action::RemoveGpu { gpu } => {
                    self.live.remove(gpu);
                    self.touched.insert(*gpu);
                }
                Action::Create { gpu, model, throughput, .. } => {
                    if let Some(m) = model {
                        *self.capacity.entry(m.clone()).or_default() += throughput.unwrap_or(0.0);
                    }
                    let created = a.created().expect("a create action");
                    self.live.get_mut(gpu).expect("created on a live GPU").push(created);
                    self.touched.insert(*gpu);
                    self.created += 1;
                }
                Action::Delete { gpu, start } => {
                    let live = self.live.get_mut(gpu).expect("deleted from a live GPU");
                    let i = live.iter().position(|x| x.start == *start).expect("deleting a live instance");
                    let gone = live.remove(i);
                    if let Some(m) = gone.model {
                        *self.capacity.entry(m).or_default() -= gone.throughput.unwrap_or(0.0);
                    }
                    self.touched.insert(*gpu);
                    self.deleted += 1;
                }
            }
            self.peak = self.peak.max(self.live.len());
        }
        self.steps.push(Step { actions });
    }
}

/// Plans the move from `from` to `to` (both valid plans of the fleet) under `demands`. Each
/// running GPU keeps its type: a target GPU of another type is a GPU added.
pub fn plan_transition(fleet: &Fleet, from: &Plan, to: &Plan, demands: &[Demand]) -> Result<Transition, String> {
    let spec_of = |t: &str| {
        fleet.named(t).map(|(_, t)| &t.spec).ok_or_else(|| format!("the plans use {t}, which is not planned on"))
    };
    let from_types = gpu_types(from).iter().map(|t| spec_of(t)).collect::<Result<Vec<_>, _>>()?;
    let to_types = gpu_types(to).iter().map(|t| spec_of(t)).collect::<Result<Vec<_>, _>>()?;
    // A GPU added is named by its type when the plans have several.
    let named_type = |spec: &GpuSpec| (fleet.is_mixed() || spec.id != to.gpu).then(|| spec.id.to_string());
    // 1. Match target GPUs to running GPUs of their type by the instances they share.
    let mut next_id = from.gpus.iter().map(|g| g.id + 1).max().unwrap_or(0);
    let mut target_gpu_ids = Vec::with_capacity(to.gpus.len());
    let mut matched_old = BTreeSet::new();
    for chosen in match_gpus(from, to) {
        match chosen {
            Some(r) => {
                target_gpu_ids.push(from.gpus[r].id);
                matched_old.insert(r);
            }
            None => {
                target_gpu_ids.push(next_id);
                next_id += 1;
            }
        }
    }

    let mut types: BTreeMap<usize, &GpuSpec> = sorting::map_of(from.gpus.iter().map(|g| g.id).zip(from_types));
    for (t, &id) in target_gpu_ids.iter().enumerate() {
        types.entry(id).or_insert(to_types[t]);
    }
    let mut world = World {
        types,
        live: sorting::map_of(from.gpus.iter().map(|g| (g.id, g.instances.clone()))),
        capacity: BTreeMap::new(),
        floors: Demand::floors(demands),
        steps: Vec::new(),
        peak: from.gpus.len(),
        touched: BTreeSet::new(),
        created: 0,
        deleted: 0,
    };
    for i in from.gpus.iter().flat_map(|g| &g.instances) {
        if let Some(m) = &i.model {
            *world.capacity.entry(m.clone()).or_default() += i.throughput.unwrap_or(0.0);
        }
    }

    // Pending work: obsolete instances to delete and target instances to create, per GPU id.
    let mut deletes: Vec<(usize, PlanInstance)> = Vec::new();
    let mut creates: Vec<(usize, PlanInstance)> = Vec::new();
    for (t, target) in to.gpus.iter().enumerate() {
        let id = target_gpu_ids[t];
        let running: Vec<PlanInstance> = world.live.get(&id).cloned().unwrap_or_default();
        let keep: BTreeSet<Key> = sorting::set_of(target.instances.iter().map(key));
        let have: BTreeSet<Key> = sorting::set_of(running.iter().map(key));
        deletes.extend(running.into_iter().filter(|i| !keep.contains(&key(i))).map(|i| (id, i)));
        creates.extend(target.instances.iter().filter(|i| !have.contains(&key(i))).map(|i| (id, i.clone())));
    }
    let drained: Vec<usize> =
        (0..from.gpus.len()).filter(|c| !matched_old.contains(c)).map(|c| from.gpus[c].id).collect();
    for &id in &drained {
        deletes.extend(world.live[&id].iter().cloned().map(|i| (id, i)));
    }
    let added: Vec<Action> = target_gpu_ids
        .iter()
        .filter(|id| !world.live.contains_key(id))
        .map(|&gpu| Action::AddGpu { gpu, gpu_type: named_type(world.types[&gpu]) })
        .collect();
    world.apply(added);

    // 2-3. Exchange, borrowing spare GPUs when stuck.
    let mut spares: Vec<usize> = Vec::new();
    let mut temporaries: Vec<(usize, PlanInstance)> = Vec::new();
    let mut copied: Vec<(usize, PlanInstance)> = Vec::new();
    while !creates.is_empty() || !deletes.is_empty() {
        let mut progressed = false;
        let mut step = Vec::new();
        let mut waiting = Vec::new();
        for (gpu, inst) in creates.drain(..) {
            // Instances placed earlier in this step count as live for the next fit.
            let fits = world.fits(gpu, &inst)
                && !step.iter().any(|a| {
                    matches!(a, Action::Create { gpu: g, start, profile, .. }
                    if *g == gpu && overlaps(world.types[&gpu], profile, *start, &inst.profile, inst.start))
                });
            if fits {
                step.push(Action::create(gpu, &inst));
            } else {
                waiting.push((gpu, inst));
            }
        }
        creates = waiting;
        if !step.is_empty() {
            world.apply(step);
            progressed = true;
        }
        // Deletes: most over-served models first, so the ones near their floor wait.
        let mut step = Vec::new();
        let mut waiting = Vec::new();
        let mut after = world.capacity.clone();
        for (gpu, inst) in deletes.drain(..) {
            let ok = match &inst.model {
                None => true,
                Some(m) => {
                    let floor = world.floors.get(m).copied().unwrap_or(0.0);
                    keeps_floor(after[m] - inst.throughput.unwrap_or(0.0), floor)
                }
            };
            if ok {
                if let Some(m) = &inst.model {
                    *after.get_mut(m).expect("live model") -= inst.throughput.unwrap_or(0.0);
                }
                step.push(Action::Delete { gpu, start: inst.start });
            } else {
                waiting.push((gpu, inst));
            }
        }
        deletes = waiting;
        if !step.is_empty() {
            world.apply(step);
            progressed = true;
        }
        if progressed {
            continue;
        }
        // Stuck: every instance still to go on the first waiting create's GPU is capacity its
        // model cannot lose yet. Run a copy of each on a spare GPU; then it can go.
        // Each blocker is copied at most once; one that is still in the way after its copy
        // runs means the plans do not fit together (the target serves less than the floor).
        let Some(gpu) = creates.first().map(|c| c.0) else {
            return Err(stuck_deletes(&deletes));
        };
        let blockers: Vec<PlanInstance> = deletes.iter().filter(|(g, _)| *g == gpu).map(|(_, i)| i.clone()).collect();
        if blockers.is_empty() || blockers.iter().any(|b| copied.contains(&(gpu, b.clone()))) {
            return Err(stuck_deletes(&deletes));
        }
        // Copies run on spare GPUs of the blocker's type.
        let kind = world.types[&gpu];
        for b in blockers {
            let b = b.clone();
            let Some(spec) = kind.profiles.iter().find(|p| p.name == b.profile) else {
                return Err(format!("`{}` is not a profile of {}", b.profile, kind.id));
            };
            let placed = spares.iter().filter(|s| world.types[s].id == kind.id).find_map(|&s| {
                spec.starts
                    .iter()
                    .map(|&start| PlanInstance { start, ..b.clone() })
                    .find(|c| world.fits(s, c))
                    .map(|c| (s, c))
            });
            let (spare, copy) = match placed {
                Some(found) => found,
                None => {
                    let id = next_id;
                    next_id += 1;
                    spares.push(id);
                    world.types.insert(id, kind);
                    world.apply(vec![Action::AddGpu { gpu: id, gpu_type: named_type(kind) }]);
                    (id, PlanInstance { start: spec.starts[0], ..b.clone() })
                }
            };
            world.apply(vec![Action::create(spare, &copy)]);
            temporaries.push((spare, copy));
            copied.push((gpu, b));
        }
    }

    // 4. Compact: temporary copies go, then spare and drained GPUs.
    world.apply(temporaries.iter().map(|(gpu, i)| Action::Delete { gpu: *gpu, start: i.start }).collect());
    world.apply(spares.iter().chain(&drained).map(|&gpu| Action::RemoveGpu { gpu }).collect());

    let instances = |p: &Plan| p.gpus.iter().map(|g| g.instances.len()).sum::<usize>();
    Ok(Transition {
        spare_used: world.peak.saturating_sub(from.gpus.len().max(to.gpus.len())),
        touched_gpus: world.touched.len(),
        running_touched: from.gpus.iter().filter(|g| world.touched.contains(&g.id)).count(),
        instances_created: world.created,
        instances_deleted: world.deleted,
        naive: NaiveMove {
            instances_created: instances(to),
            instances_deleted: instances(from),
            touched_gpus: from.gpus.len().max(to.gpus.len()),
        },
        steps: world.steps,
        target_gpu_ids,
    })
}

/// Why deletes are stuck: the models whose instances cannot go without dropping below
/// their floor.
fn stuck_deletes(deletes: &[(usize, PlanInstance)]) -> String {
    let mut models: Vec<&str> = deletes.iter().filter_map(|(_, i)| i.model.as_deref()).collect();
    sorting::sort(&mut models);
    models.dedup();
    format!(
        "the move cannot delete the instances of {} without dropping below min(old, new) demand: \
         the target plan or the instances' stated throughputs do not add up",
        models.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
    )
}

/// True when `capacity` still serves `floor`, allowing for rounding in running sums.
pub fn keeps_floor(capacity: f64, floor: f64) -> bool {
    capacity >= floor * (1.0 - 1e-9) - 1e-6
}

/// True when two instances' memory slots overlap.
fn overlaps(gpu: &GpuSpec, a: &str, a_start: u8, b: &str, b_start: u8) -> bool {
    let size = |name: &str| gpu.profiles.iter().find(|p| p.name == name).map_or(0, |p| p.memory_slots);
    a_start < b_start + size(b) && b_start < a_start + size(a)
}

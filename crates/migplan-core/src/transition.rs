//! Moving a running cluster from one plan to the next without any model dropping below
//! what it needs: the MIG-serving controller's exchange-and-compact.
//!
//! 1. **Match.** Each target GPU is assigned to a running GPU (Hungarian method, maximizing
//!    the instances both already share), so that unchanged instances stay where they are.
//!    Unmatched target GPUs are added; unmatched running GPUs are drained and removed.
//! 2. **Exchange.** Steps alternate: create every target instance whose slots are free, then
//!    delete every obsolete instance whose model keeps at least `min(old, new)` demand
//!    without it. Creating first means a replacement runs before the old instance goes.
//! 3. **Borrow.** When no step is possible (each blocking instance is the capacity its model
//!    cannot lose), a copy of that instance runs on a spare GPU until the exchange is done.
//! 4. **Compact.** Temporary copies are deleted, spare and drained GPUs removed.
//!
//! Every step keeps each GPU's layout legal and every model at or above its floor; a
//! separate checker ([`crate::transition_check`]) replays the steps to verify it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::catalog::GpuSpec;
use crate::plan::{Plan, PlanInstance};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Action {
    AddGpu {
        gpu: usize,
    },
    Create {
        gpu: usize,
        profile: String,
        start: u8,
        model: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processes: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        throughput: Option<f64>,
    },
    Delete {
        gpu: usize,
        start: u8,
    },
    RemoveGpu {
        gpu: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub actions: Vec<Action>,
}

/// What draining every running GPU and building the target from scratch would cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NaiveMove {
    pub instances_created: usize,
    pub instances_deleted: usize,
    pub touched_gpus: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub steps: Vec<Step>,
    /// Spare GPUs borrowed at the peak of the move.
    pub spare_used: usize,
    pub touched_gpus: usize,
    pub instances_created: usize,
    pub instances_deleted: usize,
    /// The drain-and-rebuild move, for comparison.
    pub naive: NaiveMove,
    /// For each target GPU (by its index in the target plan), the id it has after the move.
    pub target_gpu_ids: Vec<usize>,
}

/// A model's demand before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub model: String,
    pub old_rate: f64,
    pub new_rate: f64,
}

impl Demand {
    /// What the model must keep at every step.
    pub fn floor(&self) -> f64 {
        self.old_rate.min(self.new_rate)
    }

    /// Demands from the two plans' model lists (a model missing from one has rate 0 there).
    pub fn from_plans(from: &Plan, to: &Plan) -> Vec<Demand> {
        let mut models: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        for m in &from.models {
            models.entry(&m.model).or_default().0 = m.rate;
        }
        for m in &to.models {
            models.entry(&m.model).or_default().1 = m.rate;
        }
        models.into_iter().map(|(m, (o, n))| Demand { model: m.to_string(), old_rate: o, new_rate: n }).collect()
    }
}

type Key = (String, u8, Option<String>);

fn key(i: &PlanInstance) -> Key {
    (i.profile.clone(), i.start, i.model.clone())
}

/// Best assignment of rows to columns maximizing `weight` (Hungarian method on a square
/// matrix padded with zeros). Returns, per row, its column.
pub fn assignment(weight: &[Vec<i64>]) -> Vec<usize> {
    let rows = weight.len();
    let cols = weight.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    let cost = |i: usize, j: usize| -> i64 { -(weight.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0)) };
    // Potentials and matching, 1-based as in the classic formulation.
    let (mut u, mut v) = (vec![0i64; n + 1], vec![0i64; n + 1]);
    let mut matched = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        matched[0] = i;
        let mut j0 = 0;
        let mut min = vec![i64::MAX; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = matched[j0];
            let mut delta = i64::MAX;
            let mut j1 = 0;
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let reduced = cost(i0 - 1, j - 1) - u[i0] - v[j];
                if reduced < min[j] {
                    min[j] = reduced;
                    way[j] = j0;
                }
                if min[j] < delta {
                    delta = min[j];
                    j1 = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[matched[j]] += delta;
                    v[j] -= delta;
                } else {
                    min[j] -= delta;
                }
            }
            j0 = j1;
            if matched[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            matched[j0] = matched[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut of_row = vec![0usize; n];
    for j in 1..=n {
        if matched[j] > 0 {
            of_row[matched[j] - 1] = j - 1;
        }
    }
    of_row.truncate(rows);
    of_row
}

struct World<'g> {
    gpu: &'g GpuSpec,
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
    fn fits(&self, gpu: usize, inst: &PlanInstance) -> bool {
        let Some(spec) = self.gpu.profiles.iter().find(|p| p.name == inst.profile) else { return false };
        let live = &self.live[&gpu];
        let mask = spec.slot_mask(inst.start);
        let mut compute = spec.compute as u32;
        let mut same = 0;
        for other in live {
            let Some(o) = self.gpu.profiles.iter().find(|p| p.name == other.profile) else { continue };
            if o.slot_mask(other.start) & mask != 0 {
                return false;
            }
            compute += o.compute as u32;
            same += (o.name == spec.name) as u8;
        }
        spec.starts.contains(&inst.start) && compute <= self.gpu.compute_slices as u32 && same < spec.max_count
    }

    fn apply(&mut self, actions: Vec<Action>) {
        if actions.is_empty() {
            return;
        }
        for a in &actions {
            match a {
                Action::AddGpu { gpu } => {
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
                    let created = created_instance(a).expect("a create action");
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

fn create(gpu: usize, i: &PlanInstance) -> Action {
    Action::Create {
        gpu,
        profile: i.profile.clone(),
        start: i.start,
        model: i.model.clone(),
        batch: i.batch,
        processes: i.processes,
        throughput: i.throughput,
    }
}

/// Instances each target GPU shares with each running GPU.
fn shared(from: &Plan, to: &Plan) -> Vec<Vec<i64>> {
    to.gpus
        .iter()
        .map(|t| {
            let target: BTreeSet<Key> = t.instances.iter().map(key).collect();
            from.gpus.iter().map(|o| o.instances.iter().filter(|i| target.contains(&key(i))).count() as i64).collect()
        })
        .collect()
}

/// How many instances can stay where they are when moving from `from` to `to`.
pub fn instances_kept(from: &Plan, to: &Plan) -> usize {
    let weight = shared(from, to);
    let chosen = assignment(&weight);
    chosen.iter().enumerate().map(|(t, &o)| weight[t].get(o).copied().unwrap_or(0) as usize).sum()
}

/// Plans the move from `from` to `to` (both valid plans of `gpu`) under `demands`.
pub fn plan_transition(gpu: &GpuSpec, from: &Plan, to: &Plan, demands: &[Demand]) -> Transition {
    // 1. Match target GPUs to running GPUs by the instances they share.
    let weight = shared(from, to);
    let chosen = assignment(&weight);
    let mut next_id = from.gpus.iter().map(|g| g.id + 1).max().unwrap_or(0);
    let mut target_gpu_ids = Vec::with_capacity(to.gpus.len());
    let mut matched_old = BTreeSet::new();
    for &col in &chosen {
        if col < from.gpus.len() {
            target_gpu_ids.push(from.gpus[col].id);
            matched_old.insert(col);
        } else {
            target_gpu_ids.push(next_id);
            next_id += 1;
        }
    }

    let mut world = World {
        gpu,
        live: from.gpus.iter().map(|g| (g.id, g.instances.clone())).collect(),
        capacity: BTreeMap::new(),
        floors: demands.iter().map(|d| (d.model.clone(), d.floor())).collect(),
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
        let keep: BTreeSet<Key> = target.instances.iter().map(key).collect();
        let have: BTreeSet<Key> = running.iter().map(key).collect();
        deletes.extend(running.into_iter().filter(|i| !keep.contains(&key(i))).map(|i| (id, i)));
        creates.extend(target.instances.iter().filter(|i| !have.contains(&key(i))).map(|i| (id, i.clone())));
    }
    let drained: Vec<usize> =
        (0..from.gpus.len()).filter(|c| !matched_old.contains(c)).map(|c| from.gpus[c].id).collect();
    for &id in &drained {
        deletes.extend(world.live[&id].iter().cloned().map(|i| (id, i)));
    }
    world.apply(
        target_gpu_ids.iter().filter(|id| !world.live.contains_key(id)).map(|&gpu| Action::AddGpu { gpu }).collect(),
    );

    // 2-3. Exchange, borrowing spare GPUs when stuck.
    let mut spares: Vec<usize> = Vec::new();
    let mut temporaries: Vec<(usize, PlanInstance)> = Vec::new();
    while !creates.is_empty() || !deletes.is_empty() {
        let mut progressed = false;
        let mut step = Vec::new();
        let mut waiting = Vec::new();
        for (gpu, inst) in creates.drain(..) {
            // Instances placed earlier in this step count as live for the next fit.
            let fits = world.fits(gpu, &inst)
                && !step.iter().any(|a| {
                    matches!(a, Action::Create { gpu: g, start, profile, .. }
                    if *g == gpu && overlaps(world.gpu, profile, *start, &inst.profile, inst.start))
                });
            if fits {
                step.push(create(gpu, &inst));
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
        let gpu = creates.first().map(|c| c.0).expect("deletes only wait for capacity that pending creates bring");
        let blockers: Vec<PlanInstance> = deletes.iter().filter(|(g, _)| *g == gpu).map(|(_, i)| i.clone()).collect();
        assert!(!blockers.is_empty(), "a waiting create is blocked by instances still to be deleted");
        for b in blockers {
            let spec = world.gpu.profiles.iter().find(|p| p.name == b.profile).expect("plan profiles are valid");
            let placed = spares.iter().find_map(|&s| {
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
                    world.apply(vec![Action::AddGpu { gpu: id }]);
                    (id, PlanInstance { start: spec.starts[0], ..b.clone() })
                }
            };
            world.apply(vec![create(spare, &copy)]);
            temporaries.push((spare, copy));
        }
    }

    // 4. Compact: temporary copies go, then spare and drained GPUs.
    world.apply(temporaries.iter().map(|(gpu, i)| Action::Delete { gpu: *gpu, start: i.start }).collect());
    world.apply(spares.iter().chain(&drained).map(|&gpu| Action::RemoveGpu { gpu }).collect());

    let instances = |p: &Plan| p.gpus.iter().map(|g| g.instances.len()).sum::<usize>();
    Transition {
        spare_used: world.peak.saturating_sub(from.gpus.len().max(to.gpus.len())),
        touched_gpus: world.touched.len(),
        instances_created: world.created,
        instances_deleted: world.deleted,
        naive: NaiveMove {
            instances_created: instances(to),
            instances_deleted: instances(from),
            touched_gpus: from.gpus.len().max(to.gpus.len()),
        },
        steps: world.steps,
        target_gpu_ids,
    }
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

#[cfg(test)]
mod tests {
    use super::assignment;

    #[test]
    fn assignment_maximizes_total_weight() {
        let w = vec![vec![1, 5, 0], vec![4, 6, 0], vec![0, 0, 2]];
        // Greedy would take (1,1)=6 then (0,0)=1: 9; best is (0,1)+(1,0)+(2,2) = 11.
        assert_eq!(assignment(&w), vec![1, 0, 2]);
        let wide = vec![vec![0, 3, 1]];
        assert_eq!(assignment(&wide), vec![1]);
        let tall = vec![vec![2], vec![5]];
        let a = assignment(&tall);
        assert_eq!(a[1], 0);
        assert_eq!(a[0], 1, "the padded column");
    }
}

/// The running plan's GPUs as configurations of `problem`, where their layout is one of the
/// problem's (GPUs whose layout is not, or whose models changed profile, are left out).
fn running_configs(problem: &crate::problem::Problem, from: &Plan) -> Vec<crate::plan::GpuConfig> {
    let mut configs = Vec::new();
    for g in &from.gpus {
        let mut placed: Vec<(usize, u8)> =
            g.instances.iter().filter_map(|i| Some((problem.gpu.profile(&i.profile)?, i.start))).collect();
        placed.sort();
        let Some(layout) = problem.layouts.iter().position(|l| {
            let mut mine: Vec<(usize, u8)> = l.placements.iter().map(|p| (p.profile, p.start)).collect();
            mine.sort();
            mine == placed
        }) else {
            continue;
        };
        let services = problem.layouts[layout]
            .placements
            .iter()
            .map(|pl| {
                let inst = g.instances.iter().find(|i| i.start == pl.start)?;
                let s = problem.services.iter().position(|s| Some(&s.model) == inst.model.as_ref())?;
                problem.capacity[s][pl.profile].map(|_| s)
            })
            .collect();
        configs.push(crate::plan::GpuConfig { layout, services });
    }
    configs
}

/// Plans `problem` (the new demand) preferring plans close to the running one: the running
/// GPUs kept where still useful and the shortfall refilled exactly, then the genetic search
/// seeded with that plan, and the best plan from scratch. Of the plans with the fewest GPUs,
/// the one that keeps the most running instances in place wins.
pub fn plan_near(problem: &crate::problem::Problem, from: &Plan, options: &crate::solver::RunOptions) -> Plan {
    use crate::ga::{GeneticParams, Population};
    use crate::heuristic::drop_redundant;
    use crate::plan::SolverInfo;
    use crate::solver::{run, Control, SolverKind};
    use std::sync::atomic::AtomicBool;

    let cancel = AtomicBool::new(false);
    let half = crate::solver::Budget {
        time_limit: options.budget.time_limit.map(|t| t / 2),
        max_iterations: options.budget.max_iterations.map(|n| n / 2),
    };
    let scratch = run(
        problem,
        &crate::solver::RunOptions { solver: SolverKind::Auto, budget: half, seed: options.seed },
        &cancel,
        &mut |_| {},
    );
    let mut observer = |_: &crate::solver::Progress| {};
    let mut ctl = Control::new("near", half, options.seed, &cancel, &mut observer);
    let relaxation = crate::relaxation::relax(problem, &ctl);
    ctl.raise_lower_bound(relaxation.lower_bound);
    let mut gpus = running_configs(problem, from);
    drop_redundant(problem, &mut gpus);
    crate::exact::complete_exactly(problem, &mut gpus, &ctl);
    drop_redundant(problem, &mut gpus);
    let incremental = crate::plan::Deployment { gpus };
    let mut candidates = vec![incremental.clone()];
    if incremental.gpu_count() > scratch.gpu_count {
        let mut population = Population::new(problem, GeneticParams::default(), options.seed, vec![incremental]);
        ctl.offer(population.best());
        while ctl.stop_reason().is_none() && population.best_gpus() > scratch.gpu_count {
            ctl.tick();
            population.generation(&ctl);
        }
        candidates.push(population.best().clone());
    }
    let elapsed_ms = scratch.solver.elapsed_ms + ctl.elapsed().as_millis() as u64;
    let info = |name: &str| SolverInfo {
        name: name.to_string(),
        seed: options.seed,
        elapsed_ms,
        termination: "finished".into(),
    };
    let lower = scratch.bound.lower;
    candidates
        .into_iter()
        .map(|d| Plan::from_deployment(problem, &d.normalized(), lower, info("near")))
        .chain(std::iter::once(scratch))
        .min_by_key(|p| (p.gpu_count, std::cmp::Reverse(instances_kept(from, p))))
        .expect("at least the plan from scratch")
}

/// The GPUs after each step (for showing a move), starting from `from`: `states[0]` is the
/// running plan, `states[n]` the cluster after step `n`.
pub fn replay(from: &Plan, steps: &[Step]) -> Vec<BTreeMap<usize, Vec<PlanInstance>>> {
    let mut live: BTreeMap<usize, Vec<PlanInstance>> = from.gpus.iter().map(|g| (g.id, g.instances.clone())).collect();
    let mut states = vec![live.clone()];
    for step in steps {
        for action in &step.actions {
            match action {
                Action::AddGpu { gpu } => {
                    live.insert(*gpu, Vec::new());
                }
                Action::RemoveGpu { gpu } => {
                    live.remove(gpu);
                }
                Action::Create { gpu, .. } => {
                    if let (Some(g), Some(i)) = (live.get_mut(gpu), created_instance(action)) {
                        g.push(i);
                        g.sort_by_key(|i| i.start);
                    }
                }
                Action::Delete { gpu, start } => {
                    if let Some(g) = live.get_mut(gpu) {
                        g.retain(|i| i.start != *start);
                    }
                }
            }
        }
        states.push(live.clone());
    }
    states
}

fn created_instance(action: &Action) -> Option<PlanInstance> {
    match action {
        Action::Create { profile, start, model, batch, processes, throughput, .. } => Some(PlanInstance {
            profile: profile.clone(),
            start: *start,
            model: model.clone(),
            batch: *batch,
            processes: *processes,
            throughput: *throughput,
        }),
        _ => None,
    }
}

impl Action {
    /// The GPU the action touches.
    pub fn gpu(&self) -> usize {
        match self {
            Action::AddGpu { gpu }
            | Action::RemoveGpu { gpu }
            | Action::Create { gpu, .. }
            | Action::Delete { gpu, .. } => *gpu,
        }
    }
}

//! A move as the page shows it, made in the worker: the target plan and the steps, each step
//! with the GPUs it acts on as they are before it and what each model it touches serves after
//! it. The worker follows the move once, changing one copy of the cluster in place, so the
//! page replays nothing: it draws a step from the step alone. A point of the trade-off travels as
//! a summary ([`FrontPoint`]); the worker keeps the points' moves (see `planning`).

use std::collections::HashMap;

use migplan_core::plan::transition::{Action, Step, Transition};
use migplan_core::plan::{Plan, PlanInstance};
use migplan_core::sorting;
use migplan_core::workflow::{Disruption, Move};
use serde::{Deserialize, Serialize};

/// A checked move without its running plan (the page has it): what the move panel draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveView {
    pub target: Plan,
    pub transition: Transition,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<Disruption>,
    /// The spare GPUs the user allowed the move to borrow.
    pub spare_allowed: usize,
    /// One per step of `transition`.
    pub steps: Vec<StepView>,
}

/// What one step does to the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepView {
    /// The GPUs the step acts on, by id, as they are before it (after it: [`StepView::after`]).
    pub gpus: Vec<TouchedGpu>,
    /// Each model the step creates or deletes an instance of, closest to its floor first.
    pub serves: Vec<Serves>,
}

/// A GPU a step acts on, and its instances (`None`: not running).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TouchedGpu {
    pub id: usize,
    pub instances: Option<Vec<PlanInstance>>,
}

impl StepView {
    /// The GPUs the step acts on as they are after it: its own actions applied to `gpus`
    /// (half the message, for microseconds of the page's time on the step shown).
    pub fn after(&self, step: &Step) -> Vec<TouchedGpu> {
        let mut live: HashMap<usize, Vec<PlanInstance>> =
            self.gpus.iter().filter_map(|g| Some((g.id, g.instances.clone()?))).collect();
        for action in &step.actions {
            apply(&mut live, action, &mut |_, _| {});
        }
        self.gpus.iter().map(|g| TouchedGpu { id: g.id, instances: live.remove(&g.id) }).collect()
    }
}

/// Applies `action` to the GPUs `live`, telling `count` each instance it creates (+1) or
/// removes (-1).
fn apply(live: &mut HashMap<usize, Vec<PlanInstance>>, action: &Action, count: &mut dyn FnMut(&PlanInstance, f64)) {
    match action {
        Action::AddGpu { gpu, .. } => {
            live.insert(*gpu, Vec::new());
        }
        Action::RemoveGpu { gpu } => {
            for i in live.remove(gpu).unwrap_or_default() {
                count(&i, -1.0);
            }
        }
        Action::Create { gpu, .. } => {
            if let (Some(g), Some(i)) = (live.get_mut(gpu), action.created()) {
                count(&i, 1.0);
                g.push(i);
                sorting::sort_by_key(g, |i| i.start);
            }
        }
        Action::Delete { gpu, start } => {
            if let Some(g) = live.get_mut(gpu) {
                if let Some(k) = g.iter().position(|i| i.start == *start) {
                    count(&g.remove(k), -1.0);
                }
            }
        }
    }
}

/// What a model serves after a step (requests/s), and the floor the move keeps it at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Serves {
    pub model: String,
    pub capacity: f64,
    pub floor: f64,
}

impl Serves {
    /// How many times its floor the model serves (infinite without a floor).
    pub fn margin(&self) -> f64 {
        if self.floor > 0.0 {
            self.capacity / self.floor
        } else {
            f64::INFINITY
        }
    }
}

/// One point of the trade-off: the move touching the fewest running GPUs found within the
/// new optimum plus `extra_gpus`, and the proven fewest any such move touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontPoint {
    pub extra_gpus: usize,
    pub gpu_count: usize,
    pub running_touched: usize,
    pub touched_lower_bound: usize,
    pub spare_used: usize,
}

impl FrontPoint {
    pub fn of(m: &Move) -> FrontPoint {
        FrontPoint::new(&m.target, &m.transition, m.disruption.as_ref())
    }

    fn new(target: &Plan, transition: &Transition, disruption: Option<&Disruption>) -> FrontPoint {
        FrontPoint {
            extra_gpus: disruption.map_or(0, |d| d.extra_gpus),
            gpu_count: target.gpu_count,
            running_touched: transition.running_touched,
            touched_lower_bound: disruption.map_or(0, |d| d.touched_lower_bound),
            spare_used: transition.spare_used,
        }
    }
}

impl MoveView {
    pub fn of(m: &Move, spare_allowed: usize) -> MoveView {
        let floors: HashMap<&str, f64> = m.floors.iter().map(|f| (f.model.as_str(), f.floor)).collect();
        MoveView {
            target: m.target.clone(),
            transition: m.transition.clone(),
            disruption: m.disruption.clone(),
            spare_allowed,
            steps: follow(&m.running, &m.transition.steps, &floors),
        }
    }

    /// The move's point of the trade-off.
    pub fn point(&self) -> FrontPoint {
        FrontPoint::new(&self.target, &self.transition, self.disruption.as_ref())
    }

    /// Whether this move, found while planning, is worth showing instead of `shown`: never one
    /// that borrows more spare GPUs than the user allowed, only one of the first point of the
    /// trade-off (the move the planning ends on), and only a better one: fewer GPUs beyond
    /// that point's budget, or as many and fewer running GPUs touched.
    pub fn improves_on(&self, shown: Option<&MoveView>) -> bool {
        let rank = |v: &MoveView| rank(&v.target, &v.transition, v.disruption.as_ref());
        self.transition.spare_used <= self.spare_allowed
            && rank(self).is_some_and(|r| shown.is_none_or(|shown| rank(shown).is_none_or(|s| r < s)))
    }
}

/// Where a move found while planning stands against the others (lower is better): GPUs beyond
/// its budget (the plan's GPUs while the budget is not known yet), then running GPUs
/// touched, what the replan minimises in that order. `None` for a move of a later point of
/// the trade-off (extra GPUs), which is never the best so far.
pub fn rank(target: &Plan, transition: &Transition, disruption: Option<&Disruption>) -> Option<(usize, usize)> {
    let budget = match disruption {
        Some(d) if d.extra_gpus > 0 => return None,
        Some(d) => d.optimal_gpus,
        None => 0,
    };
    Some((target.gpu_count.max(budget), transition.running_touched))
}

/// Each step's view, following the steps from `running` on one copy of the cluster.
fn follow(running: &Plan, steps: &[Step], floors: &HashMap<&str, f64>) -> Vec<StepView> {
    let mut live: HashMap<usize, Vec<PlanInstance>> =
        running.gpus.iter().map(|g| (g.id, g.instances.clone())).collect();
    let mut serving: HashMap<String, f64> = HashMap::new();
    for i in running.gpus.iter().flat_map(|g| &g.instances) {
        if let Some(model) = &i.model {
            *serving.entry(model.clone()).or_default() += i.throughput.unwrap_or(0.0);
        }
    }
    let mut views = Vec::with_capacity(steps.len());
    for step in steps {
        let mut ids: Vec<usize> = step.actions.iter().map(Action::gpu).collect();
        sorting::sort(&mut ids);
        ids.dedup();
        let gpus = ids.iter().map(|&id| TouchedGpu { id, instances: live.get(&id).cloned() }).collect();
        let mut models: Vec<String> = Vec::new();
        let mut count = |i: &PlanInstance, sign: f64| {
            if let Some(model) = &i.model {
                *serving.entry(model.clone()).or_default() += sign * i.throughput.unwrap_or(0.0);
                models.push(model.clone());
            }
        };
        for action in &step.actions {
            apply(&mut live, action, &mut count);
        }
        sorting::sort(&mut models);
        models.dedup();
        let mut serves: Vec<Serves> = models
            .into_iter()
            .map(|model| Serves {
                // Sums kept by adding and taking away: no rounding below zero.
                capacity: serving.get(&model).copied().unwrap_or(0.0).max(0.0),
                floor: floors.get(model.as_str()).copied().unwrap_or(0.0),
                model,
            })
            .collect();
        sorting::sort_by(&mut serves, |a, b| a.margin().total_cmp(&b.margin()));
        views.push(StepView { gpus, serves });
    }
    views
}

#[cfg(test)]
#[path = "move_view_tests.rs"]
mod tests;

//! A move's effect on the cluster, step by step: what the page draws for each step.

use std::collections::BTreeMap;

use crate::plan::transition::{Action, Step};
use crate::plan::{Plan, PlanInstance};
use crate::sorting;

/// The GPUs after each step (for showing a move), starting from `from`: `states[0]` is the
/// running plan, `states[n]` the cluster after step `n`.
pub fn replay(from: &Plan, steps: &[Step]) -> Vec<BTreeMap<usize, Vec<PlanInstance>>> {
    let mut live: BTreeMap<usize, Vec<PlanInstance>> =
        sorting::map_of(from.gpus.iter().map(|g| (g.id, g.instances.clone())));
    let mut states = vec![live.clone()];
    for step in steps {
        for action in &step.actions {
            match action {
                Action::AddGpu { gpu, .. } => {
                    live.insert(*gpu, Vec::new());
                }
                Action::RemoveGpu { gpu } => {
                    live.remove(gpu);
                }
                Action::Create { gpu, .. } => {
                    if let (Some(g), Some(i)) = (live.get_mut(gpu), action.created()) {
                        g.push(i);
                        sorting::sort_by_key(g, |i| i.start);
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

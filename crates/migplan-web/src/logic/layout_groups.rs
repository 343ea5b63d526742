//! A plan's GPUs grouped by layout shape (which profiles at which starts, whatever models
//! they serve), and within a shape by exact configuration, so a 1,000-GPU plan reads as a
//! few dozen shapes with counts. Grouping is by hash: linear in the GPUs.

use std::collections::HashMap;

use migplan_core::plan::{Plan, PlanGpu};
use migplan_core::sorting;

/// The GPUs of one layout shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeGroup {
    /// Each configuration of this shape (same instances and models): the index of its first
    /// GPU in the plan and how many GPUs have it, most common first.
    pub configs: Vec<(usize, usize)>,
    pub gpus: usize,
}

fn shape(g: &PlanGpu) -> Vec<(&str, u8)> {
    g.instances.iter().map(|i| (i.profile.as_str(), i.start)).collect()
}

/// Each instance's profile, start and model: a GPU's exact configuration.
type Config<'a> = Vec<(&'a str, u8, Option<&'a str>)>;

fn config(g: &PlanGpu) -> Config<'_> {
    g.instances.iter().map(|i| (i.profile.as_str(), i.start, i.model.as_deref())).collect()
}

/// The plan's GPUs by shape, the most common shape first (ties in plan order).
pub fn shape_groups(plan: &Plan) -> Vec<ShapeGroup> {
    let mut shapes: HashMap<Vec<(&str, u8)>, usize> = HashMap::new();
    let mut configs: HashMap<Config, usize> = HashMap::new();
    let mut groups: Vec<ShapeGroup> = Vec::new();
    for (index, g) in plan.gpus.iter().enumerate() {
        let next = groups.len();
        let s = *shapes.entry(shape(g)).or_insert(next);
        if s == next {
            groups.push(ShapeGroup { configs: Vec::new(), gpus: 0 });
        }
        let group = &mut groups[s];
        group.gpus += 1;
        // A configuration implies its shape: its index is within its shape's group.
        let next = group.configs.len();
        let c = *configs.entry(config(g)).or_insert(next);
        if c == next {
            group.configs.push((index, 0));
        }
        group.configs[c].1 += 1;
    }
    for g in &mut groups {
        sorting::sort_by_key(&mut g.configs, |&(first, n)| (std::cmp::Reverse(n), first));
    }
    sorting::sort_by_key(&mut groups, |g| (std::cmp::Reverse(g.gpus), g.configs.iter().map(|c| c.0).min()));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpu(id: usize, instances: &[(&str, u8, &str)]) -> PlanGpu {
        let json = serde_json::json!({
            "id": id,
            "instances": instances.iter().map(|(p, s, m)| serde_json::json!({"profile": p, "start": s, "model": m})).collect::<Vec<_>>(),
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn gpus_group_by_shape_then_by_models() {
        let example = crate::state::Inputs::example();
        let mut plan: Plan = {
            let mut plan = None;
            crate::worker::planning::Planner::default().handle(
                &crate::worker::protocol::Request::Plan(example.request()),
                &mut |m| {
                    if let crate::worker::protocol::WorkerMessage::Done { plan: p, .. } = m {
                        plan = Some(p);
                    }
                },
            );
            plan.unwrap()
        };
        plan.gpus = vec![
            gpu(0, &[("3g.20gb", 4, "a"), ("4g.20gb", 0, "b")]),
            gpu(1, &[("7g.40gb", 0, "a")]),
            gpu(2, &[("3g.20gb", 4, "c"), ("4g.20gb", 0, "b")]),
            gpu(3, &[("3g.20gb", 4, "a"), ("4g.20gb", 0, "b")]),
        ];
        let groups = shape_groups(&plan);
        assert_eq!(
            groups,
            [ShapeGroup { configs: vec![(0, 2), (2, 1)], gpus: 3 }, ShapeGroup { configs: vec![(1, 1)], gpus: 1 },]
        );
    }
}

//! The deploy configs of a move: only the nodes whose GPUs change partitioning, so that an
//! operator relabels (and drains) just those.
//!
//! The running plan's GPUs sit on the nodes [`nodes::assign`] gives it: those are the
//! machines. After the move each running GPU id has the target's layout (the transition's
//! `target_gpu_ids` say which target GPU it became); a GPU the move removes keeps its
//! partitioning, idle, since repartitioning it would gain nothing. GPUs the move adds go on
//! new nodes after the running ones.

use std::collections::BTreeMap;

use crate::export::mig_parted;
use crate::export::nodes::{self, config_name, counts, Counts, Node, NodeConfig, Nodes};
use crate::export::options::ExportOptions;
use crate::plan::transition::Transition;
use crate::plan::Plan;
use crate::sorting;

/// The nodes a move repartitions, with their configs after the move; new nodes included.
pub fn changed_nodes(running: &Plan, target: &Plan, transition: &Transition, options: &ExportOptions) -> Nodes {
    let before = nodes::assign(running, options);
    let per_node = before.gpus_per_node;
    let after: BTreeMap<usize, Counts> =
        sorting::map_of(transition.target_gpu_ids.iter().zip(&target.gpus).map(|(&id, g)| (id, counts(g))));
    let old: BTreeMap<usize, Counts> = sorting::map_of(running.gpus.iter().map(|g| (g.id, counts(g))));
    let mut changed: Vec<(String, Vec<usize>, Vec<Counts>)> = Vec::new();
    for node in &before.nodes {
        let devices: Vec<Counts> = node.gpus.iter().map(|id| after.get(id).unwrap_or(&old[id]).clone()).collect();
        if node.gpus.iter().zip(&devices).any(|(id, c)| old[id] != *c) {
            changed.push((node.name.clone(), node.gpus.clone(), devices));
        }
    }
    let added: Vec<usize> = transition.target_gpu_ids.iter().copied().filter(|id| !old.contains_key(id)).collect();
    for (k, ids) in added.chunks(per_node).enumerate() {
        let n = before.nodes.len() + k;
        let name = options.node_names.get(n).cloned().unwrap_or_else(|| format!("node-{}", n + 1));
        changed.push((name, ids.to_vec(), ids.iter().map(|id| after[id].clone()).collect()));
    }
    let mut configs: Vec<NodeConfig> = Vec::new();
    let mut nodes = Vec::new();
    for (name, gpus, devices) in changed {
        let entries = nodes::entries(&devices, per_node);
        let config = match configs.iter().find(|c| c.entries == entries) {
            Some(c) => c.name.clone(),
            None => {
                let name = config_name(configs.len());
                configs.push(NodeConfig { name: name.clone(), entries });
                name
            }
        };
        nodes.push(Node { name, config, gpus });
    }
    Nodes { gpus_per_node: per_node, nodes, configs }
}

/// The nodes of the cluster after a move: the running plan's, and new ones for the GPUs it
/// adds (what `--node-names` names, in that order).
pub fn node_count(running: &Plan, transition: &Transition, options: &ExportOptions) -> usize {
    let per_node = options.gpus_per_node.max(1);
    let old: std::collections::HashSet<usize> = running.gpus.iter().map(|g| g.id).collect();
    let added = transition.target_gpu_ids.iter().filter(|id| !old.contains(id)).count();
    running.gpus.len().div_ceil(per_node) + added.div_ceil(per_node)
}

/// The mig-parted config (`operator`: the GPU Operator ConfigMap around it) of the nodes a
/// move repartitions, with a first comment saying how many of the cluster's nodes that is.
pub fn render_move(
    running: &Plan,
    target: &Plan,
    transition: &Transition,
    options: &ExportOptions,
    operator: bool,
) -> String {
    let changed = changed_nodes(running, target, transition, options);
    let all = running.gpus.len().div_ceil(changed.gpus_per_node.max(1));
    let head = format!(
        "# migplan move: {} node{} to repartition (of {all} running; new nodes included); the others keep their config.\n",
        changed.nodes.len(),
        if changed.nodes.len() == 1 { "" } else { "s" },
    );
    let body = if operator { mig_parted::gpu_operator(target, &changed) } else { mig_parted::mig_parted(&changed) };
    head + &body
}

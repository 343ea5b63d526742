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
use crate::export::nodes::{self, config_named, counts, Counts, Node, NodeConfig, Nodes};
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
    // Per node: its name, GPU ids, (device, counts after the move), whether it is full.
    type Changed = (String, Vec<usize>, Vec<(usize, Counts)>, bool);
    let mut changed: Vec<Changed> = Vec::new();
    for node in &before.nodes {
        let devices: Vec<(usize, Counts)> = node
            .gpus
            .iter()
            .zip(&node.devices)
            .map(|(id, &d)| (d, after.get(id).unwrap_or(&old[id]).clone()))
            .collect();
        if node.gpus.iter().zip(&devices).any(|(id, (_, c))| old[id] != *c) {
            let full = running.gpus.iter().all(|g| g.node.is_none()) && devices.len() == per_node;
            changed.push((node.name.clone(), node.gpus.clone(), devices, full));
        }
    }
    let added: Vec<usize> = transition.target_gpu_ids.iter().copied().filter(|id| !old.contains_key(id)).collect();
    for (k, ids) in added.chunks(per_node).enumerate() {
        let name = new_node_name(running, options, before.nodes.len(), k);
        let devices: Vec<(usize, Counts)> = ids.iter().enumerate().map(|(d, id)| (d, after[id].clone())).collect();
        changed.push((name, ids.to_vec(), devices, ids.len() == per_node));
    }
    let mut configs: Vec<NodeConfig> = Vec::new();
    let mut nodes = Vec::new();
    for (name, gpus, devices, full) in changed {
        let config = config_named(&mut configs, nodes::entries(&devices, full));
        nodes.push(Node { name, config, gpus, devices: devices.iter().map(|(d, _)| *d).collect() });
    }
    Nodes { gpus_per_node: per_node, nodes, configs }
}

/// The name of the `k`-th node a move adds, after `running_nodes` running ones: from
/// `--node-names` (which, when the running plan names its own nodes, names only the new ones),
/// else a placeholder `node-N`.
pub fn new_node_name(running: &Plan, options: &ExportOptions, running_nodes: usize, k: usize) -> String {
    let named = running.gpus.iter().any(|g| g.node.is_some());
    let index = if named { k } else { running_nodes + k };
    options.node_names.get(index).cloned().unwrap_or_else(|| format!("node-{}", running_nodes + k + 1))
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

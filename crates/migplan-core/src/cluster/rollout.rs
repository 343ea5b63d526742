//! A move as an operator applies it: for each step, the nodes it repartitions (each with the
//! mig-parted config it gets and the Deployments whose pods must leave it first), and the
//! replicas of every Deployment after the step.
//!
//! mig-parted takes counts per GPU, and recreates every instance of a GPU whose counts
//! change: so a step repartitions a GPU when its counts change, and every pod on it must go
//! first. Kubernetes does not say which GPU of a node a pod's MIG device is on, so on a node
//! being repartitioned the pods of every profile the changing GPUs hold are restarted (pods
//! of other profiles keep running). A GPU the move removes keeps its partitioning, idle;
//! GPUs the move adds (borrowed spares too) are on new nodes after the running ones.

use std::collections::{BTreeMap, BTreeSet};

use crate::export::kubernetes::{deployment_names, InstanceKind};
use crate::export::nodes::{self, config_name, Counts, DeviceEntry};
use crate::export::options::ExportOptions;
use crate::moves::replay::replay;
use crate::plan::transition::{Action, Transition};
use crate::plan::{Plan, PlanInstance};

/// One node the move touches.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutNode {
    pub name: String,
    /// GPU ids by device: `(device, GPU id)`.
    pub devices: Vec<(usize, usize)>,
    /// A node the move adds: it must exist before the move, with its GPUs.
    pub new: bool,
    /// Whether a config may say `devices: all` for it.
    full: bool,
}

/// What one step does to one node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeChange {
    /// Index into [`Rollout::nodes`].
    pub node: usize,
    /// The config the node is labelled with: a name of [`Rollout::configs`].
    pub config: String,
    /// The devices whose partitioning changes.
    pub devices: Vec<usize>,
    /// The Deployments whose pods on this node are restarted first.
    pub restart: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RolloutStep {
    pub nodes: Vec<NodeChange>,
    /// Every Deployment's replicas after the step.
    pub replicas: BTreeMap<String, usize>,
}

/// A move as node configs, pod restarts and replicas.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    pub nodes: Vec<RolloutNode>,
    /// Every config a node gets during the move, in order of first use.
    pub configs: Vec<(String, Vec<DeviceEntry>)>,
    pub steps: Vec<RolloutStep>,
    /// Every Deployment of the move, by name, and its kind.
    pub deployments: BTreeMap<String, InstanceKind>,
    /// The replicas before the move (the running plan's).
    pub replicas_before: BTreeMap<String, usize>,
}

/// The name of the `k`-th node a move adds, after `running_nodes` running ones: from
/// `--node-names` (which, when the running plan names its own nodes, names only the new ones),
/// else a placeholder `node-N`.
pub fn new_node_name(running: &Plan, options: &ExportOptions, running_nodes: usize, k: usize) -> String {
    let named = running.gpus.iter().any(|g| g.node.is_some());
    let index = if named { k } else { running_nodes + k };
    options.node_names.get(index).cloned().unwrap_or_else(|| format!("node-{}", running_nodes + k + 1))
}

/// The kind of instance a plan instance is; `None` for an idle one.
pub fn kind_of(i: &PlanInstance) -> Option<InstanceKind> {
    Some(InstanceKind {
        model: i.model.clone()?,
        profile: i.profile.clone(),
        batch: i.batch,
        processes: i.processes.unwrap_or(1),
    })
}

fn counts_of(instances: &[PlanInstance]) -> Counts {
    let mut c = Counts::new();
    for i in instances {
        *c.entry(i.profile.clone()).or_default() += 1;
    }
    c
}

/// The rollout of `transition` from `running`. `taken`: config names already in use in the
/// cluster, which the move's configs must not reuse.
pub fn rollout(running: &Plan, transition: &Transition, options: &ExportOptions, taken: &BTreeSet<String>) -> Rollout {
    let states = replay(running, &transition.steps);
    let assigned = nodes::assign(running, options);
    let named = running.gpus.iter().any(|g| g.node.is_some());
    let mut node_list: Vec<RolloutNode> = assigned
        .nodes
        .iter()
        .map(|n| RolloutNode {
            name: n.name.clone(),
            devices: n.devices.iter().copied().zip(n.gpus.iter().copied()).collect(),
            new: false,
            full: !named && n.gpus.len() == assigned.gpus_per_node,
        })
        .collect();
    let mut added: Vec<usize> = Vec::new();
    for a in transition.steps.iter().flat_map(|s| &s.actions) {
        if let Action::AddGpu { gpu, .. } = a {
            if !added.contains(gpu) {
                added.push(*gpu);
            }
        }
    }
    let per_node = assigned.gpus_per_node.max(1);
    for (k, ids) in added.chunks(per_node).enumerate() {
        node_list.push(RolloutNode {
            name: new_node_name(running, options, assigned.nodes.len(), k),
            devices: ids.iter().copied().enumerate().collect(),
            new: true,
            full: ids.len() == per_node,
        });
    }
    // Each GPU's counts after each step; one not yet added has none. A GPU the move removes
    // is not repartitioned to lose instances (it leaves with them, idle; its pods go as the
    // Deployments scale down), so it keeps its counts until it gains one.
    let removed: BTreeSet<usize> = transition
        .steps
        .iter()
        .flat_map(|s| &s.actions)
        .filter_map(|a| if let Action::RemoveGpu { gpu } = a { Some(*gpu) } else { None })
        .collect();
    let mut last: BTreeMap<usize, Counts> = BTreeMap::new();
    let mut counts: Vec<BTreeMap<usize, Counts>> = Vec::new();
    for state in &states {
        for (id, instances) in state {
            let now = counts_of(instances);
            let before = last.get(id);
            let only_lost = before.is_some_and(|b| now.iter().all(|(p, n)| b.get(p).is_some_and(|had| had >= n)));
            if !(removed.contains(id) && only_lost) {
                last.insert(*id, now);
            }
        }
        counts.push(last.clone());
    }
    let kinds_in = |k: usize| -> BTreeMap<InstanceKind, usize> {
        let mut m = BTreeMap::new();
        for i in states[k].values().flatten() {
            if let Some(kind) = kind_of(i) {
                *m.entry(kind).or_default() += 1;
            }
        }
        m
    };
    let per_state: Vec<BTreeMap<InstanceKind, usize>> = (0..states.len()).map(kinds_in).collect();
    let names = deployment_names(per_state.iter().flat_map(|m| m.keys()));
    let replicas = |k: usize| -> BTreeMap<String, usize> {
        names.iter().map(|(kind, name)| (name.clone(), per_state[k].get(kind).copied().unwrap_or(0))).collect()
    };
    let mut configs: Vec<(String, Vec<DeviceEntry>)> = Vec::new();
    let mut steps = Vec::new();
    for k in 1..states.len() {
        let mut changes = Vec::new();
        for (n, node) in node_list.iter().enumerate() {
            let count = |step: usize, id: &usize| counts[step].get(id).cloned().unwrap_or_default();
            let devices: Vec<usize> =
                node.devices.iter().filter(|(_, id)| count(k, id) != count(k - 1, id)).map(|(d, _)| *d).collect();
            if devices.is_empty() {
                continue;
            }
            let entries =
                nodes::entries(&node.devices.iter().map(|(d, id)| (*d, count(k, id))).collect::<Vec<_>>(), node.full);
            let config = match configs.iter().find(|(_, e)| *e == entries) {
                Some((name, _)) => name.clone(),
                None => {
                    let name =
                        (0..).map(config_name).find(|c| !taken.contains(c) && !configs.iter().any(|(n, _)| n == c));
                    let name = name.expect("config names never run out");
                    configs.push((name.clone(), entries));
                    name
                }
            };
            // What the GPUs hold before the step (a GPU the move removes may hold more than
            // the plan's state says: it was left partitioned).
            let changing: BTreeSet<String> = node
                .devices
                .iter()
                .filter(|(d, _)| devices.contains(d))
                .flat_map(|(_, id)| count(k - 1, id).into_keys())
                .collect();
            let restart = names
                .iter()
                .filter(|(kind, _)| per_state[k - 1].contains_key(*kind) && changing.contains(&kind.profile))
                .map(|(_, name)| name.clone())
                .collect();
            changes.push(NodeChange { node: n, config, devices, restart });
        }
        steps.push(RolloutStep { nodes: changes, replicas: replicas(k) });
    }
    let replicas_before = replicas(0);
    Rollout {
        nodes: node_list,
        configs,
        steps,
        deployments: names.into_iter().map(|(kind, name)| (name, kind)).collect(),
        replicas_before,
    }
}

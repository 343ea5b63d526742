//! The plan's GPUs assigned to nodes of `gpus_per_node` GPUs, so that nodes with the same
//! layouts share one mig-parted config.
//!
//! mig-parted takes counts per device, not placements, so a GPU's layout here is the count of
//! each profile on it, idle instances included. The plan needs ceil(GPUs / per node) nodes.
//! Two orders are tried and the one with fewer distinct node configs kept (ties: the first):
//! *uniform first* (as many full nodes of one layout as possible, then the rest in layout
//! order) and *balanced* (the same share of every layout on every node, then the rest). Both
//! are pure functions of the plan and the options; neither is a proof of the fewest configs.
//! A node holds GPUs of one type: a plan over several types fills each type's nodes in turn
//! (in order of the types' first GPUs).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::export::options::ExportOptions;
use crate::plan::{Plan, PlanGpu};
use crate::sorting;

/// Profile name to count, idle instances included: what mig-parted is told for one GPU.
pub type Counts = BTreeMap<String, u32>;

/// Which GPUs of a node an entry applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Devices {
    /// Every GPU of the node: only for a full node whose GPUs all have one layout.
    All,
    /// Device indices on the node, each below the GPUs per node.
    List(Vec<usize>),
}

/// One entry of a mig-parted config: these devices get these profile counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceEntry {
    pub devices: Devices,
    pub counts: Counts,
}

/// A named mig-parted config, shared by every node with the same entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConfig {
    pub name: String,
    pub entries: Vec<DeviceEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The node's name: from the options, or a placeholder `node-N`.
    pub name: String,
    /// The name of its config in [`Nodes::configs`].
    pub config: String,
    /// The plan GPU ids on this node, in device order.
    pub gpus: Vec<usize>,
    /// The device index of each of `gpus` on the node: `0, 1, ..` unless the plan says where
    /// its GPUs are (`node` and `device`, as `migplan cluster` reads them).
    pub devices: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nodes {
    pub gpus_per_node: usize,
    pub nodes: Vec<Node>,
    pub configs: Vec<NodeConfig>,
}

/// The profile counts of one GPU.
pub fn counts(gpu: &PlanGpu) -> Counts {
    let mut counts = Counts::new();
    for i in &gpu.instances {
        *counts.entry(i.profile.clone()).or_default() += 1;
    }
    counts
}

/// The stable readable name of the `index`-th config: `migplan-a` .. `migplan-z`,
/// `migplan-aa`, `migplan-ab`, ..
pub fn config_name(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.reverse();
    format!("migplan-{}", String::from_utf8(letters).expect("ASCII letters"))
}

/// Assigns the plan's GPUs to nodes: the nodes and devices the plan names when every GPU
/// names them, else nodes of `options.gpus_per_node`.
pub fn assign(plan: &Plan, options: &ExportOptions) -> Nodes {
    if !plan.gpus.is_empty() && plan.gpus.iter().all(|g| g.node.is_some() && g.device.is_some()) {
        return named(plan);
    }
    let per_node = options.gpus_per_node.max(1);
    // Each GPU's counts once: the orders tried and the configs all read them.
    let gpu_counts: Vec<Counts> = plan.gpus.iter().map(counts).collect();
    let mut by_type: Vec<(&str, Vec<usize>)> = Vec::new();
    for (position, g) in plan.gpus.iter().enumerate() {
        let t = g.gpu.as_deref().unwrap_or(&plan.gpu);
        match by_type.iter_mut().find(|(u, _)| u.eq_ignore_ascii_case(t)) {
            Some((_, positions)) => positions.push(position),
            None => by_type.push((t, vec![position])),
        }
    }
    let mut configs: Vec<NodeConfig> = Vec::new();
    let mut nodes = Vec::new();
    for (_, positions) in by_type {
        for members in one_type_nodes(&gpu_counts, &positions, per_node) {
            let config = config_named(&mut configs, node_entries(&gpu_counts, &members, per_node));
            let i = nodes.len();
            let name = options.node_names.get(i).cloned().unwrap_or_else(|| format!("node-{}", i + 1));
            let gpus: Vec<usize> = members.iter().map(|&p| plan.gpus[p].id).collect();
            nodes.push(Node { name, config, devices: (0..gpus.len()).collect(), gpus });
        }
    }
    Nodes { gpus_per_node: per_node, nodes, configs }
}

/// The GPUs at `positions` (of one type) in nodes, by the order of the two with fewer distinct
/// configs.
fn one_type_nodes(gpu_counts: &[Counts], positions: &[usize], per_node: usize) -> Vec<Vec<usize>> {
    // Layouts in order of first appearance, each with the plan GPUs (by position) of it.
    let mut layouts: Vec<(Counts, Vec<usize>)> = Vec::new();
    let mut layout_of: HashMap<&Counts, usize> = HashMap::new();
    for &position in positions {
        let c = &gpu_counts[position];
        match layout_of.get(c) {
            Some(&k) => layouts[k].1.push(position),
            None => {
                layout_of.insert(c, layouts.len());
                layouts.push((c.clone(), vec![position]));
            }
        }
    }
    let uniform = uniform_first(&layouts, per_node);
    let balanced = balanced(&layouts, per_node, positions.len().div_ceil(per_node));
    let score = |nodes: &[Vec<usize>]| distinct_configs(gpu_counts, nodes, per_node).len();
    if score(&balanced) < score(&uniform) {
        balanced
    } else {
        uniform
    }
}

/// The nodes a plan names, in order of first appearance, each with its GPUs by device. A
/// named node's entries list its devices (never `all`): the plan may leave out GPUs of the
/// node that run without MIG.
fn named(plan: &Plan) -> Nodes {
    let mut members: Vec<(&str, Vec<(usize, usize)>)> = Vec::new();
    for g in &plan.gpus {
        let (Some(node), Some(device)) = (g.node.as_deref(), g.device) else { continue };
        match members.iter_mut().find(|(n, _)| *n == node) {
            Some((_, list)) => list.push((device, g.id)),
            None => members.push((node, vec![(device, g.id)])),
        }
    }
    let counts_of: BTreeMap<usize, Counts> = sorting::map_of(plan.gpus.iter().map(|g| (g.id, counts(g))));
    let mut configs: Vec<NodeConfig> = Vec::new();
    let mut nodes = Vec::new();
    let mut per_node = 1;
    for (name, mut list) in members {
        sorting::sort_by_key(&mut list, |&(device, _)| device);
        per_node = per_node.max(list.last().map_or(0, |&(device, _)| device + 1));
        let devices: Vec<(usize, Counts)> = list.iter().map(|&(d, id)| (d, counts_of[&id].clone())).collect();
        let config = config_named(&mut configs, entries(&devices, false));
        nodes.push(Node {
            name: name.to_string(),
            config,
            gpus: list.iter().map(|&(_, id)| id).collect(),
            devices: list.iter().map(|&(d, _)| d).collect(),
        });
    }
    Nodes { gpus_per_node: per_node, nodes, configs }
}

/// The name of the config with these entries among `configs`, added (named in order) when new.
pub fn config_named(configs: &mut Vec<NodeConfig>, entries: Vec<DeviceEntry>) -> String {
    if let Some(c) = configs.iter().find(|c| c.entries == entries) {
        return c.name.clone();
    }
    let name = config_name(configs.len());
    configs.push(NodeConfig { name: name.clone(), entries });
    name
}

/// Full nodes of one layout first, then the rest in layout order.
fn uniform_first(layouts: &[(Counts, Vec<usize>)], per_node: usize) -> Vec<Vec<usize>> {
    let mut nodes = Vec::new();
    let mut rest = Vec::new();
    for (_, members) in layouts {
        let full = members.len() / per_node * per_node;
        nodes.extend(members[..full].chunks(per_node).map(<[usize]>::to_vec));
        rest.extend_from_slice(&members[full..]);
    }
    nodes.extend(rest.chunks(per_node).map(<[usize]>::to_vec));
    nodes
}

/// Every node gets the same share of each layout; what is left fills the nodes in order.
fn balanced(layouts: &[(Counts, Vec<usize>)], per_node: usize, node_count: usize) -> Vec<Vec<usize>> {
    if node_count == 0 {
        return Vec::new();
    }
    let mut nodes = vec![Vec::new(); node_count];
    let mut rest = Vec::new();
    for (_, members) in layouts {
        let share = members.len() / node_count;
        for (n, node) in nodes.iter_mut().enumerate() {
            node.extend_from_slice(&members[n * share..(n + 1) * share]);
        }
        rest.extend_from_slice(&members[node_count * share..]);
    }
    let mut rest = rest.into_iter();
    for node in &mut nodes {
        while node.len() < per_node {
            match rest.next() {
                Some(p) => node.push(p),
                None => break,
            }
        }
    }
    debug_assert!(rest.next().is_none(), "ceil(GPUs / per node) nodes hold every GPU");
    // Keep each node's GPUs grouped by layout, in layout order.
    let order: BTreeMap<usize, usize> =
        sorting::map_of(layouts.iter().enumerate().flat_map(|(k, (_, members))| members.iter().map(move |&p| (p, k))));
    for node in &mut nodes {
        sorting::sort_by_key(node, |p| (order[p], *p));
    }
    nodes
}

/// The distinct configs of `nodes` (a set, so that thousands of nodes stay linear).
fn distinct_configs(gpu_counts: &[Counts], nodes: &[Vec<usize>], per_node: usize) -> HashSet<Vec<DeviceEntry>> {
    nodes.iter().map(|members| node_entries(gpu_counts, members, per_node)).collect()
}

/// The entries of one node: one per layout, with the device indices holding it; `all` when
/// the node is full and of one layout.
fn node_entries(gpu_counts: &[Counts], members: &[usize], per_node: usize) -> Vec<DeviceEntry> {
    let devices: Vec<(usize, Counts)> = members.iter().enumerate().map(|(d, &p)| (d, gpu_counts[p].clone())).collect();
    entries(&devices, devices.len() == per_node)
}

/// The entries of a node whose devices (index, counts) have these counts, in device order;
/// `full`: the devices are all the node has, so one layout on all of them is `all`.
pub fn entries(devices: &[(usize, Counts)], full: bool) -> Vec<DeviceEntry> {
    let mut entries: Vec<DeviceEntry> = Vec::new();
    for (device, c) in devices {
        match entries.iter_mut().find(|e| e.counts == *c) {
            Some(DeviceEntry { devices: Devices::List(list), .. }) => list.push(*device),
            _ => entries.push(DeviceEntry { devices: Devices::List(vec![*device]), counts: c.clone() }),
        }
    }
    if full && entries.len() == 1 {
        entries[0].devices = Devices::All;
    }
    entries
}

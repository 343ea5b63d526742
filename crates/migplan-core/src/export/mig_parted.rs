//! mig-parted's v1 config for the plan's nodes, and the GPU Operator's ConfigMap around it.
//!
//! Only the keys mig-parted's v1 spec accepts are written (`version`, `mig-configs`; per
//! entry `devices`, `mig-enabled`, `mig-devices`), through `yaml_serde`. mig-parted takes
//! counts, not placements: it recreates the counts in an order the driver accepts, which for
//! a layout the catalog allows reaches a placement of the same counts (largest first).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::json;

use crate::export::kubernetes::GPU_LABEL;
use crate::export::nodes::{Counts, Devices, Nodes};
use crate::plan::Plan;

/// The ConfigMap the GPU Operator's MIG manager reads (`migManager.config.name`).
pub const CONFIG_MAP_NAME: &str = "migplan-mig-config";
/// The namespace the ConfigMap goes in: the GPU Operator's.
pub const OPERATOR_NAMESPACE: &str = "gpu-operator";
/// The config for GPU nodes left unlabelled (the operator's `migManager.config.default`).
pub const DEFAULT_CONFIG: &str = "all-disabled";

impl Serialize for Devices {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Devices::All => serializer.serialize_str("all"),
            Devices::List(list) => {
                let mut seq = serializer.serialize_seq(Some(list.len()))?;
                for d in list {
                    seq.serialize_element(d)?;
                }
                seq.end()
            }
        }
    }
}

#[derive(Serialize)]
struct Entry<'a> {
    devices: &'a Devices,
    #[serde(rename = "mig-enabled")]
    mig_enabled: bool,
    #[serde(rename = "mig-devices", skip_serializing_if = "Option::is_none")]
    mig_devices: Option<&'a Counts>,
}

/// The whole file; configs keep their order (a..z, aa, ..), which a sorted map would not.
#[derive(Serialize)]
struct MigPartedFile<'a> {
    version: &'static str,
    #[serde(rename = "mig-configs", serialize_with = "ordered")]
    mig_configs: Vec<(String, Vec<Entry<'a>>)>,
}

fn ordered<S: Serializer>(configs: &[(String, Vec<Entry<'_>>)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(configs.len()))?;
    for (name, entries) in configs {
        map.serialize_entry(name, entries)?;
    }
    map.end()
}

const ALL: Devices = Devices::All;

fn file(nodes: &Nodes, with_default: bool) -> String {
    let mut mig_configs: Vec<(String, Vec<Entry>)> = nodes
        .configs
        .iter()
        .map(|c| {
            let entries = c
                .entries
                .iter()
                .map(|e| Entry { devices: &e.devices, mig_enabled: true, mig_devices: Some(&e.counts) })
                .collect();
            (c.name.clone(), entries)
        })
        .collect();
    if with_default {
        mig_configs
            .push((DEFAULT_CONFIG.to_string(), vec![Entry { devices: &ALL, mig_enabled: false, mig_devices: None }]));
    }
    yaml_serde::to_string(&MigPartedFile { version: "v1", mig_configs }).expect("a config always serializes")
}

/// The mig-parted config: one named config per distinct node.
/// Apply on a node with `nvidia-mig-parted apply -f FILE -c NAME`.
pub fn mig_parted(nodes: &Nodes) -> String {
    file(nodes, false)
}

/// The GPU Operator's ConfigMap (the config under `config.yaml`, plus `all-disabled` for
/// unlabelled nodes, the operator's default), preceded by comments giving the Helm value
/// and one `kubectl label` line per node.
pub fn gpu_operator(plan: &Plan, nodes: &Nodes) -> String {
    // Each node's GPU type, by its first GPU (a node holds one type; a GPU a move adds is of
    // the plan's `gpu` unless the plan says otherwise).
    let type_of = |node: &crate::export::nodes::Node| -> String {
        let first = node.gpus.first().and_then(|id| plan.gpus.iter().find(|g| g.id == *id));
        first.and_then(|g| g.gpu.clone()).unwrap_or_else(|| plan.gpu.clone()).to_ascii_lowercase()
    };
    let mut fleet: Vec<(String, usize)> = Vec::new();
    for node in &nodes.nodes {
        let t = type_of(node);
        match fleet.iter_mut().find(|(u, _)| *u == t) {
            Some((_, n)) => *n += node.gpus.len(),
            None => fleet.push((t, node.gpus.len())),
        }
    }
    let mixed = fleet.len() > 1;
    let fleet: Vec<String> = fleet.iter().map(|(t, n)| format!("{n} x {t}")).collect();
    let fleet = if fleet.is_empty() { format!("0 x {}", plan.gpu) } else { fleet.join(" + ") };
    let config_map = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": CONFIG_MAP_NAME, "namespace": OPERATOR_NAMESPACE},
        "data": {"config.yaml": file(nodes, true)},
    });
    let mut text = String::new();
    let mut line = |l: String| {
        text.push_str(l.trim_end());
        text.push('\n');
    };
    line(format!(
        "# migplan: {fleet} on {} node{} ({} GPUs per node), {} node config{}.",
        // The GPUs on these nodes: the plan's, or those a move repartitions and adds.
        nodes.nodes.len(),
        if nodes.nodes.len() == 1 { "" } else { "s" },
        nodes.gpus_per_node,
        nodes.configs.len(),
        if nodes.configs.len() == 1 { "" } else { "s" }
    ));
    line("# 1. Create this ConfigMap in the GPU Operator's namespace:".into());
    line("#      kubectl apply -f THIS_FILE".into());
    line("# 2. Point the MIG manager at it (Helm value; the default config is in it too):".into());
    line(format!("#      helm upgrade gpu-operator nvidia/gpu-operator -n {OPERATOR_NAMESPACE} --reuse-values \\"));
    line(format!(
        "#        --set migManager.config.name={CONFIG_MAP_NAME} --set migManager.config.default={DEFAULT_CONFIG}"
    ));
    line("# 3. Drain each node of GPU workloads, then label it with its config:".into());
    for node in &nodes.nodes {
        // A mixed plan's pods select their nodes by GPU type (the Kubernetes export).
        let gpu_label = if mixed { format!(" {GPU_LABEL}={}", type_of(node)) } else { String::new() };
        line(format!(
            "#      kubectl label node {} nvidia.com/mig.config={}{gpu_label} --overwrite",
            node.name, node.config
        ));
    }
    line("#    and watch nvidia.com/mig.config.state reach `success`.".into());
    line("# Plan GPU ids on each node, as device indices 0, 1, ..:".into());
    for node in &nodes.nodes {
        let ids: Vec<String> = node.gpus.iter().map(usize::to_string).collect();
        line(format!("#      {} ({}): {}", node.name, node.config, ids.join(", ")));
    }
    text + &yaml_serde::to_string(&config_map).expect("a ConfigMap always serializes")
}

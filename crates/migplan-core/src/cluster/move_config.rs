//! The mig-parted config of a move: every config the cluster's nodes are labelled with now,
//! kept as they are, and the configs the move's steps give the nodes they repartition, under
//! names the cluster does not use yet. One file serves the whole move: pointing the MIG manager
//! at it changes nothing on a node until the node is relabelled.

use std::collections::BTreeSet;

use serde_json::{json, Value as Json};
use yaml_serde::{Mapping, Value};

use crate::cluster::mig_config::MigConfig;
use crate::cluster::rollout::{rollout, Rollout};
use crate::export::mig_parted::{CONFIG_MAP_NAME, DEFAULT_CONFIG, OPERATOR_NAMESPACE};
use crate::export::nodes::{self, DeviceEntry, Devices};
use crate::export::options::ExportOptions;
use crate::plan::transition::Transition;
use crate::plan::Plan;

/// The ConfigMap the GPU Operator ships and resets: a move's configs go in one of their own.
pub const OPERATOR_DEFAULT_CONFIG_MAP: &str = "default-mig-parted-config";

/// A move's configs and where they go.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveConfig {
    pub rollout: Rollout,
    /// The ConfigMap (name, namespace) the MIG manager must read during the move.
    pub config_map: (String, String),
    /// The mig-parted file: the cluster's configs, then the move's.
    pub file: String,
    /// How many configs of the file the cluster had before the move.
    pub kept: usize,
}

fn entry_json(e: &DeviceEntry) -> Json {
    let devices = match &e.devices {
        Devices::All => json!("all"),
        Devices::List(list) => json!(list),
    };
    json!({"devices": devices, "mig-enabled": true, "mig-devices": e.counts})
}

/// The move's configs. `current`: the config the cluster's nodes are labelled from now (as
/// `migplan cluster` read it); without it, the running plan is taken as deployed by
/// `migplan export` with these options (its configs `migplan-a`, .. and `all-disabled`).
pub fn move_config(
    running: &Plan,
    transition: &Transition,
    options: &ExportOptions,
    current: Option<&MigConfig>,
) -> MoveConfig {
    let mut kept = Mapping::new();
    match current {
        Some(c) => kept = c.raw.clone(),
        None => {
            for c in nodes::assign(running, options).configs {
                let entries: Vec<Json> = c.entries.iter().map(entry_json).collect();
                kept.insert(Value::String(c.name), yaml_serde::to_value(entries).expect("entries are YAML"));
            }
            let disabled = json!([{"devices": "all", "mig-enabled": false}]);
            kept.insert(Value::String(DEFAULT_CONFIG.into()), yaml_serde::to_value(disabled).expect("YAML"));
        }
    }
    let taken: BTreeSet<String> = kept.keys().filter_map(|k| k.as_str().map(str::to_string)).collect();
    let rollout = rollout(running, transition, options, &taken);
    let mut configs = kept.clone();
    for (name, entries) in &rollout.configs {
        let entries: Vec<Json> = entries.iter().map(entry_json).collect();
        configs.insert(Value::String(name.clone()), yaml_serde::to_value(entries).expect("entries are YAML"));
    }
    let mut file = Mapping::new();
    file.insert("version".into(), "v1".into());
    file.insert("mig-configs".into(), Value::Mapping(configs));
    let config_map = match current.and_then(|c| c.config_map.clone()) {
        Some((name, namespace)) if name != OPERATOR_DEFAULT_CONFIG_MAP => (name, namespace),
        Some((_, namespace)) => (CONFIG_MAP_NAME.to_string(), namespace),
        None => (CONFIG_MAP_NAME.to_string(), OPERATOR_NAMESPACE.to_string()),
    };
    MoveConfig {
        rollout,
        config_map,
        file: yaml_serde::to_string(&Value::Mapping(file)).expect("a config always serializes"),
        kept: kept.len(),
    }
}

impl MoveConfig {
    /// The ConfigMap holding the file, as YAML.
    pub fn config_map_yaml(&self) -> String {
        let (name, namespace) = &self.config_map;
        let config_map = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace},
            "data": {"config.yaml": self.file},
        });
        yaml_serde::to_string(&config_map).expect("a ConfigMap always serializes")
    }

    /// The nodes the move repartitions at some step (new ones included), in node order.
    pub fn repartitioned(&self) -> Vec<&str> {
        let touched: BTreeSet<usize> = self.rollout.steps.iter().flat_map(|s| s.nodes.iter().map(|c| c.node)).collect();
        touched.iter().map(|&n| self.rollout.nodes[n].name.as_str()).collect()
    }

    /// The move's deploy config for `--export mig-parted|gpu-operator` and the page: a first
    /// line saying how many nodes it repartitions, the label commands of each step as
    /// comments, then the file (`operator`: the ConfigMap holding it).
    pub fn render(&self, operator: bool) -> String {
        let running = self.rollout.nodes.iter().filter(|n| !n.new).count();
        let changed = self.repartitioned();
        let mut text = format!(
            "# migplan move: {} node{} to repartition (of {running} running; new nodes included); the others keep their config.\n",
            changed.len(),
            if changed.len() == 1 { "" } else { "s" },
        );
        text += &format!(
            "# The first {} configs are the cluster's own, kept so that the nodes not repartitioned keep theirs;\n\
             # the MIG manager must read this file (ConfigMap {} in namespace {}).\n",
            self.kept, self.config_map.0, self.config_map.1
        );
        for (k, step) in self.rollout.steps.iter().enumerate() {
            for c in &step.nodes {
                let node = &self.rollout.nodes[c.node].name;
                text += &format!(
                    "# step {}: kubectl label node {node} nvidia.com/mig.config={} --overwrite\n",
                    k + 1,
                    c.config
                );
            }
        }
        text + &if operator { self.config_map_yaml() } else { self.file.clone() }
    }
}

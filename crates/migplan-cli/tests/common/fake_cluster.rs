//! A GPU Operator cluster in a JSON file, run by the fake kubectl of tests/fake-kubectl:
//! building it from a plan as migplan's exports deploy it, and reading what it serves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migplan_core::cluster::mig_config::{self, DeviceConfig};
use migplan_core::export::kubernetes::{deployment_names, instance_kinds};
use migplan_core::export::nodes::assign;
use migplan_core::export::ExportOptions;
use migplan_core::hardware::catalog;
use migplan_core::plan::{Plan, PlanInstance};
use migplan_core::problem::input::{ProfileRow, WorkloadRow};
use serde_json::{json, Value};

use super::{stderr, stdout};

pub const NODES: [&str; 2] = ["node-1", "node-2"];
pub const SPARE_NODE: &str = "node-3";
pub const GPUS_PER_NODE: usize = 4;

pub fn fake_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-kubectl")
}

pub fn path_with_fake() -> String {
    format!("{}:{}", fake_dir().display(), std::env::var("PATH").unwrap_or_default())
}

pub fn kubectl(state: &Path, args: &[&str]) -> String {
    let o = Command::new(fake_dir().join("kubectl")).args(args).env("FAKE_CLUSTER", state).output().unwrap();
    assert!(o.status.success(), "kubectl {args:?}: {}", stderr(&o));
    String::from_utf8(o.stdout).unwrap()
}

pub fn bash(script: &Path, state: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("bash");
    c.arg(script).env("FAKE_CLUSTER", state).env("PATH", path_with_fake()).env("POLL", "0").env("TIMEOUT", "30");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each config of `config_map` resolved for each node, device by device: counts, `{}` for MIG
/// disabled, `null` for a device the config leaves alone.
pub fn resolved(config_map: &str, nodes: usize) -> Value {
    let config = mig_config::read("config", config_map).unwrap();
    let a100 = catalog::gpu("a100-40gb").unwrap();
    let mut out = serde_json::Map::new();
    for name in config.configs.keys() {
        let mut per_node = serde_json::Map::new();
        for node in NODES.iter().chain([&SPARE_NODE]).take(nodes) {
            let devices: Vec<Value> = (0..GPUS_PER_NODE)
                .map(|d| match config.device(name, d, &a100.pci_ids).unwrap() {
                    DeviceConfig::Untouched => Value::Null,
                    DeviceConfig::MigDisabled => json!({}),
                    DeviceConfig::Mig(c) => json!(c),
                })
                .collect();
            per_node.insert(node.to_string(), json!(devices));
        }
        out.insert(name.clone(), json!(per_node));
    }
    Value::Object(out)
}

/// The fake cluster running `plan` as migplan's exports deploy it, plus an empty spare node.
pub fn deployed(plan: &Plan, options: &ExportOptions, config_map: &str) -> Value {
    let nodes = assign(plan, options);
    let kinds = instance_kinds(plan);
    let names = deployment_names(kinds.keys());
    let mut fake_nodes = serde_json::Map::new();
    let mut pods = Vec::new();
    let labels = |config: &str| {
        json!({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": GPUS_PER_NODE.to_string(),
               "nvidia.com/mig.config": config, "nvidia.com/mig.config.state": "success", "nvidia.com/mig.strategy": "mixed"})
    };
    for node in &nodes.nodes {
        let mut gpus: Vec<Vec<String>> = vec![Vec::new(); GPUS_PER_NODE];
        for (device, id) in node.gpus.iter().enumerate() {
            let g = plan.gpus.iter().find(|g| g.id == *id).unwrap();
            let mut profiles: Vec<&PlanInstance> = g.instances.iter().collect();
            profiles.sort_by(|a, b| a.profile.cmp(&b.profile));
            for (slot, i) in profiles.iter().enumerate() {
                gpus[device].push(i.profile.clone());
                if let Some(kind) = migplan_core::cluster::rollout::kind_of(i) {
                    let deployment = &names[&kind];
                    pods.push(json!({"name": format!("{deployment}-{}", pods.len()), "deployment": deployment,
                                     "node": node.name, "device": device, "slot": slot}));
                }
            }
            gpus[device].sort();
        }
        fake_nodes
            .insert(node.name.clone(), json!({"labels": labels(&node.config), "unschedulable": false, "gpus": gpus}));
    }
    fake_nodes.insert(SPARE_NODE.into(), json!({"labels": labels("all-disabled"), "unschedulable": false, "gpus": vec![Vec::<String>::new(); GPUS_PER_NODE]}));
    let deployments: serde_json::Map<String, Value> = kinds
        .iter()
        .map(|(kind, replicas)| {
            (names[kind].clone(), json!({"namespace": "default", "replicas": replicas, "profile": kind.profile, "model": kind.model, "batch": kind.batch}))
        })
        .collect();
    let config_names = mig_config::read("config", config_map).unwrap().configs.keys().cloned().collect::<Vec<_>>();
    json!({"nodes": fake_nodes, "pods": pods, "deployments": deployments, "seq": 1000, "log": [], "pending": [],
           "configs": resolved(config_map, 3), "config_maps": {"migplan-mig-config": config_names},
           "operator_reads": "migplan-mig-config", "annotations": {}})
}

/// What each running pod serves per model, from the best profile row of its kind within the SLO.
pub fn capacity(state: &Value, profiles: &[ProfileRow], workload: &[WorkloadRow]) -> BTreeMap<String, f64> {
    let mut served = BTreeMap::new();
    for pod in state["pods"].as_array().unwrap().iter().filter(|p| !p["node"].is_null()) {
        let d = &state["deployments"][pod["deployment"].as_str().unwrap()];
        let (model, profile, batch) =
            (d["model"].as_str().unwrap(), d["profile"].as_str().unwrap(), d["batch"].as_u64());
        let slo = workload.iter().find(|w| w.model == model).map_or(f64::MAX, |w| w.slo_ms);
        let short = format!("{}g", &profile[..1]);
        let best = profiles
            .iter()
            .filter(|r| r.model == model && (r.profile == profile || r.profile == short) && r.latency_ms <= slo)
            .filter(|r| batch.is_none_or(|b| u64::from(r.batch) == b))
            .map(|r| r.throughput)
            .fold(0.0, f64::max);
        *served.entry(model.to_string()).or_insert(0.0) += best;
    }
    served
}

/// Nodes cordoned or with pods deleted since the log's `from`-th entry.
pub fn drained(state: &Value, from: usize) -> BTreeSet<String> {
    let log = &state["log"].as_array().unwrap()[from..];
    let cordoned = log.iter().filter(|e| e["argv"][0] == "cordon").map(|e| e["argv"][1].as_str().unwrap().to_string());
    let deleted = log.iter().filter(|e| e["event"] == "deleted").map(|e| e["node"].as_str().unwrap().to_string());
    cordoned.chain(deleted).collect()
}

/// Nodes whose GPUs the fake MIG manager recreated since the log's `from`-th entry.
pub fn reconfigured(state: &Value, from: usize) -> BTreeSet<String> {
    let log = &state["log"].as_array().unwrap()[from..];
    log.iter().filter(|e| e["event"] == "reconfigured").map(|e| e["node"].as_str().unwrap().to_string()).collect()
}

pub fn mutations(state: &Value, from: usize) -> Vec<String> {
    let changing = ["cordon", "uncordon", "delete", "label", "scale", "apply", "annotate"];
    state["log"].as_array().unwrap()[from..]
        .iter()
        .filter(|e| e["argv"][0].as_str().is_some_and(|v| changing.contains(&v)))
        .map(|e| e["argv"].to_string())
        .collect()
}

/// Per node: its GPUs' layouts, and the instances of each model (by profile). Kubernetes does
/// not say which GPU of a node a pod is on, so which GPU of a node serves a model is not read.
pub fn by_node(plan: &Value) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut nodes: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for g in plan["gpus"].as_array().unwrap() {
        let instances = g["instances"].as_array().unwrap();
        let mut layout: Vec<&str> = instances.iter().map(|i| i["profile"].as_str().unwrap()).collect();
        layout.sort();
        let node = nodes.entry(g["node"].as_str().unwrap_or("?").to_string()).or_default();
        node.0.push(layout.join(" "));
        let served =
            instances.iter().filter_map(|i| Some(format!("{} {}", i["profile"].as_str()?, i["model"].as_str()?)));
        node.1.extend(served);
    }
    for (layouts, models) in nodes.values_mut() {
        layouts.sort();
        models.sort();
    }
    nodes
}

pub fn shellcheck(script: &Path) {
    match Command::new("shellcheck").arg(script).output() {
        Ok(o) => assert!(o.status.success(), "shellcheck:\n{}", stdout(&o)),
        Err(_) if std::env::var_os("MIGPLAN_REQUIRE_SHELLCHECK").is_none() => println!("skipped: shellcheck missing"),
        Err(e) => panic!("shellcheck is required (MIGPLAN_REQUIRE_SHELLCHECK): {e}"),
    }
}

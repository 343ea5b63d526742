//! The deployment exports read back: every YAML output is parsed with the YAML crate and
//! checked against the plan per node and device, every mig-parted config against the keys
//! and value types of mig-parted's v1 spec (the checker itself is run on NVIDIA's own
//! configs from ../shared/data/formats where it sits beside the checkout), and the
//! manifests against the Kubernetes schemas with `kubernetes-validate` (installed by
//! test.sh; with MIGPLAN_REQUIRE_VALIDATOR=1 its absence fails, else the test says it skipped).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use migplan_core::export::{render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog::gpu;
use migplan_core::hardware::fleet::{Fleet, GpuType};
use migplan_core::plan::Plan;
use migplan_core::problem::generate::{synthetic, synthetic_fleet};
use migplan_core::problem::input::{parse_profiles, parse_workload};
use migplan_core::solve::control::Budget;
use migplan_core::solve::registry::{RunOptions, SolverKind};
use migplan_core::workflow::{self, Request};
use serde::Deserialize;
use yaml_serde::Value;

#[path = "exports/spec.rs"]
mod spec;
use spec::{profile_name_ok, spec_violations};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A greedy plan's request on `fleet`, 5 s.
fn greedy(fleet: Fleet, seed: u64) -> Request {
    let budget = Budget { time_limit: Some(Duration::from_secs(5)), max_iterations: None };
    Request { run: RunOptions { solver: SolverKind::Greedy, budget, seed }, ..Request::on(fleet) }
}

fn plan_of(gpu_id: &str, profiles: &str, workload: &str) -> Plan {
    let profiles = parse_profiles("profiles", profiles).unwrap();
    let workload = parse_workload("workload", workload).unwrap();
    let request = greedy(Fleet::one(gpu(gpu_id).unwrap()), 1);
    workflow::plan(&request, &profiles, &workload, &AtomicBool::new(false), None).unwrap().0
}

/// A generated workload planned on A100-40GB and H100-80GB together (the H100 at 1.75 times
/// the A100's price, twice as fast): a plan of both types.
fn mixed_plan() -> Plan {
    let (a100, h100) = (gpu("a100-40gb").unwrap(), gpu("h100-80gb").unwrap());
    let generated = synthetic_fleet(&a100, &[(h100.clone(), 2.0)], 24, 11);
    let fleet = Fleet::new(vec![GpuType { spec: a100, price: 1.0 }, GpuType { spec: h100, price: 1.75 }]).unwrap();
    let request =
        Request { run: RunOptions { solver: SolverKind::Auto, ..greedy(fleet.clone(), 11).run }, ..Request::on(fleet) };
    let plan = workflow::plan(&request, &generated.profiles, &generated.workload, &AtomicBool::new(false), None);
    let plan = plan.unwrap().0;
    let types: std::collections::BTreeSet<String> = types_of(&plan).into_values().collect();
    assert_eq!(types.len(), 2, "the mixed case plans on both types: {types:?}");
    plan
}

/// Each GPU's type, by id.
fn types_of(plan: &Plan) -> BTreeMap<usize, String> {
    plan.gpus.iter().map(|g| (g.id, g.gpu.clone().unwrap_or(plan.gpu.clone()))).collect()
}

/// The nodes the plan needs: each type's GPUs in nodes of their own.
fn nodes_needed(plan: &Plan, per_node: usize) -> usize {
    let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
    for t in types_of(plan).into_values() {
        *per_type.entry(t).or_default() += 1;
    }
    per_type.values().map(|n| n.div_ceil(per_node)).sum()
}

/// The bundled examples (one with MPS processes), generated workloads on three GPUs, and one
/// on two GPU types together.
fn plans() -> Vec<Plan> {
    let example = |name: &str| std::fs::read_to_string(root().join("static/examples").join(name)).unwrap();
    let mut plans = vec![
        plan_of("a100-40gb", &example("a100-40gb-profiles.csv"), &example("a100-40gb-workload.csv")),
        plan_of("a100-80gb", &example("a100-80gb-parvagpu-profiles.csv"), &example("a100-80gb-parvagpu-workload.csv")),
    ];
    for (gpu_id, models, seed) in [("a100-40gb", 40, 3), ("a30-24gb", 25, 5), ("h100-80gb", 60, 7)] {
        let generated = synthetic(&gpu(gpu_id).unwrap(), models, seed);
        let request = greedy(Fleet::one(gpu(gpu_id).unwrap()), seed);
        let plan = workflow::plan(&request, &generated.profiles, &generated.workload, &AtomicBool::new(false), None);
        plans.push(plan.unwrap().0);
    }
    assert!(plans.iter().any(|p| p.gpus.iter().flat_map(|g| &g.instances).any(|i| i.processes > Some(1))));
    plans.push(mixed_plan());
    plans
}

fn options(per_node: usize) -> ExportOptions {
    ExportOptions { gpus_per_node: per_node, ..ExportOptions::default() }
}

/// The profile counts mig-parted gives device `d` under `config` (the last entry naming it wins).
fn counts_for(config: &Value, d: usize) -> Option<BTreeMap<String, u64>> {
    let mut found = None;
    for entry in config.as_sequence()? {
        let applies = match entry.get("devices")? {
            Value::String(s) => s == "all",
            Value::Sequence(list) => list.iter().any(|x| x.as_u64() == Some(d as u64)),
            _ => false,
        };
        if applies {
            let map = entry.get("mig-devices")?.as_mapping()?;
            found = Some(map.iter().map(|(k, v)| (k.as_str().unwrap().to_string(), v.as_u64().unwrap())).collect());
        }
    }
    found
}

fn plan_counts(plan: &Plan, id: usize) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for i in &plan.gpus.iter().find(|g| g.id == id).unwrap().instances {
        *counts.entry(i.profile.clone()).or_default() += 1;
    }
    counts
}

/// From the GPU Operator output's comments: node, config and the plan GPU ids of each node.
fn node_table(text: &str) -> Vec<(String, String, Vec<usize>)> {
    let labels: BTreeMap<String, String> = text
        .lines()
        .filter_map(|l| l.trim_start_matches(['#', ' ']).strip_prefix("kubectl label node "))
        .map(|l| {
            let mut w = l.split_whitespace();
            let node = w.next().unwrap().to_string();
            (node, w.next().unwrap().strip_prefix("nvidia.com/mig.config=").unwrap().to_string())
        })
        .collect();
    let after = text.split("# Plan GPU ids on each node").nth(1).unwrap();
    let mut table = Vec::new();
    for line in after.lines().skip(1).take_while(|l| l.starts_with('#')) {
        let line = line.trim_start_matches(['#', ' ']);
        let (head, ids) = line.split_once(": ").unwrap();
        let (node, config) = head.split_once(" (").unwrap();
        assert_eq!(labels[node], config.trim_end_matches(')'), "the label line and the table agree");
        table.push((node.to_string(), labels[node].clone(), ids.split(", ").map(|i| i.parse().unwrap()).collect()));
    }
    assert_eq!(table.len(), labels.len());
    table
}

#[test]
fn mig_parted_and_gpu_operator_give_every_device_the_plans_counts() {
    for plan in plans() {
        for per_node in [1, 3, 8] {
            let mig_parted: Value =
                yaml_serde::from_str(&render(&plan, &options(per_node), ExportFormat::MigParted)).unwrap();
            assert_eq!(spec_violations(&mig_parted, Some(per_node)), Vec::<String>::new());
            let operator_text = render(&plan, &options(per_node), ExportFormat::GpuOperator);
            let config_map: Value = yaml_serde::from_str(&operator_text).unwrap();
            assert_eq!(config_map["kind"].as_str(), Some("ConfigMap"));
            let inner: Value = yaml_serde::from_str(config_map["data"]["config.yaml"].as_str().unwrap()).unwrap();
            assert_eq!(spec_violations(&inner, Some(per_node)), Vec::<String>::new());
            let nodes = node_table(&operator_text);
            assert_eq!(nodes.len(), nodes_needed(&plan, per_node), "as few nodes as each type's GPUs need");
            let types = types_of(&plan);
            let mut seen: Vec<usize> = nodes.iter().flat_map(|(_, _, ids)| ids.clone()).collect();
            seen.sort_unstable();
            let mut ids: Vec<usize> = plan.gpus.iter().map(|g| g.id).collect();
            ids.sort_unstable();
            assert_eq!(seen, ids, "every plan GPU on exactly one node");
            for (node, config, gpus) in &nodes {
                assert!(gpus.len() <= per_node);
                let node_type = &types[&gpus[0]];
                assert!(gpus.iter().all(|id| &types[id] == node_type), "{node} holds one GPU type");
                // Every profile the node's config names is one of its type's.
                let spec = gpu(node_type).unwrap();
                for entry in mig_parted["mig-configs"][config.as_str()].as_sequence().unwrap() {
                    for (profile, _) in entry["mig-devices"].as_mapping().unwrap() {
                        let profile = profile.as_str().unwrap();
                        assert!(spec.profile(profile).is_some(), "{node}: {profile} is not a {node_type} profile");
                    }
                }
                for (d, &id) in gpus.iter().enumerate() {
                    for file in [&mig_parted, &inner] {
                        let got = counts_for(&file["mig-configs"][config.as_str()], d);
                        assert_eq!(got, Some(plan_counts(&plan, id)), "{node} device {d} (plan GPU {id})");
                    }
                }
                // No entry of a partly filled node reaches past its GPUs.
                for d in gpus.len()..per_node {
                    assert_eq!(counts_for(&mig_parted["mig-configs"][config.as_str()], d), None);
                }
            }
        }
    }
}

#[test]
fn deployments_run_every_instance_with_its_mig_device() {
    for plan in plans() {
        let text = render(&plan, &ExportOptions::default(), ExportFormat::K8s);
        let mixed = types_of(&plan).values().any(|t| *t != plan.gpu);
        let mut served: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for doc in yaml_serde::Deserializer::from_str(&text) {
            let d = Value::deserialize(doc).unwrap();
            assert_eq!(d["kind"].as_str(), Some("Deployment"));
            let container = &d["spec"]["template"]["spec"]["containers"][0];
            let limits = container["resources"]["limits"].as_mapping().unwrap();
            assert_eq!(limits.len(), 1);
            let (resource, one) = limits.iter().next().unwrap();
            assert_eq!(one.as_u64(), Some(1));
            let profile = resource.as_str().unwrap().strip_prefix("nvidia.com/mig-").unwrap().to_string();
            let env: BTreeMap<&str, &str> = container["env"]
                .as_sequence()
                .unwrap()
                .iter()
                .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
                .collect();
            let model = env["MODEL_NAME"].to_string();
            let gpu_type = d["metadata"]["annotations"]["migplan/gpu"].as_str().unwrap().to_string();
            let selected = d["spec"]["template"]["spec"]["nodeSelector"]["migplan/gpu"].as_str();
            // A mixed plan's pod selects its type's nodes: two types may share a profile name.
            assert_eq!(selected, mixed.then_some(gpu_type.as_str()));
            assert!(gpu(&gpu_type).unwrap().profile(&profile).is_some(), "{profile} is not a {gpu_type} profile");
            *served.entry((model, gpu_type, profile)).or_default() += d["spec"]["replicas"].as_u64().unwrap();
            assert!(env.contains_key("BATCH_SIZE"));
            if let Some(p) = env.get("MPS_PROCESSES") {
                assert!(p.parse::<u32>().unwrap() > 1);
                assert!(d["metadata"]["annotations"]["migplan/mps-processes"].as_str().is_some());
            }
        }
        let mut expected: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for g in &plan.gpus {
            let gpu_type = g.gpu.clone().unwrap_or(plan.gpu.clone());
            for i in &g.instances {
                if let Some(m) = &i.model {
                    *expected.entry((m.clone(), gpu_type.clone(), i.profile.clone())).or_default() += 1;
                }
            }
        }
        assert_eq!(served, expected);
    }
}

#[test]
fn the_spec_checker_accepts_nvidias_own_configs_and_refuses_broken_ones() {
    let bad: Value = yaml_serde::from_str("version: v1\nmig-configs:\n  x:\n  - devices: [8]\n    mig-enabled: true\n    mig-devices: {\"3g.20gb\": 1}\n    extra: 1\n").unwrap();
    assert_eq!(spec_violations(&bad, Some(8)).len(), 2);
    assert!(!profile_name_ok("3g 20gb") && profile_name_ok("1c.2g.10gb") && profile_name_ok("1g.24gb+me.all"));
    let dir = root().join("../shared/data/formats/mig_parted_yaml");
    if !dir.is_dir() {
        eprint_past_capture(&format!(
            "skipped: {} is missing; NVIDIA's example configs sit beside CI's checkout",
            dir.display()
        ));
        return;
    }
    let mut checked = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let value: Value = yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let config = match value.get("kind") {
            Some(_) => yaml_serde::from_str(value["data"]["config.yaml"].as_str().unwrap()).unwrap(),
            None if value.get("migManager").is_some() => {
                yaml_serde::from_str(value["migManager"]["config"]["data"]["config.yaml"].as_str().unwrap()).unwrap()
            }
            None => value,
        };
        assert_eq!(spec_violations(&config, None), Vec::<String>::new(), "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn manifests_pass_the_kubernetes_schemas() {
    let probe = Command::new("kubernetes-validate").arg("--version").output();
    if probe.is_err() {
        assert!(
            std::env::var("MIGPLAN_REQUIRE_VALIDATOR").is_err(),
            "kubernetes-validate is missing: pip install kubernetes-validate (test.sh does)"
        );
        eprint_past_capture("skipped: kubernetes-validate is not installed (test.sh installs it)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("migplan-exports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (n, plan) in plans().iter().enumerate() {
        for format in [ExportFormat::K8s, ExportFormat::GpuOperator] {
            let path = dir.join(format!("{n}-{}.yaml", format.name()));
            std::fs::write(&path, render(plan, &ExportOptions::default(), format)).unwrap();
            files.push(path);
        }
    }
    let validate = |files: &[PathBuf]| {
        Command::new("kubernetes-validate").args(["--strict", "--quiet", "-k", "1.30.0"]).args(files).output().unwrap()
    };
    let out = validate(&files);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // The validator does refuse a manifest with a field Kubernetes does not know.
    let broken = dir.join("broken.yaml");
    let text = std::fs::read_to_string(&files[0]).unwrap().replacen("replicas:", "replicaz:", 1);
    std::fs::write(&broken, text).unwrap();
    assert!(!validate(&[broken]).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Prints straight to standard error, past the test harness's capture, so a skip shows in
/// every run, not only with --nocapture.
fn eprint_past_capture(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

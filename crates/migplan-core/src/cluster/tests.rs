use std::path::PathBuf;

use serde_json::{json, Value};

use super::*;
use crate::export::{render, ExportFormat, ExportOptions};
use crate::plan::{PlanGpu, PlanInstance};

const HOPPER_BLACKWELL: &str =
    include_str!("../../../../tests/fixtures/cluster/mig-parted_nvidia-mig-manager-example-hopper-blackwell.yaml");
const LGI_1G: &str =
    include_str!("../../../../tests/fixtures/cluster/cloud-native-docs_mig-k8s_lgi_a100-40gb_EXCERPT_L68-86.txt");
const LGI_OCP: &str =
    include_str!("../../../../tests/fixtures/cluster/cloud-native-docs_mig-ocp_lgi_a100-40gb_EXCERPT_L249-259.txt");

const CONFIG: &str = "version: v1
mig-configs:
  two-threes:
    - devices: all
      mig-enabled: true
      mig-devices: {\"3g.20gb\": 2}
  mixed:
    - devices: [0]
      mig-enabled: true
      mig-devices: {\"4g.20gb\": 1, \"2g.10gb\": 1, \"1g.5gb\": 1}
    - devices: [1]
      mig-enabled: false
  seven:
    - devices: all
      mig-enabled: true
      mig-devices: {\"1g.5gb\": 7}
  all-2g.10gb:
    - devices: all
      mig-enabled: true
      mig-devices: {\"2g.10gb\": 3}
";

fn node(name: &str, product: &str, config: &str, state: &str, gpus: u32, capacity: &[(&str, u32)]) -> Value {
    let capacity: serde_json::Map<String, Value> =
        capacity.iter().map(|(p, n)| (format!("nvidia.com/mig-{p}"), json!(n.to_string()))).collect();
    json!({"metadata": {"name": name, "labels": {
        "nvidia.com/gpu.product": product, "nvidia.com/gpu.count": gpus.to_string(),
        "nvidia.com/mig.config": config, "nvidia.com/mig.config.state": state, "nvidia.com/mig.strategy": "mixed"}},
        "status": {"capacity": capacity}})
}

fn pod(name: &str, node: &str, phase: &str, profile: &str, model: Option<&str>) -> Value {
    let env: Vec<Value> = model.map(|m| json!({"name": "MODEL_NAME", "value": m})).into_iter().collect();
    json!({"metadata": {"name": name, "namespace": "serving"}, "spec": {"nodeName": node, "containers": [{
        "name": "server", "env": env, "resources": {"limits": {format!("nvidia.com/mig-{profile}"): 1}}}]},
        "status": {"phase": phase}})
}

fn read_with(nodes: &[Value], config: &str, pods: Option<&[Value]>) -> Result<Running, InputErrors> {
    let nodes = serde_json::to_string_pretty(&json!({"kind": "NodeList", "items": nodes})).unwrap();
    let pods = pods.map(|p| serde_json::to_string_pretty(&json!({"kind": "PodList", "items": p})).unwrap());
    read(&ClusterInputs {
        nodes: Text { name: "nodes.json", text: &nodes },
        mig_config: Text { name: "config.yaml", text: config },
        pods: pods.as_deref().map(|text| Text { name: "pods.json", text }),
        smi: Vec::new(),
        only: None,
    })
}

/// An A100-40GB plan of these GPUs, with nothing else stated.
pub(super) fn plan_of(gpus: Vec<PlanGpu>) -> Plan {
    Plan {
        gpu: "a100-40gb".into(),
        gpu_count: gpus.len(),
        gpus,
        models: Vec::new(),
        bound: Default::default(),
        baseline: Default::default(),
        solver: Default::default(),
        cost: None,
        headroom: None,
    }
}

fn layout(g: &PlanGpu) -> Vec<String> {
    g.instances.iter().map(|i| format!("{}@{}:{}", i.profile, i.start, i.model.as_deref().unwrap_or("idle"))).collect()
}

#[test]
fn two_nodes_read_as_their_configs_say_with_the_running_pods_models() {
    let nodes = [
        node("gpu-a", "NVIDIA-A100-SXM4-40GB", "two-threes", "success", 2, &[("3g.20gb", 4)]),
        node("gpu-b", "NVIDIA-A100-SXM4-40GB", "mixed", "success", 2, &[("4g.20gb", 1), ("2g.10gb", 1), ("1g.5gb", 1)]),
    ];
    let pods = [
        pod("bert-1", "gpu-a", "Running", "3g.20gb", Some("bert")),
        pod("bert-2", "gpu-a", "Running", "3g.20gb", Some("bert")),
        pod("gpt-1", "gpu-b", "Running", "4g.20gb", Some("gpt")),
        pod("gpt-2", "gpu-b", "Pending", "4g.20gb", Some("gpt")),
        pod("other", "gpu-b", "Succeeded", "1g.5gb", Some("x")),
    ];
    let running = read_with(&nodes, CONFIG, Some(&pods)).unwrap();
    let plan = &running.plan;
    assert_eq!(plan.gpu, "a100-40gb");
    let placed: Vec<(String, usize, Vec<String>)> =
        plan.gpus.iter().map(|g| (g.node.clone().unwrap(), g.device.unwrap(), layout(g))).collect();
    assert_eq!(
        placed,
        [
            ("gpu-a".into(), 0, vec!["3g.20gb@0:bert".into(), "3g.20gb@4:bert".into()]),
            ("gpu-a".into(), 1, vec!["3g.20gb@0:idle".into(), "3g.20gb@4:idle".into()]),
            ("gpu-b".into(), 0, vec!["4g.20gb@0:gpt".into(), "2g.10gb@4:idle".into(), "1g.5gb@6:idle".into()]),
        ]
    );
    assert!(plan.gpus.iter().all(|g| g.gpu.as_deref() == Some("a100-40gb")));
    assert!(running.notes.iter().any(|n| n.starts_with("2 pods ask")), "{:?}", running.notes);
    // The plan JSON leaves out the bound it does not have, and reads back the same.
    let text = serde_json::to_string(plan).unwrap();
    assert!(!text.contains("\"bound\""), "{text}");
    assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), *plan);
}

#[test]
fn each_disagreement_is_an_error_naming_the_node() {
    let nodes = [
        node("pending-node", "NVIDIA-A100-SXM4-40GB", "two-threes", "pending", 1, &[("3g.20gb", 2)]),
        node("short-node", "NVIDIA-A100-SXM4-40GB", "two-threes", "success", 2, &[("3g.20gb", 3)]),
        node("odd-node", "NVIDIA-Tesla-T4", "two-threes", "success", 1, &[]),
        node("full-node", "NVIDIA-A100-SXM4-40GB", "two-threes", "success", 1, &[("3g.20gb", 2)]),
    ];
    let pods: Vec<Value> =
        (0..3).map(|i| pod(&format!("p{i}"), "full-node", "Running", "3g.20gb", Some("m"))).collect();
    let errors = read_with(&nodes, CONFIG, Some(&pods)).unwrap_err().to_string();
    for (node, says) in [
        ("pending-node", "its state is `pending`"),
        ("short-node", "its config gives 4 x 3g.20gb but it offers 3 x 3g.20gb"),
        ("odd-node", "`NVIDIA-Tesla-T4` is not a MIG GPU migplan knows"),
        ("full-node", "ask for 1 more 3g.20gb instance than the 2 its config gives (pods p2)"),
    ] {
        assert!(errors.contains(&format!("node `{node}`: ")) && errors.contains(says), "{node}: {says}\n{errors}");
    }
    assert!(errors.contains("nodes.json:"), "errors name the file and line: {errors}");
    let nameless = [pod("anon", "full-node", "Running", "3g.20gb", None)];
    let errors = read_with(&nodes[3..], CONFIG, Some(&nameless)).unwrap_err().to_string();
    assert!(errors.contains("pod `serving/anon` on node `full-node` holds MIG devices but names no model"), "{errors}");
}

#[test]
fn nvidia_smi_lgi_gives_the_exact_placements() {
    let listed = smi::read("lgi.txt", LGI_1G).unwrap();
    assert_eq!(listed.iter().map(|i| i.start).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5, 6]);
    // OpenShift's docs print profile id 19 for 2g.10gb: the name and size are what count.
    let nodes = [node("ocp", "NVIDIA-A100-SXM4-40GB", "all-2g.10gb", "success", 1, &[("2g.10gb", 3)])];
    let nodes = serde_json::to_string(&json!({"items": nodes})).unwrap();
    let running = read(&ClusterInputs {
        nodes: Text { name: "nodes.json", text: &nodes },
        mig_config: Text { name: "config.yaml", text: CONFIG },
        pods: None,
        smi: vec![("ocp", Text { name: "ocp-lgi.txt", text: LGI_OCP })],
        only: None,
    })
    .unwrap();
    assert_eq!(layout(&running.plan.gpus[0]), ["2g.10gb@0:idle", "2g.10gb@2:idle", "2g.10gb@4:idle"]);
    let wrong = read(&ClusterInputs {
        nodes: Text { name: "nodes.json", text: &nodes },
        mig_config: Text { name: "config.yaml", text: CONFIG },
        pods: None,
        smi: vec![("ocp", Text { name: "lgi.txt", text: LGI_1G })],
        only: None,
    });
    assert!(wrong.unwrap_err().to_string().contains("node `ocp`: GPU 0: nvidia-smi lists"));
    assert!(smi::read("x", "NVIDIA-SMI has failed").is_err());
}

#[test]
fn nvidias_example_configmap_gives_gb200_production_and_gb300_boards_their_profiles() {
    let config = mig_config::read("example.yaml", HOPPER_BLACKWELL).unwrap();
    assert_eq!(config.config_map, Some(("mig-parted-config".to_string(), "default".to_string())));
    let counts = |name: &str, pci: &str| match config.device(name, 0, &[pci]) {
        Some(mig_config::DeviceConfig::Mig(c)) => c.into_iter().collect::<Vec<_>>(),
        other => panic!("{name} on {pci}: {other:?}"),
    };
    assert_eq!(
        counts("all-balanced", "0x294110DE"),
        [("1g.23gb".into(), 2), ("2g.47gb".into(), 1), ("3g.93gb".into(), 1)]
    );
    assert_eq!(
        counts("all-balanced", "0x31C210DE"),
        [("1g.35gb".into(), 2), ("2g.70gb".into(), 1), ("3g.139gb".into(), 1)]
    );
    let nodes = [
        node("gb200", "NVIDIA-GB200", "all-balanced", "success", 4, &[("1g.23gb", 8), ("2g.47gb", 4), ("3g.93gb", 4)]),
        node("gb300", "NVIDIA-GB300", "all-7g.278gb", "success", 1, &[("7g.278gb", 1)]),
    ];
    let running = read_with(&nodes, HOPPER_BLACKWELL, None).unwrap();
    let types: Vec<&str> = running.plan.gpus.iter().map(|g| g.gpu.as_deref().unwrap()).collect();
    assert_eq!(types, ["gb200-186gb", "gb200-186gb", "gb200-186gb", "gb200-186gb", "gb300-278gb"]);
    // The pre-production boards' names pick the 189 GB entry.
    let old =
        format!("{CONFIG}  old:\n    - devices: all\n      mig-enabled: true\n      mig-devices: {{\"3g.95gb\": 2}}\n");
    let running =
        read_with(&[node("gb200", "NVIDIA-GB200", "old", "success", 1, &[("3g.95gb", 2)])], &old, None).unwrap();
    assert_eq!(running.plan.gpu, "gb200-189gb");
}

fn shared(path: &str) -> Option<String> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/formats").join(path);
    match std::fs::read_to_string(&file) {
        Ok(text) => Some(text),
        Err(_) => {
            println!("skipped: {} missing", file.display());
            None
        }
    }
}

#[test]
fn nvidias_documented_h100_node_reads_with_the_operators_default_config() {
    let (Some(labels), Some(config)) = (
        shared("kubernetes/nvidia-docs_gpu-operator_mig-mixed-node-labels.json"),
        shared("mig_parted_yaml/gpu-operator_default-mig-parted-config_configmap.yaml"),
    ) else {
        return;
    };
    let labels: Value = serde_json::from_str(&labels).unwrap();
    let single = shared("kubernetes/nvidia-docs_gpu-operator_mig-single-node-labels.json").unwrap();
    let single: Value = serde_json::from_str(&single).unwrap();
    let nodes = [
        json!({"metadata": {"name": "h100", "labels": labels}}),
        json!({"metadata": {"name": "off", "labels": single}}),
    ];
    let running = read_with(&nodes, &config, None).unwrap();
    assert_eq!(running.mig_config.config_map, Some(("default-mig-parted-config".into(), "gpu-operator".into())));
    assert_eq!(running.plan.gpu, "h100-80gb");
    assert_eq!(layout(&running.plan.gpus[0]), ["2g.20gb@0:idle", "1g.10gb@2:idle", "1g.10gb@3:idle", "3g.40gb@4:idle"]);
    assert!(running.notes.iter().any(|n| n.contains("`off` left out")), "all-disabled: {:?}", running.notes);
}

/// A plan deployed with migplan's exports, as the cluster then shows it.
fn deployed(plan: &Plan, options: &ExportOptions) -> (Vec<Value>, Vec<Value>, String) {
    let assigned = crate::export::nodes::assign(plan, options);
    let mut nodes = Vec::new();
    let mut pods = Vec::new();
    for n in &assigned.nodes {
        let gpus: Vec<&PlanGpu> = n.gpus.iter().map(|id| plan.gpus.iter().find(|g| g.id == *id).unwrap()).collect();
        let mut capacity = crate::export::nodes::Counts::new();
        for i in gpus.iter().flat_map(|g| &g.instances) {
            *capacity.entry(i.profile.clone()).or_default() += 1;
            if let Some(m) = &i.model {
                pods.push(pod(&format!("{m}-{}", pods.len()), &n.name, "Running", &i.profile, Some(m)));
            }
        }
        let capacity: Vec<(&str, u32)> = capacity.iter().map(|(p, c)| (p.as_str(), *c)).collect();
        nodes.push(node(&n.name, "NVIDIA-A100-SXM4-40GB", &n.config, "success", gpus.len() as u32, &capacity));
    }
    let config_map = render(plan, options, ExportFormat::GpuOperator);
    (nodes, pods, config_map)
}

#[test]
fn a_plan_deployed_with_migplans_exports_reads_back_node_by_node() {
    let gpu = |id: usize, spec: &[(&str, u8, Option<&str>)]| PlanGpu {
        id,
        gpu: None,
        node: None,
        device: None,
        instances: spec
            .iter()
            .map(|&(p, s, m)| PlanInstance {
                profile: p.into(),
                start: s,
                model: m.map(str::to_string),
                batch: None,
                processes: None,
                throughput: None,
            })
            .collect(),
    };
    let gpus = vec![
        gpu(0, &[("4g.20gb", 0, Some("gpt")), ("3g.20gb", 4, Some("bert"))]),
        gpu(1, &[("3g.20gb", 0, Some("bert")), ("3g.20gb", 4, Some("bert"))]),
        gpu(2, &[("7g.40gb", 0, Some("gpt"))]),
    ];
    let plan = plan_of(gpus);
    let options =
        ExportOptions { gpus_per_node: 2, node_names: vec!["a".into(), "b".into()], ..ExportOptions::default() };
    let (nodes, pods, config_map) = deployed(&plan, &options);
    let running = read_with(&nodes, &config_map, Some(&pods)).unwrap();
    let by_node = |p: &Plan| -> Vec<(String, Vec<String>)> {
        let assigned = crate::export::nodes::assign(p, &options);
        assigned
            .nodes
            .iter()
            .map(|n| {
                let mut l: Vec<String> =
                    n.gpus.iter().flat_map(|id| layout(p.gpus.iter().find(|g| g.id == *id).unwrap())).collect();
                l.sort();
                (n.name.clone(), l)
            })
            .collect()
    };
    assert_eq!(by_node(&running.plan), by_node(&plan));
}

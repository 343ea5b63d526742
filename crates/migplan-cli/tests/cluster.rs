//! `migplan cluster` on the command line: what it prints, and its refusals (exit 2, naming
//! the node); `transition` taking its plan.

mod common;

use common::{example, migplan, scratch, stderr, stdout};
use serde_json::json;

const CONFIG: &str = "version: v1\nmig-configs:\n  halves:\n    - devices: all\n      mig-enabled: true\n      mig-devices: {\"3g.20gb\": 2}\n";

fn write_cluster(dir: &std::path::Path, state: &str, offered: u32, model: &str) -> (String, String, String) {
    let node = json!({"metadata": {"name": "gpu-1", "labels": {
        "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "1",
        "nvidia.com/mig.config": "halves", "nvidia.com/mig.config.state": state}},
        "status": {"capacity": {"nvidia.com/mig-3g.20gb": offered.to_string()}}});
    let pod = |name: &str| {
        json!({"metadata": {"name": name, "namespace": "default"}, "spec": {"nodeName": "gpu-1",
        "containers": [{"name": "s", "env": [{"name": "MODEL_NAME", "value": model}],
        "resources": {"limits": {"nvidia.com/mig-3g.20gb": "1"}}}]}, "status": {"phase": "Running"}})
    };
    let paths = (dir.join("nodes.json"), dir.join("config.yaml"), dir.join("pods.json"));
    std::fs::write(&paths.0, json!({"kind": "NodeList", "items": [node]}).to_string()).unwrap();
    std::fs::write(&paths.1, CONFIG).unwrap();
    std::fs::write(&paths.2, json!({"items": [pod("a"), pod("b")]}).to_string()).unwrap();
    let s = |p: &std::path::PathBuf| p.display().to_string();
    (s(&paths.0), s(&paths.1), s(&paths.2))
}

#[test]
fn a_cluster_reads_as_a_plan_that_transition_fills_from_the_profiles() {
    let dir = scratch("cluster-ok");
    let (nodes, config, pods) = write_cluster(&dir, "success", 2, "bert-base-multilingual-cased");
    let o = migplan(&["cluster", "--nodes", &nodes, "--mig-config", &config, "--pods", &pods]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("node gpu-1 (config halves)\n  GPU  0  [3g.20gb bert-base-multilingual-cased][3g.20gb bert-base-multilingual-cased]"), "{}", stdout(&o));
    let plan = dir.join("running.json").display().to_string();
    let o = migplan(&[
        "cluster",
        "--nodes",
        &nodes,
        "--mig-config",
        &config,
        "--pods",
        &pods,
        "--format",
        "json",
        "--out",
        &plan,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let profiles = example("a100-40gb-profiles.csv");
    let demand = dir.join("bert.csv");
    std::fs::write(&demand, "model,rate,slo_ms\nbert-base-multilingual-cased,100,60\n").unwrap();
    let demand = demand.display().to_string();
    let base = ["transition", "--gpu", "a100-40gb", "--profiles", &profiles, "--from", &plan, "--workload-to", &demand];
    // No demand for the running plan: said, with the flag that gives it.
    let o = migplan(&base);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("states no demand") && stderr(&o).contains("--workload-from"), "{}", stderr(&o));
    let o = migplan(&[&base[..], &["--workload-from", &demand, "--format", "json"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    // The move's configs must keep the cluster's: a plan naming its nodes needs --mig-config.
    let o = migplan(&[&base[..], &["--workload-from", &demand, "--export", "gpu-operator"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give --mig-config"), "{}", stderr(&o));
    let o = migplan(
        &[&base[..], &["--workload-from", &demand, "--export", "gpu-operator", "--mig-config", &config]].concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("  name: migplan-mig-config") && stdout(&o).contains("halves:"), "{}", stdout(&o));
}

#[test]
fn a_node_in_another_state_than_its_labels_claim_is_refused_by_name() {
    let dir = scratch("cluster-refused");
    let (nodes, config, pods) = write_cluster(&dir, "pending", 1, "bert");
    let o = migplan(&["cluster", "--nodes", &nodes, "--mig-config", &config, "--pods", &pods]);
    assert_eq!(o.status.code(), Some(2));
    let said = stderr(&o);
    assert!(said.contains("node `gpu-1`: the MIG manager has not applied `halves`: its state is `pending`"), "{said}");
    assert!(said.contains("hint: wait until it reads success"), "{said}");
    let (nodes, config, pods) = write_cluster(&dir, "success", 1, "bert");
    let said = stderr(&migplan(&["cluster", "--nodes", &nodes, "--mig-config", &config, "--pods", &pods]));
    assert!(said.contains("node `gpu-1`: its config gives 2 x 3g.20gb but it offers 1 x 3g.20gb"), "{said}");
}

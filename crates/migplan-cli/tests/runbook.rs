//! A two-node cluster deployed with migplan's exports, read back with `migplan cluster`, moved
//! to new demand with `migplan transition --export runbook`, and the runbook replayed step by
//! step against a fake kubectl (tests/fake-kubectl) that simulates the GPU Operator.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::fake_cluster::*;
use common::{example, migplan, scratch, stderr};
use migplan_core::export::nodes::assign;
use migplan_core::export::ExportOptions;
use migplan_core::plan::Plan;
use migplan_core::problem::input::{parse_profiles, parse_workload, WorkloadRow};
use serde_json::{json, Value};

#[test]
fn a_two_node_cluster_reads_back_moves_and_its_runbook_keeps_every_model_served() {
    let dir = scratch("runbook");
    let (profiles_csv, workload_csv) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let file = |name: &str| dir.join(name).display().to_string();
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &profiles_csv,
        "--workload",
        &workload_csv,
        "--format",
        "json",
        "--out",
        &file("plan.json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: Plan = serde_json::from_str(&read(&dir.join("plan.json"))).unwrap();
    let options = ExportOptions {
        gpus_per_node: GPUS_PER_NODE,
        node_names: NODES.map(String::from).to_vec(),
        ..ExportOptions::default()
    };
    assert_eq!(assign(&plan, &options).nodes.len(), 2, "the example fills two nodes of four GPUs");
    let deploy = ["--gpus-per-node", "4", "--node-names", "node-1,node-2"];
    let o = migplan(
        &[
            &["export", "--plan", &file("plan.json"), "--format", "gpu-operator", "--out", &file("configmap.yaml")][..],
            &deploy,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let state = dir.join("cluster.json");
    std::fs::write(&state, deployed(&plan, &options, &read(&dir.join("configmap.yaml"))).to_string()).unwrap();

    // The cluster as kubectl shows it reads back as the plan, node by node.
    std::fs::write(dir.join("nodes.json"), kubectl(&state, &["get", "nodes", "-o", "json"])).unwrap();
    std::fs::write(dir.join("pods.json"), kubectl(&state, &["get", "pods", "-A", "-o", "json"])).unwrap();
    let cluster = [
        "cluster",
        "--nodes",
        &file("nodes.json"),
        "--mig-config",
        &file("configmap.yaml"),
        "--pods",
        &file("pods.json"),
    ];
    let o = migplan(&[&cluster[..], &["--format", "json", "--out", &file("running.json")]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("node `node-3` left out"), "{}", stderr(&o));
    let running: Value = serde_json::from_str(&read(&dir.join("running.json"))).unwrap();
    let mut deployed_plan: Value = serde_json::to_value(&plan).unwrap();
    for node in assign(&plan, &options).nodes {
        for (device, id) in node.gpus.iter().enumerate() {
            let g = deployed_plan["gpus"].as_array_mut().unwrap().iter_mut().find(|g| g["id"] == *id).unwrap();
            g["node"] = json!(node.name);
            g["device"] = json!(device);
        }
    }
    assert_eq!(by_node(&running), by_node(&deployed_plan));
    let table = migplan(&cluster);
    assert!(common::stdout(&table).contains("node node-1 (config migplan-a)"), "{}", common::stdout(&table));

    // New demand: odd models up 30%, even ones down 30%; the move and its runbook.
    let old_rows = parse_workload("w", &read(Path::new(&workload_csv))).unwrap();
    let mut new_csv = String::from("model,rate,slo_ms\n");
    for (i, w) in old_rows.iter().enumerate() {
        new_csv += &format!("{},{},{}\n", w.model, w.rate * if i % 2 == 0 { 1.3 } else { 0.7 }, w.slo_ms);
    }
    std::fs::write(dir.join("new.csv"), &new_csv).unwrap();
    let new_rows = parse_workload("w", &new_csv).unwrap();
    let profiles = parse_profiles("p", &read(Path::new(&profiles_csv))).unwrap();
    let transition = [
        "transition",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &profiles_csv,
        "--from",
        &file("running.json"),
        "--workload-from",
        &workload_csv,
        "--workload-to",
        &file("new.csv"),
        "--mig-config",
        &file("configmap.yaml"),
        "--spare",
        "2",
        "--time-limit",
        "5",
        "--gpus-per-node",
        "4",
        "--node-names",
        SPARE_NODE,
    ];
    let o = migplan(&[&transition[..], &["--export", "runbook", "--out", &file("runbook.sh")]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let script = dir.join("runbook.sh");
    let text = read(&script);
    let o = Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(o.status.success(), "bash -n: {}", stderr(&o));
    shellcheck(&script);

    // The fake MIG manager knows every config of the ConfigMap the runbook applies.
    let config_map =
        text.split("<<'MIGPLAN_CONFIG_MAP'\n").nth(1).unwrap().split("MIGPLAN_CONFIG_MAP\n").next().unwrap();
    let mut cluster_state: Value = serde_json::from_str(&read(&state)).unwrap();
    cluster_state["configs"] = resolved(config_map, 3);
    std::fs::write(&state, cluster_state.to_string()).unwrap();
    let steps: usize = text.lines().find_map(|l| l.strip_prefix("STEPS=")).unwrap().parse().unwrap();
    let repartitioned: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("repartition "))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();

    // A dry run prints the commands and changes nothing.
    let before: Value = serde_json::from_str(&read(&state)).unwrap();
    let o = bash(&script, &state, &[("DRY_RUN", "1")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(common::stdout(&o).contains("+ kubectl cordon"), "{}", common::stdout(&o));
    let after: Value = serde_json::from_str(&read(&state)).unwrap();
    assert_eq!(mutations(&after, before["log"].as_array().unwrap().len()), Vec::<String>::new());
    assert_eq!((&after["nodes"], &after["pods"]), (&before["nodes"], &before["pods"]));

    // Step by step: every model keeps min(old, new), and only repartitioned nodes are drained.
    let floor = |model: &str| {
        let rate = |rows: &[WorkloadRow]| rows.iter().find(|w| w.model == model).map_or(0.0, |w| w.rate);
        rate(&old_rows).min(rate(&new_rows))
    };
    for step in 1..=steps {
        let log_before = serde_json::from_str::<Value>(&read(&state)).unwrap()["log"].as_array().unwrap().len();
        let o = bash(&script, &state, &[("STEP", &step.to_string())]);
        assert!(o.status.success(), "step {step}: {}\n{}", common::stdout(&o), stderr(&o));
        let now: Value = serde_json::from_str(&read(&state)).unwrap();
        let served = capacity(&now, &profiles, &old_rows);
        for w in &old_rows {
            let got = served.get(&w.model).copied().unwrap_or(0.0);
            assert!(
                got >= floor(&w.model) * (1.0 - 1e-9),
                "step {step}: {} serves {got}, floor {}",
                w.model,
                floor(&w.model)
            );
        }
        let (drained, changed) = (drained(&now, log_before), reconfigured(&now, log_before));
        assert!(drained.is_subset(&changed), "step {step} drained {drained:?} but repartitioned {changed:?}");
        assert!(
            changed.is_subset(&repartitioned),
            "step {step} repartitioned {changed:?}, the runbook names {repartitioned:?}"
        );
    }
    // After the move every model meets its new demand, and a second run changes nothing.
    let done: Value = serde_json::from_str(&read(&state)).unwrap();
    let served = capacity(&done, &profiles, &new_rows);
    for w in &new_rows {
        assert!(
            served.get(&w.model).copied().unwrap_or(0.0) >= w.rate * (1.0 - 1e-9),
            "{} below its new rate",
            w.model
        );
    }
    let log_len = done["log"].as_array().unwrap().len();
    let o = bash(&script, &state, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let again: Value = serde_json::from_str(&read(&state)).unwrap();
    let changed: Vec<String> =
        mutations(&again, log_len).into_iter().filter(|m| !m.starts_with("[\"apply\",\"-f\"")).collect();
    assert_eq!(changed, Vec::<String>::new(), "a second run only applies the same ConfigMap again");
    let said = common::stdout(&o);
    assert!(said.contains(&format!("step {steps} of {steps} was done before")), "{said}");
    assert_eq!((&again["nodes"], &again["deployments"]), (&done["nodes"], &done["deployments"]));
}

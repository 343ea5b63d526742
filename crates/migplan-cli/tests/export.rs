//! `migplan export` and `migplan plan --format <export format>`: the formats, the plan's
//! layouts checked first (exit 2 with a located message), and the options' ranges.

mod common;

use common::{example, migplan, refuses, scratch, stderr, stdout};
use migplan_core::export::ExportFormat;

/// The example planned as JSON, written to a scratch file; its path.
fn example_plan(name: &str) -> String {
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let path = scratch(name).join("plan.json").display().to_string();
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &p,
        "--workload",
        &w,
        "--solver",
        "greedy",
        "--format",
        "json",
        "--out",
        &path,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

#[test]
fn every_format_exports_and_matches_plan_format() {
    let plan = example_plan("formats");
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    // The plan's JSON holds its solve time, so two solves never print the same JSON.
    for format in ExportFormat::ALL.into_iter().filter(|&f| f != ExportFormat::Json).map(ExportFormat::name) {
        let o = migplan(&["export", "--plan", &plan, "--format", format, "--gpus-per-node", "4"]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let exported = stdout(&o);
        assert!(!exported.is_empty());
        let planned = migplan(&[
            "plan",
            "--gpu",
            "a100-40gb",
            "--profiles",
            &p,
            "--workload",
            &w,
            "--solver",
            "greedy",
            "--format",
            format,
            "--gpus-per-node",
            "4",
        ]);
        assert!(planned.status.success(), "{format}: {}", stderr(&planned));
        assert_eq!(stdout(&planned), exported, "{format}");
    }
    let out = scratch("formats").join("config.yaml");
    let o = migplan(&["export", "--plan", &plan, "--format", "mig-parted", "--out", &out.display().to_string()]);
    assert!(o.status.success() && stdout(&o).is_empty());
    assert!(std::fs::read_to_string(out).unwrap().starts_with("version: v1\nmig-configs:\n  migplan-a:\n"));
}

#[test]
fn format_flags_offer_every_export_format_by_name() {
    let plan = example_plan("names-offered");
    let o = migplan(&["export", "--plan", &plan, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), std::fs::read_to_string(&plan).unwrap());
    let names = ExportFormat::ALL.map(ExportFormat::name).join(", ");
    refuses(&["export", "--plan", &plan, "--format", "table"], &format!("[possible values: {names}]"));
    refuses(&["plan", "--gpu", "a100-40gb", "--format", "yaml"], &format!("[possible values: table, {names}]"));
    let moves = "[possible values: mig-parted, gpu-operator, runbook]";
    refuses(&["transition", "--gpu", "a100-40gb", "--export", "k8s"], moves);
}

#[test]
fn the_table_reports_the_nodes() {
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &p,
        "--workload",
        &w,
        "--solver",
        "greedy",
        "--gpus-per-node",
        "2",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains(" nodes (2 GPUs per node), "), "{}", stdout(&o));
}

#[test]
fn node_names_label_the_nodes() {
    let plan = example_plan("names");
    let o = migplan(&["export", "--plan", &plan, "--format", "gpu-operator", "--node-names", "gpu-a"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("kubectl label node gpu-a nvidia.com/mig.config=migplan-a --overwrite"));
    // A name more than the nodes would name nothing: refused, not dropped.
    let o = migplan(&["export", "--plan", &plan, "--format", "gpu-operator", "--node-names", "gpu-a,gpu-b"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2 node names given but there is 1 node"), "{}", stderr(&o));
    let o = migplan(&[
        "export",
        "--plan",
        &plan,
        "--format",
        "gpu-operator",
        "--gpus-per-node",
        "1",
        "--node-names",
        "a,b",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("2 node names given but there are 7 nodes (1 GPU per node);"), "{}", stderr(&o));
    let o = migplan(&["export", "--plan", &plan, "--format", "k8s", "--node-names", "Node_1"]);
    assert_eq!(o.status.code(), Some(2));
    for bad in ["0", "1025"] {
        let o = migplan(&["export", "--plan", &plan, "--format", "mig-parted", "--gpus-per-node", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("from 1 to 1024"), "{}", stderr(&o));
    }
}

#[test]
fn a_plan_for_an_unknown_gpu_or_with_an_illegal_layout_is_refused_with_its_place() {
    let plan = example_plan("refused");
    let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let path = scratch("refused").join("bad.json");
    let p = path.display().to_string();
    json["gpu"] = "a100-41gb".into();
    std::fs::write(&path, json.to_string()).unwrap();
    let o = migplan(&["export", "--plan", &p, "--format", "mig-parted"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("{p}: `gpu`: unknown GPU `a100-41gb`")), "{}", stderr(&o));
    json["gpu"] = "a100-40gb".into();
    json["gpus"][0]["instances"][0]["start"] = 3.into();
    let profile = json["gpus"][0]["instances"][0]["profile"].as_str().unwrap().to_string();
    std::fs::write(&path, json.to_string()).unwrap();
    let o = migplan(&["export", "--plan", &p, "--format", "k8s"]);
    assert_eq!(o.status.code(), Some(2));
    let id = json["gpus"][0]["id"].as_u64().unwrap();
    assert!(stderr(&o).contains(&format!("{p}: GPU {id}: {profile} cannot start at memory slot 3")), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

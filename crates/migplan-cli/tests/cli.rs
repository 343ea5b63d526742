//! The `migplan` binary as scripts use it: exit codes, JSON shapes and error messages.

mod common;

use std::process::Output;

use common::{example, migplan, plan_example, scratch, stderr, stdout};

fn validate_example_plan(name: &str, plan: &serde_json::Value) -> Output {
    let path = scratch(name).join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let path = path.display().to_string();
    migplan(&["validate", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--plan", &path])
}

#[test]
fn gpus_json_lists_every_catalog_gpu_with_assumed_flags() {
    let o = migplan(&["gpus", "--format", "json"]);
    assert!(o.status.success());
    let gpus: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = gpus.as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap()).collect();
    for id in ["a100-40gb", "a100-80gb", "a30-24gb", "h100-80gb", "h100-94gb", "h200-141gb", "b200-180gb"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let b200 = gpus.as_array().unwrap().iter().find(|g| g["id"] == "b200-180gb").unwrap();
    assert_eq!(b200["profiles"][0]["assumed"], true);
}

#[test]
fn layouts_json_is_the_twelve_maximal_a100_layouts() {
    let o = migplan(&["layouts", "--gpu", "a100-40gb", "--format", "json"]);
    let layouts: Vec<Vec<serde_json::Value>> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(layouts.len(), 12);
    assert!(layouts.iter().flatten().all(|i| i["profile"].is_string() && i["start"].is_u64()));
    assert!(layouts.iter().flatten().all(|i| !i["profile"].as_str().unwrap().contains("+me")));
}

#[test]
fn example_plan_is_valid_optimal_and_saves_against_whole_gpus() {
    let plan = plan_example(&[]);
    let count = plan["gpu_count"].as_u64().unwrap();
    assert_eq!(plan["gpus"].as_array().unwrap().len() as u64, count);
    assert_eq!(plan["bound"]["lower"].as_u64().unwrap(), count);
    assert_eq!(plan["bound"]["proven_optimal"], true);
    assert!(plan["baseline"]["whole_gpus"].as_u64().unwrap() > count);

    let o = validate_example_plan("valid", &plan);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("valid"));
}

#[test]
fn validate_lists_violations_and_exits_one() {
    let mut plan = plan_example(&[]);
    // Move one instance to an illegal start and drop a GPU.
    plan["gpus"][0]["instances"][0]["start"] = serde_json::json!(7);
    plan["gpus"].as_array_mut().unwrap().pop();
    let o = validate_example_plan("invalid", &plan);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("cannot start at memory slot 7"), "{out}");
    assert!(out.contains("gpu_count says"), "{out}");
}

#[test]
fn same_seed_same_plan_and_out_file() {
    let dir = scratch("out");
    let out = dir.join("plan.json").display().to_string();
    let a = plan_example(&["--seed", "3"]);
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &p,
        "--workload",
        &w,
        "--format",
        "json",
        "--seed",
        "3",
        "--out",
        &out,
    ]);
    assert!(o.status.success());
    let b: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(a["gpus"], b["gpus"]);
}

#[test]
fn table_format_groups_gpus_and_lists_models() {
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w]);
    let out = stdout(&o);
    assert!(out.contains("MIG saves"), "{out}");
    assert!(out.contains("[2g.10gb "), "{out}");
    assert!(out.contains("headroom"), "{out}");
}

#[test]
fn bad_csv_names_file_line_and_column() {
    let dir = scratch("bad");
    let w = dir.join("workload.csv");
    std::fs::write(&w, "model,rate,slo_ms\nbert-base-multilingual-cased,900,60\nbroken,lots,60\n").unwrap();
    let p = example("a100-40gb-profiles.csv");
    let w = w.display().to_string();
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("workload.csv:3: column `rate`"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unknown_gpu_and_missing_file_are_clear_errors() {
    let o = migplan(&["layouts", "--gpu", "a200"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("choose one of a100-40gb"), "{}", stderr(&o));
    let o =
        migplan(&["plan", "--gpu", "a100-40gb", "--profiles", "/nonexistent.csv", "--workload", "/nonexistent.csv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /nonexistent.csv"), "{}", stderr(&o));
}

#[test]
fn json_inputs_in_one_file_plan_like_csv() {
    let dir = scratch("json");
    let both = dir.join("both.json");
    std::fs::write(
        &both,
        r#"{"profiles": [
  {"model": "a", "profile": "1g", "batch": 8, "latency_ms": 20, "throughput": 300},
  {"model": "a", "profile": "7g", "batch": 8, "latency_ms": 5, "throughput": 1600},
  {"model": "b", "profile": "3g.20gb", "batch": 4, "latency_ms": 9, "throughput": 500}
], "workload": [
  {"model": "a", "rate": 900, "slo_ms": 50},
  {"model": "b", "rate": 400, "slo_ms": 50}
]}"#,
    )
    .unwrap();
    let both = both.display().to_string();
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &both, "--workload", &both, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // 3 x 1g for a and one 3g for b fit one GPU.
    assert_eq!(plan["gpu_count"], 1);
}

#[test]
fn generate_writes_inputs_that_plan() {
    let dir = scratch("gen");
    let d = dir.display().to_string();
    assert!(migplan(&["generate", "--models", "8", "--seed", "5", "--out-dir", &d]).status.success());
    let (p, w) = (dir.join("profiles.csv").display().to_string(), dir.join("workload.csv").display().to_string());
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn hand_plan(instances: &[(&str, u8, f64)]) -> serde_json::Value {
    let capacity: f64 = instances.iter().map(|i| i.2).sum();
    serde_json::json!({
        "gpu": "a100-40gb", "gpu_count": 1,
        "gpus": [{"id": 0, "instances": instances.iter().map(|(p, s, t)| serde_json::json!(
            {"profile": p, "start": s, "model": "a", "batch": 1, "processes": 1, "throughput": t})).collect::<Vec<_>>()}],
        "models": [{"model": "a", "rate": 1000.0, "slo_ms": 10.0, "capacity": capacity}],
        "bound": {"lower": 1, "proven_optimal": true}, "baseline": {"whole_gpus": 1},
        "solver": {"name": "hand", "seed": 0, "elapsed_ms": 0}
    })
}

#[test]
fn transition_says_how_many_spares_a_move_needs() {
    let dir = scratch("spares");
    let profiles = dir.join("profiles.csv");
    std::fs::write(&profiles, "model,profile,batch,latency_ms,throughput\na,7g,1,5,1000\na,4g,1,5,600\na,3g,1,5,450\n")
        .unwrap();
    let (from, to) = (dir.join("from.json"), dir.join("to.json"));
    std::fs::write(&from, hand_plan(&[("7g.40gb", 0, 1000.0)]).to_string()).unwrap();
    std::fs::write(&to, hand_plan(&[("4g.20gb", 0, 600.0), ("3g.20gb", 4, 450.0)]).to_string()).unwrap();
    let (p, f, t) = (profiles.display().to_string(), from.display().to_string(), to.display().to_string());
    let args = ["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &f, "--to", &t];
    let o = migplan(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs 1 spare GPU"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--spare 1"), "{}", stderr(&o));
    let o = migplan(&[&args[..], &["--spare", "1", "--format", "json"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let t: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(t["spare_used"], 1);
    assert_eq!(t["steps"][0]["actions"][0]["op"], "add_gpu");
}

#[test]
fn transition_to_a_new_workload_plans_it_and_prints_steps() {
    let from = plan_example(&[]);
    let dir = scratch("new-workload");
    let from_path = dir.join("from.json");
    std::fs::write(&from_path, from.to_string()).unwrap();
    // Every model's demand grows by a quarter.
    let old = std::fs::read_to_string(example("a100-40gb-workload.csv")).unwrap();
    let mut new = String::from("model,rate,slo_ms\n");
    for line in old.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        new += &format!("{},{},{}\n", c[0], c[1].parse::<f64>().unwrap() * 1.25, c[2]);
    }
    let new_path = dir.join("new.csv");
    std::fs::write(&new_path, new).unwrap();
    let (p, w, f, n) = (
        example("a100-40gb-profiles.csv"),
        example("a100-40gb-workload.csv"),
        from_path.display().to_string(),
        new_path.display().to_string(),
    );
    let o = migplan(&[
        "transition",
        "--gpu",
        "a100-40gb",
        "--profiles",
        &p,
        "--from",
        &f,
        "--workload-from",
        &w,
        "--workload-to",
        &n,
        "--spare",
        "8",
        "--time-limit",
        "2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("drain and rebuild"), "{out}");
    assert!(out.contains("step   1:"), "{out}");
}

#[test]
fn bench_scale_plans_with_auto_unless_told_otherwise() {
    let phases = |extra: &[&str]| {
        let mut args = vec!["bench", "--scale", "40"];
        args.extend_from_slice(extra);
        let o = migplan(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let row = out.lines().nth(1).unwrap_or_else(|| panic!("no row in\n{out}")).to_string();
        row.split_whitespace().map(str::to_string).collect::<Vec<_>>()
    };
    let auto = phases(&[]);
    // models, GPUs, bound, five phase times, total, and how it stopped.
    assert_eq!(auto.len(), 10, "{auto:?}");
    assert_eq!(auto[0], "40");
    assert_eq!(auto[9], "optimal", "auto proves a 40-model optimum: {auto:?}");
    assert_eq!(auto[1], auto[2], "proven: GPUs equal the bound: {auto:?}");
    let greedy = phases(&["--solvers", "greedy"]);
    assert_eq!(greedy[2], auto[2], "the same workload has the same bound: {greedy:?}");
    assert!(greedy[1].parse::<usize>().unwrap() >= auto[1].parse::<usize>().unwrap());
}

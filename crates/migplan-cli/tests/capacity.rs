//! Mixed fleets, `compare`, `sweep` and headroom through the real binary.

mod common;

use std::path::{Path, PathBuf};

use common::{migplan, scratch, stderr, stdout};
use serde_json::Value;

/// A generated A100-40GB case and the same models on an H100-80GB at 2.3 times the
/// throughput, in one profiles file with a `gpu` column (profiles by their short form).
fn two_type_case(name: &str, models: &str) -> (PathBuf, PathBuf) {
    let (one_type, workload) = generated(name, models.parse().unwrap(), 2);
    let dir = one_type.parent().unwrap().to_path_buf();
    let generated = std::fs::read_to_string(&one_type).unwrap();
    let mut two = String::from("model,profile,batch,latency_ms,throughput,gpu\n");
    for line in generated.lines().skip(1).filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split(',').collect();
        let short = f[1].split('.').next().unwrap();
        let faster = (f[4].parse::<f64>().unwrap() * 230.0).round() / 100.0;
        two += &format!("{},{short},{},{},{},a100-40gb\n", f[0], f[2], f[3], f[4]);
        two += &format!("{},{short},{},{},{faster},h100-80gb\n", f[0], f[2], f[3]);
    }
    let profiles = dir.join("two.csv");
    std::fs::write(&profiles, two).unwrap();
    (profiles, workload)
}

/// `migplan generate` of an A100-40GB workload into scratch folder `name`: (profiles, workload).
fn generated(name: &str, models: u32, seed: u64) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let (models, seed) = (models.to_string(), seed.to_string());
    let args =
        ["generate", "--gpu", "a100-40gb", "--models", &models, "--seed", &seed, "--out-dir", dir.to_str().unwrap()];
    let o = migplan(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir.join("profiles.csv"), dir.join("workload.csv"))
}

fn run_json(args: &[&str]) -> Value {
    let o = migplan(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON on standard output")
}

fn plan(profiles: &Path, workload: &Path, fleet: &[&str]) -> Value {
    let (p, w) = (profiles.to_str().unwrap(), workload.to_str().unwrap());
    let mut args = vec!["plan", "--profiles", p, "--workload", w, "--format", "json", "--time-limit", "5"];
    args.extend_from_slice(fleet);
    run_json(&args)
}

const MIX: [&str; 8] =
    ["--gpu", "a100-40gb", "--gpu", "h100-80gb", "--cost", "a100-40gb=1.0", "--cost", "h100-80gb=2.2"];

#[test]
fn a_mixed_plan_costs_no_more_than_either_type_validates_and_its_parts_export() {
    let (profiles, workload) = two_type_case("mix", "8");
    let mixed = plan(&profiles, &workload, &MIX);
    let total = mixed["cost"]["total"].as_f64().unwrap();
    let lower = mixed["cost"]["lower"].as_f64().unwrap();
    assert!(lower <= total + 1e-9, "bound {lower} above cost {total}");
    let a100 = plan(&profiles, &workload, &["--gpu", "a100-40gb"])["gpu_count"].as_f64().unwrap();
    let h100 = plan(&profiles, &workload, &["--gpu", "h100-80gb"])["gpu_count"].as_f64().unwrap();
    assert!(total <= a100.min(h100 * 2.2) + 1e-9, "mix {total}, A100s {a100}, H100s {h100} x 2.2");
    let gpus = mixed["gpus"].as_array().unwrap();
    assert!(gpus.iter().all(|g| g["gpu"] == "a100-40gb" || g["gpu"] == "h100-80gb"));

    let dir = scratch("mix-check");
    let plan_file = dir.join("plan.json");
    std::fs::write(&plan_file, mixed.to_string()).unwrap();
    let (p, w, f) = (profiles.to_str().unwrap(), workload.to_str().unwrap(), plan_file.to_str().unwrap());
    let mut args = vec!["validate", "--profiles", p, "--workload", w, "--plan", f];
    args.extend_from_slice(&MIX);
    let o = migplan(&args);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // Checked at other prices, the stated cost is wrong.
    let mut dearer = args.clone();
    *dearer.last_mut().unwrap() = "h100-80gb=3.0";
    let o = migplan(&dearer);
    let used_h100 = gpus.iter().any(|g| g["gpu"] == "h100-80gb");
    assert_eq!(o.status.code(), Some(if used_h100 { 1 } else { 0 }), "{}", stdout(&o));

    // The whole plan exports, each node of one type; so does each type's part alone.
    if used_h100 && gpus.iter().any(|g| g["gpu"] == "a100-40gb") {
        for format in ["mig-parted", "gpu-operator", "k8s"] {
            let o = migplan(&["export", "--plan", f, "--format", format]);
            assert!(o.status.success(), "{format}: {}", stderr(&o));
        }
        let o = migplan(&["export", "--plan", f, "--format", "gpu-operator"]);
        let text = stdout(&o);
        let labels: Vec<&str> = text.lines().filter(|l| l.contains("kubectl label node")).collect();
        assert!(labels.iter().all(|l| l.contains("migplan/gpu=")), "{labels:?}");
    }
    for gpu_type in ["a100-40gb", "h100-80gb"] {
        let part: Vec<Value> = gpus
            .iter()
            .filter(|g| g["gpu"] == gpu_type)
            .map(|g| serde_json::json!({"id": g["id"], "instances": g["instances"]}))
            .collect();
        let mut alone = mixed.clone();
        alone["gpu"] = gpu_type.into();
        alone["gpu_count"] = part.len().into();
        alone["gpus"] = part.into();
        alone.as_object_mut().unwrap().remove("cost");
        let file = dir.join(format!("{gpu_type}.json"));
        std::fs::write(&file, alone.to_string()).unwrap();
        let o = migplan(&["export", "--plan", file.to_str().unwrap(), "--format", "mig-parted"]);
        assert!(o.status.success(), "{gpu_type}: {}", stderr(&o));
    }
}

#[test]
fn a_much_dearer_type_is_left_unused() {
    let (profiles, workload) = two_type_case("dear", "6");
    let fleet = ["--gpu", "a100-40gb", "--gpu", "h100-80gb", "--cost", "h100-80gb=40"];
    let mixed = plan(&profiles, &workload, &fleet);
    assert!(mixed["gpus"].as_array().unwrap().iter().all(|g| g["gpu"] == "a100-40gb"));
    assert_eq!(mixed["cost"]["per_type"]["h100-80gb"], 0.0);
    assert_eq!(mixed["cost"]["total"].as_f64().unwrap(), mixed["gpu_count"].as_f64().unwrap());
}

#[test]
fn compare_prints_each_type_and_the_mix() {
    let (profiles, workload) = two_type_case("compare", "6");
    let (p, w) = (profiles.to_str().unwrap(), workload.to_str().unwrap());
    let mut args = vec!["compare", "--profiles", p, "--workload", w, "--format", "json", "--time-limit", "5"];
    args.extend_from_slice(&MIX);
    let rows = run_json(&args);
    let rows = rows.as_array().unwrap();
    assert_eq!(
        rows.iter().map(|r| r["fleet"].as_str().unwrap()).collect::<Vec<_>>(),
        ["a100-40gb", "h100-80gb", "mix"]
    );
    let mix = rows[2]["cost"].as_f64().unwrap();
    for r in rows {
        assert!(r["lower_cost"].as_f64().unwrap() <= r["cost"].as_f64().unwrap() + 1e-9);
        assert!(mix <= r["cost"].as_f64().unwrap() + 1e-9);
    }
    args.truncate(args.len() - 8);
    args.extend_from_slice(&MIX);
    let table = migplan(&args.iter().map(|a| if *a == "json" { "table" } else { a }).collect::<Vec<_>>());
    assert!(stdout(&table).contains("mix"), "{}", stdout(&table));
}

#[test]
fn sweep_is_monotone_and_each_row_is_a_multiplier() {
    let (p, w) = generated("sweep", 10, 5);
    let o = migplan(&[
        "sweep",
        "--gpu",
        "a100-40gb",
        "--profiles",
        p.to_str().unwrap(),
        "--workload",
        w.to_str().unwrap(),
        "--from",
        "0.5",
        "--to",
        "4",
        "--steps",
        "6",
        "--time-limit",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("factor,gpus,lower_gpus,cost,lower_cost,whole_gpus,current_plan_suffices"));
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
    let factors: Vec<f64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(factors, [0.5, 1.2, 1.9, 2.6, 3.3, 4.0]);
    let gpus: Vec<usize> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(gpus.windows(2).all(|p| p[0] <= p[1]), "{gpus:?}");
    for r in &rows {
        assert!(r[2].parse::<usize>().unwrap() <= r[1].parse::<usize>().unwrap());
    }
    assert_eq!(rows[0][6], "true", "half the demand fits today's plan");
}

#[test]
fn headroom_is_planned_for_and_reported_beside_the_plan_without() {
    let (p, w) = generated("headroom", 8, 3);
    let plan = run_json(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        p.to_str().unwrap(),
        "--workload",
        w.to_str().unwrap(),
        "--headroom",
        "25",
        "--format",
        "json",
        "--time-limit",
        "5",
    ]);
    assert!(plan["headroom"]["gpus_without"].as_u64().unwrap() <= plan["gpu_count"].as_u64().unwrap());
    for m in plan["models"].as_array().unwrap() {
        assert!(m["capacity"].as_f64().unwrap() >= 1.25 * m["rate"].as_f64().unwrap() * (1.0 - 1e-9), "{m}");
    }
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--profiles",
        p.to_str().unwrap(),
        "--workload",
        w.to_str().unwrap(),
        "--headroom-for",
        "no-such-model=30",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-model"), "{}", stderr(&o));
}

#[test]
fn a_headroom_for_a_model_not_in_the_workload_names_the_flag_not_the_file() {
    let (p, w) = generated("headroom-unknown", 3, 1);
    let (p, w) = (p.to_str().unwrap(), w.to_str().unwrap());
    let args = ["plan", "--gpu", "a100-40gb", "--profiles", p, "--workload", w, "--headroom-for", "synthetic-001=5"];
    let o = migplan(&[&args[..], &["--headroom-for", "foo=10"]].concat());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let named =
        "--headroom-for foo=10: no model `foo` in the workload (models: synthetic-000, synthetic-001, synthetic-002)";
    assert!(err.contains(named), "{err}");
    assert!(err.contains("hint: name a model as the workload spells it"), "{err}");
    assert!(
        !err.contains("workload.csv") && !err.contains("synthetic-001=5"),
        "only the flag at fault is named: {err}"
    );
}

#[test]
fn a_cost_for_a_type_not_planned_or_a_bad_price_is_refused() {
    let (profiles, workload) = two_type_case("bad-cost", "3");
    let (p, w) = (profiles.to_str().unwrap(), workload.to_str().unwrap());
    for (cost, says) in [
        ("h100-80gb=2", "no --gpu gives"),
        ("a100-40gb=-1", "--cost `a100-40gb=-1`: -1 is not at least 1e-6"),
        ("a100-40gb", "no `=`"),
    ] {
        let o = migplan(&["plan", "--gpu", "a100-40gb", "--cost", cost, "--profiles", p, "--workload", w]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(says), "{cost}: {}", stderr(&o));
    }
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--gpu",
        "h100-80gb",
        "--solver",
        "greedy",
        "--profiles",
        p,
        "--workload",
        w,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exact"), "{}", stderr(&o));
}

#[test]
fn a_node_cost_counts_each_types_nodes_in_the_plans_cost() {
    let (profiles, workload) = two_type_case("nodes", "6");
    let mut fleet = MIX.to_vec();
    fleet.extend_from_slice(&["--node-cost", "3", "--gpus-per-node", "4"]);
    let plan = plan(&profiles, &workload, &fleet);
    let nodes = &plan["cost"]["nodes"];
    let gpus = plan["gpus"].as_array().unwrap();
    let of = |t: &str| gpus.iter().filter(|g| g["gpu"] == t).count();
    assert_eq!(nodes["count"].as_u64().unwrap() as usize, of("a100-40gb").div_ceil(4) + of("h100-80gb").div_ceil(4));
    let spent: f64 = plan["cost"]["per_type"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    let total = plan["cost"]["total"].as_f64().unwrap();
    assert!((total - spent - 3.0 * nodes["count"].as_f64().unwrap()).abs() < 1e-9, "{}", plan["cost"]);
    let o = migplan(&[
        "plan",
        "--gpu",
        "a100-40gb",
        "--node-cost",
        "0",
        "--profiles",
        profiles.to_str().unwrap(),
        "--workload",
        workload.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "a node cost of 0 is refused");
}

#[test]
fn a_mixed_plan_moves_to_new_demand_each_added_gpu_naming_its_type() {
    let (profiles, workload) = two_type_case("mix-move", "12");
    let running = plan(&profiles, &workload, &MIX);
    let dir = scratch("mix-move-files");
    let from = dir.join("running.json");
    std::fs::write(&from, running.to_string()).unwrap();
    let text = std::fs::read_to_string(&workload).unwrap();
    let mut new = String::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        match (i, f[1].parse::<f64>()) {
            (n, Ok(rate)) if n % 2 == 1 => new += &format!("{},{},{}\n", f[0], (rate * 1.5).round(), f[2..].join(",")),
            _ => new += &format!("{line}\n"),
        }
    }
    let new_workload = dir.join("new.csv");
    std::fs::write(&new_workload, new).unwrap();
    let (p, f, w) = (profiles.to_str().unwrap(), from.to_str().unwrap(), new_workload.to_str().unwrap());
    let mut args = vec!["transition", "--profiles", p, "--from", f, "--workload-to", w, "--spare", "8"];
    args.extend_from_slice(&["--format", "json", "--time-limit", "5"]);
    args.extend_from_slice(&MIX);
    let moved = run_json(&args);
    let actions: Vec<&Value> =
        moved["steps"].as_array().unwrap().iter().flat_map(|s| s["actions"].as_array().unwrap()).collect();
    assert!(!actions.is_empty(), "half the models need 50% more: something moves");
    for a in actions.iter().filter(|a| a["op"] == "add_gpu") {
        assert!(a["gpu_type"] == "a100-40gb" || a["gpu_type"] == "h100-80gb", "{a}");
    }
    // Given one type only, a running plan with GPUs of the other is refused, in words.
    if running["gpus"].as_array().unwrap().iter().any(|g| g["gpu"] == "h100-80gb") {
        let one = ["transition", "--profiles", p, "--from", f, "--workload-to", w, "--gpu", "a100-40gb"];
        let o = migplan(&one);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("h100-80gb") && stderr(&o).contains("--gpu TYPE"), "{}", stderr(&o));
    }
}

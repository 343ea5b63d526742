//! Prices, costs and raised demand on the real binary: a plan's cost and its proof do not
//! depend on the currency, prices out of range are refused for what is wrong with them, a
//! demand raised past what migplan plans is refused as an input, and validate checks every
//! number of a plan's cost.

mod common;

use std::path::{Path, PathBuf};

use common::{example, migplan, refuses, scratch, stderr, stdout, write};
use serde_json::Value;

/// Four generated models (seed 1) measured on both types (the H100 at 2.3 times the
/// throughput).
fn two_types(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let o = migplan(&["generate", "--models", "4", "--seed", "1", "--out-dir", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut two = String::from("model,profile,batch,latency_ms,throughput,gpu\n");
    for line in std::fs::read_to_string(dir.join("profiles.csv")).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let short = f[1].split('.').next().unwrap();
        let faster = (f[4].parse::<f64>().unwrap() * 230.0).round() / 100.0;
        two += &format!("{},{short},{},{},{},a100-40gb\n", f[0], f[2], f[3], f[4]);
        two += &format!("{},{short},{},{},{faster},h100-80gb\n", f[0], f[2], f[3]);
    }
    std::fs::write(dir.join("two.csv"), two).unwrap();
    (dir.join("two.csv"), dir.join("workload.csv"))
}

fn plan(profiles: &Path, workload: &Path, a100: f64, h100: f64, nodes: f64) -> Value {
    let (a, h, n) = (format!("a100-40gb={a100}"), format!("h100-80gb={h100}"), nodes.to_string());
    let args = [
        "plan",
        "--gpu",
        "a100-40gb",
        "--gpu",
        "h100-80gb",
        "--cost",
        &a,
        "--cost",
        &h,
        "--node-cost",
        &n,
        "--profiles",
        profiles.to_str().unwrap(),
        "--workload",
        workload.to_str().unwrap(),
        "--format",
        "json",
        "--time-limit",
        "10",
    ];
    let o = migplan(&args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn the_plan_and_its_proof_do_not_depend_on_the_price_scale() {
    let (p, w) = two_types("price-scale");
    // At x1e-6 this case was planned but not proven: the searches' tolerances were absolute.
    let unit = plan(&p, &w, 1.0, 2.2, 1.0);
    assert_eq!(unit["bound"]["proven_optimal"], true);
    for scale in [1e-6, 1e-3, 1e3, 1e6] {
        let scaled = plan(&p, &w, scale, 2.2 * scale, scale);
        assert_eq!(scaled["gpu_count"], unit["gpu_count"], "x{scale}");
        assert_eq!(scaled["bound"], unit["bound"], "x{scale}: the same proof");
        let cost = |plan: &Value, field: &str| plan["cost"][field].as_f64().unwrap();
        for field in ["total", "lower"] {
            let (a, b) = (cost(&unit, field) * scale, cost(&scaled, field));
            assert!((a - b).abs() <= 1e-9 * a.abs(), "x{scale} {field}: {a} against {b}");
        }
    }
}

#[test]
fn prices_out_of_range_are_refused_for_what_is_wrong_with_them() {
    let (p, w) = two_types("price-range");
    let run = |a100: &str, h100: &str| {
        let (a, h) = (format!("a100-40gb={a100}"), format!("h100-80gb={h100}"));
        vec![
            "plan".to_string(),
            "--gpu".into(),
            "a100-40gb".into(),
            "--gpu".into(),
            "h100-80gb".into(),
            "--cost".into(),
            a,
            "--cost".into(),
            h,
            "--profiles".into(),
            p.display().to_string(),
            "--workload".into(),
            w.display().to_string(),
        ]
    };
    for (a100, says) in [("1e-12", "at least 1e-6"), ("5e-324", "at least 1e-6"), ("1e12", "at most 1e9")] {
        let args = run(a100, "2.2");
        refuses(&args.iter().map(String::as_str).collect::<Vec<_>>(), says);
    }
    let args = run("0.0001", "2.2");
    refuses(&args.iter().map(String::as_str).collect::<Vec<_>>(), "more than 10000 times");
    // Given twice, a price would silently be the last: refused like a repeated --gpu.
    let mut args = run("1", "2.2");
    args.extend(["--cost".into(), "a100-40gb=3".into()]);
    refuses(&args.iter().map(String::as_str).collect::<Vec<_>>(), "--cost a100-40gb is given twice");
}

#[test]
fn a_demand_raised_past_the_largest_rate_is_refused_as_an_input() {
    let dir = scratch("raised");
    let profiles = write(&dir, "p.csv", "model,profile,batch,latency_ms,throughput\nbig,7g,1,10,1e9\n");
    let workload = write(&dir, "w.csv", "model,rate,slo_ms\nbig,1e9,50\n");
    let (p, w) = (profiles.as_str(), workload.as_str());
    refuses(
        &["plan", "--gpu", "a100-40gb", "--profiles", p, "--workload", w, "--headroom", "1000"],
        "w.csv:2: column `rate`: `big` at 1e9 x 11",
    );
    refuses(
        &["sweep", "--gpu", "a100-40gb", "--profiles", p, "--workload", w, "--from", "1", "--to", "4", "--steps", "2"],
        "x 4",
    );
    let e = example("a100-40gb-workload.csv");
    let pe = example("a100-40gb-profiles.csv");
    refuses(
        &[
            "plan",
            "--gpu",
            "a100-40gb",
            "--profiles",
            &pe,
            "--workload",
            &e,
            "--headroom-for",
            "bert=5",
            "--headroom-for",
            "bert=50",
        ],
        "--headroom-for: model `bert` is given twice",
    );
}

#[test]
fn validate_checks_every_number_of_a_plans_cost() {
    let (p, w) = two_types("validate-cost");
    let mixed = plan(&p, &w, 1.0, 2.2, 3.0);
    let dir = scratch("validate-cost-plans");
    let fleet = ["--gpu", "a100-40gb", "--gpu", "h100-80gb", "--cost", "a100-40gb=1", "--cost", "h100-80gb=2.2"];
    let validate = |plan: &Value| {
        let file = write(&dir, "plan.json", plan.to_string());
        let mut args = vec!["validate"];
        args.extend(fleet);
        args.extend(["--profiles", p.to_str().unwrap(), "--workload", w.to_str().unwrap(), "--plan", &file]);
        migplan(&args)
    };
    let o = validate(&mixed);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("cost.lower"), "a priced plan's claim is about its cost: {}", stdout(&o));
    // A node price that is no price, with the total made consistent with it.
    for (each, says) in [
        (-5.0, "cost.nodes.cost_each: -5 is not at least 1e-6"),
        (0.0, "cost.nodes.cost_each: 0"),
        (1e300, "at most 1e9"),
    ] {
        let mut bad = mixed.clone();
        let count = bad["cost"]["nodes"]["count"].as_f64().unwrap();
        let spent: f64 = bad["cost"]["per_type"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
        bad["cost"]["nodes"]["cost_each"] = each.into();
        bad["cost"]["total"] = (spent + count * each).into();
        bad["cost"]["lower"] = (spent + count * each).min(spent).into();
        let o = validate(&bad);
        assert_eq!(o.status.code(), Some(1), "{each}: {}", stdout(&o));
        assert!(stdout(&o).contains(says), "{each}: {}", stdout(&o));
    }
    let mut bad = mixed.clone();
    bad["cost"]["nodes"]["gpus_per_node"] = 1_000_000.into();
    assert!(stdout(&validate(&bad)).contains("cost.nodes.gpus_per_node: 1e6 is not"));
    let mut bad = mixed.clone();
    bad["cost"]["total"] = (-94.0).into();
    let o = validate(&bad);
    assert!(stdout(&o).contains("cost.total: -94 is not at least 0"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("but the plan gives"), "one reason, the right one: {}", stdout(&o));
}

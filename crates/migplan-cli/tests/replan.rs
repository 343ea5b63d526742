//! `migplan transition --workload-to` with `--extra-gpus` and `--pareto`: the running GPUs a
//! move touches, the proven minimum, and the trade-off against GPUs, as the binary prints them.

mod common;

use common::{migplan, scratch, stderr, stdout};

/// A generated running plan and the demand after `change`: (profiles, old workload, new
/// workload, running plan) paths.
fn generated(change: &str) -> [String; 4] {
    let dir = scratch(&format!("replan-{change}"));
    let d = dir.display().to_string();
    let o = migplan(&["generate", "--models", "10", "--seed", "3", "--change", change, "--out-dir", &d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let [p, w, n] = ["profiles.csv", "workload.csv", "workload-new.csv"].map(|f| dir.join(f).display().to_string());
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from = dir.join("from.json");
    std::fs::write(&from, stdout(&o)).unwrap();
    [p, w, n, from.display().to_string()]
}

fn transition(files: &[String; 4], extra: &[&str]) -> serde_json::Value {
    let [p, w, n, f] = files;
    let mut args = vec![
        "transition",
        "--gpu",
        "a100-40gb",
        "--profiles",
        p,
        "--from",
        f,
        "--workload-from",
        w,
        "--workload-to",
        n,
        "--spare",
        "20",
        "--time-limit",
        "5",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = migplan(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON")
}

#[test]
fn a_replanned_move_reports_running_touched_and_its_proven_minimum() {
    let files = generated("mixed");
    let t = transition(&files, &[]);
    let touched = t["running_touched"].as_u64().expect("running_touched");
    let lower = t["running_touched_lower_bound"].as_u64().expect("running_touched_lower_bound");
    assert!(lower <= touched && touched <= t["touched_gpus"].as_u64().unwrap(), "{t}");
}

#[test]
fn the_pareto_front_never_touches_more_with_more_gpus() {
    let files = generated("down30");
    let points = transition(&files, &["--pareto"]);
    let points = points.as_array().expect("an array of points");
    assert!(!points.is_empty());
    let touched: Vec<u64> = points.iter().map(|p| p["running_touched"].as_u64().unwrap()).collect();
    assert!(touched.windows(2).all(|w| w[1] <= w[0]), "{touched:?}");
    for (e, p) in points.iter().enumerate() {
        assert_eq!(p["extra_gpus"].as_u64(), Some(e as u64));
        assert!(p["running_touched_lower_bound"].as_u64().unwrap() <= p["running_touched"].as_u64().unwrap());
        assert_eq!(p["transition"]["running_touched"], p["running_touched"]);
    }
    // The table says the same.
    let [pr, w, n, f] = &files;
    let o = migplan(&[
        "transition",
        "--gpu",
        "a100-40gb",
        "--profiles",
        pr,
        "--from",
        f,
        "--workload-from",
        w,
        "--workload-to",
        n,
        "--spare",
        "20",
        "--time-limit",
        "5",
        "--pareto",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), points.len() + 1, "{}", stdout(&o));
}

#[test]
fn extra_gpus_with_a_target_plan_is_refused() {
    let files = generated("up30");
    let [p, _, _, f] = &files;
    let o =
        migplan(&["transition", "--gpu", "a100-40gb", "--profiles", p, "--from", f, "--to", f, "--extra-gpus", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--workload-to"), "{}", stderr(&o));
}

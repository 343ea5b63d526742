//! The command line at its edges: hostile numbers, broken files, plans that do not fit, a
//! closed pipe. Every case refuses with exit 2 and a located message, never a panic or a hang.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{example, migplan, plan_example, refuses, scratch, stderr, stdout, write};

fn example_inputs() -> (String, String) {
    (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"))
}

#[test]
fn a_huge_or_infinite_time_limit_is_refused_with_the_range() {
    let (p, w) = example_inputs();
    for limit in ["1e20", "inf", "-1", "0", "soon"] {
        let args = ["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--time-limit", limit];
        refuses(&args, "--time-limit");
    }
    refuses(&["bench", "--models", "5", "--seeds", "1", "--time-limit", "1e20"], "at most 1e6 s");
    refuses(&["bench", "--models", "0"], "from 1 to 100000");
    let dir = scratch("edges-time");
    let plan = write(&dir, "plan.json", plan_example(&[]).to_string());
    refuses(
        &[
            "transition",
            "--gpu",
            "a100-40gb",
            "--profiles",
            &p,
            "--from",
            &plan,
            "--workload-to",
            &w,
            "--time-limit",
            "inf",
        ],
        "--time-limit",
    );
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    // A plan of 150 models is far larger than a pipe's 64 KiB buffer, so writing it hits the
    // closed pipe.
    let dir = scratch("edges-pipe");
    let d = dir.display().to_string();
    assert!(migplan(&["generate", "--models", "150", "--seed", "2", "--out-dir", &d]).status.success());
    let (p, w) = (dir.join("profiles.csv").display().to_string(), dir.join("workload.csv").display().to_string());
    let mut child = Command::new(env!("CARGO_BIN_EXE_migplan"))
        .args(["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then hang up, as `| head -c 1` does.
    let mut first = [0u8; 1];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_full_disk_is_an_error_not_a_panic() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_migplan"))
        .args(["layouts", "--gpu", "a100-40gb", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
}

#[test]
fn transition_refuses_plans_for_another_gpu_or_with_unknown_profiles() {
    let dir = scratch("edges-gpu");
    let (p, w) = example_inputs();
    let mut plan = plan_example(&[]);
    plan["gpu"] = serde_json::json!("a100-80gb");
    let other = write(&dir, "other.json", plan.to_string());
    refuses(
        &["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &other, "--workload-to", &w],
        "not `a100-40gb`",
    );
    let mut plan = plan_example(&[]);
    plan["gpus"][0]["instances"][0]["profile"] = serde_json::json!("3g.40gb");
    let unknown = write(&dir, "unknown.json", plan.to_string());
    refuses(
        &["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &unknown, "--workload-to", &w],
        "not a profile of this GPU",
    );
}

#[test]
fn transition_refuses_broken_plans_whether_or_not_workloads_are_given() {
    let dir = scratch("edges-broken");
    let (p, w) = example_inputs();
    let good = write(&dir, "good.json", plan_example(&[]).to_string());
    let mut duplicate_ids = plan_example(&[]);
    duplicate_ids["gpus"][1]["id"] = duplicate_ids["gpus"][0]["id"].clone();
    let mut illegal_start = plan_example(&[]);
    illegal_start["gpus"][0]["instances"][0]["start"] = serde_json::json!(7);
    let mut overlap = plan_example(&[]);
    let first = overlap["gpus"][0]["instances"][0].clone();
    overlap["gpus"][0]["instances"].as_array_mut().unwrap().push(first);
    let mut duplicated_instance = plan_example(&[]);
    let copy = duplicated_instance["gpus"][0]["instances"][1].clone();
    duplicated_instance["gpus"][0]["instances"].as_array_mut().unwrap().push(copy);
    for (name, plan, says) in [
        ("ids", duplicate_ids, "appears more than once"),
        ("start", illegal_start, "cannot start at memory slot 7"),
        ("overlap", overlap, "overlap"),
        ("duplicated", duplicated_instance, "overlap"),
    ] {
        let broken = write(&dir, &format!("{name}.json"), plan.to_string());
        // As the running plan, with and without its workload.
        refuses(&["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &broken, "--to", &good], says);
        let with_workloads = [
            "transition",
            "--gpu",
            "a100-40gb",
            "--profiles",
            &p,
            "--from",
            &broken,
            "--workload-from",
            &w,
            "--workload-to",
            &w,
        ];
        refuses(&with_workloads, says);
        // As the target plan.
        refuses(&["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &good, "--to", &broken], says);
    }
}

#[test]
fn a_running_plan_without_throughputs_takes_them_from_the_profiles_or_says_which_it_cannot() {
    let dir = scratch("edges-unmeasured");
    let (p, w) = example_inputs();
    let mut plan = plan_example(&[]);
    for g in plan["gpus"].as_array_mut().unwrap() {
        for i in g["instances"].as_array_mut().unwrap() {
            i.as_object_mut().unwrap().remove("throughput");
        }
    }
    let unmeasured = write(&dir, "unmeasured.json", plan.to_string());
    // `validate` accepts it (capacities come from the profile rows) ...
    let o = migplan(&["validate", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--plan", &unmeasured]);
    assert!(o.status.success(), "{}", stdout(&o));
    // ... and so does a move, which takes each instance's throughput from the rows (as it does
    // for a plan read off a cluster) ...
    let o =
        migplan(&["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &unmeasured, "--workload-to", &w]);
    assert!(o.status.success(), "{}", stderr(&o));
    // ... unless no row measures an instance: then it names it.
    plan["gpus"][0]["instances"][0]["batch"] = serde_json::json!(999);
    let unmeasurable = write(&dir, "unmeasurable.json", plan.to_string());
    let err = refuses(
        &["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &unmeasurable, "--workload-to", &w],
        "at batch 999",
    );
    assert!(err.contains("GPU 0: no profile row of"), "{err}");
}

#[test]
fn rates_and_throughputs_out_of_range_are_refused_where_they_enter() {
    let dir = scratch("edges-range");
    let (p, _) = example_inputs();
    let huge_rate = write(&dir, "rate.csv", "model,rate,slo_ms\nbert-base-multilingual-cased,1e12,60\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &huge_rate], "rate.csv:2: column `rate`");
    // Within range, but needing more instances than any plan could hold.
    let many = write(&dir, "many.csv", "model,rate,slo_ms\nbert-base-multilingual-cased,1e9,60\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &many], "needs at least");
    let tiny = write(&dir, "tiny.csv", "model,profile,batch,latency_ms,throughput\nm,1g,1,10,1e-12\n");
    let w = write(&dir, "w.csv", "model,rate,slo_ms\nm,10,50\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &tiny, "--workload", &w], "tiny.csv:2: column `throughput`");
    let slow = write(&dir, "slow.csv", "model,profile,batch,latency_ms,throughput\nm,1g,1,10,1e-6\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &slow, "--workload", &w], "needs at least");
    let overflow = write(&dir, "overflow.csv", "model,profile,batch,latency_ms,throughput\nm,1g,1,10,1.7e308\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &overflow, "--workload", &w], "at most 1e9");
    refuses(&["generate", "--models", "18446744073709551615", "--out-dir", &dir.display().to_string()], "--models");
}

#[test]
fn a_column_given_twice_is_refused() {
    let dir = scratch("edges-columns");
    let (p, _) = example_inputs();
    let w = write(&dir, "w.csv", "model,rate,slo_ms,rate\nbert-base-multilingual-cased,900,60,100\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w], "appears twice");
}

#[test]
fn repeated_measurements_and_another_gpus_names_are_noted_once() {
    let dir = scratch("edges-notes");
    let profiles = write(
        &dir,
        "p.csv",
        "model,profile,batch,latency_ms,throughput\nm,1g.10gb,8,20,100\nm,1g.10gb,8,25,120\nm,7g,8,10,900\nm,7g,8,12,950\n",
    );
    let w = write(&dir, "w.csv", "model,rate,slo_ms\nm,300,50\n");
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &profiles, "--workload", &w]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("note:").count(), 2, "{err}");
    assert!(err.contains("2 rows repeat"), "{err}");
    assert!(err.contains("plain 1g of a100-80gb"), "{err}");
}

#[test]
fn validate_says_a_bound_is_a_claim_and_catches_an_inconsistent_one() {
    let dir = scratch("edges-bound");
    let (p, w) = example_inputs();
    let mut plan = plan_example(&[]);
    let count = plan["gpu_count"].as_u64().unwrap();
    plan["bound"] = serde_json::json!({"lower": count + 1, "proven_optimal": true});
    let path = write(&dir, "plan.json", plan.to_string());
    let o = migplan(&["validate", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w, "--plan", &path]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("above the plan's own"), "{out}");
    assert!(out.contains("proven_optimal is true"), "{out}");
    assert!(out.contains("the solver's claim"), "{out}");
}

#[test]
fn text_that_is_not_utf8_a_bom_and_an_empty_json_workload() {
    let dir = scratch("edges-text");
    let (p, _) = example_inputs();
    let latin1 = write(&dir, "latin1.csv", b"model,rate,slo_ms\nb\xe9rt,10,60\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &latin1], "latin1.csv:2");
    let bom = write(
        &dir,
        "bom.json",
        "\u{feff}{\"workload\": [{\"model\": \"bert-base-multilingual-cased\", \"rate\": 900, \"slo_ms\": 60}]}",
    );
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &bom]);
    assert!(o.status.success(), "{}", stderr(&o));
    let empty = write(&dir, "empty.json", "{\"workload\": []}");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &empty], "empty.json:1");
}

#[test]
fn a_row_after_blank_lines_is_named_by_the_line_an_editor_shows() {
    let dir = scratch("edges-blank-lines");
    let (p, _) = example_inputs();
    let w = write(&dir, "blank.csv", "model,rate,slo_ms\n\nbert-base-multilingual-cased,900,60\n\n\nvit,fast,60\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w], "blank.csv:6: column `rate`");
    let w = write(&dir, "crlf.csv", "model,rate,slo_ms\r\n\r\nbert-base-multilingual-cased,900,60\r\nvit,fast,60\r\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w], "crlf.csv:4: column `rate`");
}

#[test]
fn a_json_file_that_is_not_valid_json_says_where_the_json_breaks() {
    let dir = scratch("edges-json");
    let (p, w) = example_inputs();
    let broken =
        "{\n  \"workload\": [\n    {model: \"bert-base-multilingual-cased\", \"rate\": 900, \"slo_ms\": 60}\n  ]\n}\n";
    let workload = write(&dir, "workload.json", broken);
    let err =
        refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &workload], "workload.json:3:6: ");
    assert!(err.contains("not valid JSON: key must be a string"), "{err}");
    // Through the profiles' importer too, and whatever the file starts with.
    let profiles = write(&dir, "profiles.json", "profiles = []\n");
    let err =
        refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &profiles, "--workload", &w], "profiles.json:1:1: ");
    assert!(err.contains("not valid JSON") && !err.contains("header"), "{err}");
}

//! `migplan import` and `--profiles` in any format, on the real binary: fixtures written from
//! the format descriptions (tests/fixtures/import) and ParvaGPU's published files.

mod common;

use std::path::PathBuf;

use common::{migplan, root, scratch, stderr, stdout};

fn fixture(name: &str) -> String {
    root().join("tests/fixtures/import").join(name).display().to_string()
}

fn parvagpu() -> Option<PathBuf> {
    let dir = root().join("../shared/data/parvagpu");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprint_past_capture(&format!(
            "skipped: {} is missing; ParvaGPU's published files sit beside CI's checkout",
            dir.display()
        ));
        None
    }
}

#[test]
fn import_writes_the_contract_csv_and_reports_skipped_rows() {
    let out = scratch("import").join("profiles.csv");
    let o = migplan(&[
        "import",
        &fixture("resnet50@3g.20gb@b8.csv"),
        &fixture("bert@1g.5gb@b2.csv"),
        "--latency",
        "p90",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "model,profile,batch,latency_ms,throughput,processes");
    assert_eq!(lines[1], "resnet50,3g.20gb,8,21.9,412.8,1");
    assert_eq!(lines[5], "bert,1g.5gb,2,10.15,40.2,1");
    assert_eq!(lines.len(), 7);
    let err = stderr(&o);
    assert!(err.contains("bert@1g.5gb@b2.csv:4: skipped: latency 0 is not above 0"), "{err}");
    assert!(
        err.contains("perf-analyzer (model bert, profile 1g.5gb, batch 2): 3 rows read, 2 kept, 1 skipped"),
        "{err}"
    );
}

#[test]
fn import_takes_flags_where_the_file_name_says_nothing() {
    let f = fixture("decoupled-run.csv");
    let o = migplan(&["import", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not say which model"), "{}", stderr(&o));
    let o = migplan(&["import", "--from", "perf-analyzer", "--model", "llm", "--profile", "3g", "--batch", "4", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().nth(1), Some("llm,3g,4,8.65,120.5,1"));
}

#[test]
fn an_unknown_file_names_the_headers_expected() {
    let path = scratch("unknown").join("gpu.csv");
    std::fs::write(&path, "Model,GPU UUID,GPU Memory Usage (MB)\nm,GPU-1,10\n").unwrap();
    let o = migplan(&["import", &path.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("gpu.csv:1") && err.contains("does not recognise"), "{err}");
    assert!(err.contains("Inferences/Second") && err.contains("Workload Number"), "{err}");
}

#[test]
fn plan_reads_profiler_files_directly_several_profiles_flags() {
    let workload = scratch("mixed").join("workload.csv");
    std::fs::write(&workload, "model,rate,slo_ms\nresnet50,880,70\ntinybert,2000,10\n").unwrap();
    let (pa, mp) = (fixture("resnet50@3g.20gb@b8.csv"), fixture("tinybert_MIG_profile_9.csv"));
    let w = workload.display().to_string();
    let args =
        ["plan", "--gpu", "a100-40gb", "--profiles", &pa, "--profiles", &mp, "--workload", &w, "--format", "json"];
    let o = migplan(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("note: imported"), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let instances: Vec<&serde_json::Value> =
        plan["gpus"].as_array().unwrap().iter().flat_map(|g| g["instances"].as_array().unwrap()).collect();
    // resnet50 at 70 ms p99 runs at 449.6/s (the 60.23 ms row): two 3g instances.
    let resnet: Vec<_> = instances.iter().filter(|i| i["model"] == "resnet50").collect();
    assert_eq!(resnet.len(), 2);
    assert!(resnet.iter().all(|i| i["profile"] == "3g.20gb" && i["throughput"] == 449.6 && i["batch"] == 8));
    let tiny: Vec<_> = instances.iter().filter(|i| i["model"] == "tinybert").collect();
    assert!(tiny.iter().all(|i| i["profile"] == "3g.20gb" && i["throughput"] == 1729.7), "{tiny:?}");
}

/// ParvaGPU's six SLO scenarios planned straight from its prof_data files (MPS rows
/// included) against the GPUs of ParvaGPU's own published deployments.
#[test]
fn parvagpu_scenarios_plan_from_prof_data_in_fewer_gpus_than_parvagpu() {
    let Some(data) = parvagpu() else { return };
    let mut prof: Vec<String> =
        std::fs::read_dir(data.join("prof_data")).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    prof.sort();
    let slo = |f: &str| data.join("SLO").join(f).display().to_string();
    let dir = scratch("parvagpu");
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for k in 1..=6 {
        let workload = dir.join(format!("SLO{k}.csv")).display().to_string();
        let profiles = dir.join("profiles.csv").display().to_string();
        let (rates, latency, scenario) = (slo("SLO_req_rate.csv"), slo("SLO_latency.csv"), k.to_string());
        let mut args = vec!["import", "--gpu", "a100-80gb", "--out", &profiles, "--scenario", &scenario];
        args.extend(["--slo-rates", &rates, "--slo-latency", &latency, "--workload-out", &workload]);
        args.extend(prof.iter().map(String::as_str));
        let o = migplan(&args);
        assert!(o.status.success(), "{}", stderr(&o));

        let mut args = vec!["plan", "--gpu", "a100-80gb", "--workload", &workload, "--format", "json"];
        for p in &prof {
            args.extend(["--profiles", p.as_str()]);
        }
        let o = migplan(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        ours.push(plan["gpu_count"].as_u64().unwrap() as usize);

        let deploy =
            std::fs::read_to_string(data.join(format!("deployment/SLO{k}/SLO{k}_ParvaGPU_deploy.csv"))).unwrap();
        let mut gpus: Vec<(&str, &str)> = deploy
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut c = l.split(',');
                (c.next().unwrap(), c.next().unwrap())
            })
            .collect();
        gpus.sort();
        gpus.dedup();
        theirs.push(gpus.len());
    }
    println!(
        "ParvaGPU scenarios 1-6: migplan {ours:?} = {} GPUs, ParvaGPU {theirs:?} = {} GPUs",
        ours.iter().sum::<usize>(),
        theirs.iter().sum::<usize>()
    );
    assert_eq!(ours, [2, 3, 4, 6, 11, 14]);
    assert_eq!(ours.iter().sum::<usize>(), 40);
    assert_eq!(theirs.iter().sum::<usize>(), 46);
}

/// Prints straight to standard error, past the test harness's capture, so a skip shows in
/// every run, not only with --nocapture.
fn eprint_past_capture(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

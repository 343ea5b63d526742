//! Nothing lost at the edges, on the real binary: names a reader would take for a comment,
//! outputs that would overwrite inputs, rows under the wrong header, file names and flags
//! that say nothing sensible, counts that would wrap, and what reaches a terminal.

mod common;

use std::path::Path;

use common::{example, migplan, plan_example, refuses, root, scratch, stderr, stdout, write};

const PERF: &str = "Concurrency,Inferences/Second,p99 latency\n1,100,20000\n2,180,30000\n";
const PARVA: &str = "Mig instance,Batch size,Workload Number,Throughput,Latency\n1,2,1,500,0.01\n7,8,1,4000,0.01\n";

#[test]
fn a_model_named_with_a_hash_is_imported_quoted_and_planned() {
    let dir = scratch("hash-names");
    let bert = write(&dir, "#bert.csv", PARVA);
    let resnet = write(&dir, "#resnet@3g.20gb@b8.csv", PERF);
    let out = dir.join("profiles.csv").display().to_string();
    let o = migplan(&["import", "--gpu", "a100-40gb", &bert, &resnet, "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("\n\"#bert\",1g.5gb,") && csv.contains("\n\"#resnet\",3g.20gb,8,"), "{csv}");
    let workload = write(&dir, "w.csv", "model,rate,slo_ms\n\"#bert\",900,50\n\"#resnet\",100,50\n");
    let o = migplan(&["plan", "--gpu", "a100-40gb", "--profiles", &out, "--workload", &workload, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let models: Vec<&str> = plan["models"].as_array().unwrap().iter().map(|m| m["model"].as_str().unwrap()).collect();
    assert_eq!(models, ["#bert", "#resnet"]);
}

#[test]
fn a_parvagpu_model_with_a_rate_but_no_latency_is_refused_and_absent_models_are_named() {
    let dir = scratch("parva-na");
    let files: Vec<String> = ["a.csv", "b.csv", "c.csv"].iter().map(|f| write(&dir, f, PARVA)).collect();
    let rates = write(&dir, "rates.csv", "10,20,N/A\n10,N/A,N/A\nN/A,N/A,N/A\n");
    let slos = write(&dir, "slos.csv", "50,N/A,N/A\n50,N/A,N/A\nN/A,N/A,N/A\n");
    let (out, workload) = (dir.join("p.csv").display().to_string(), dir.join("w.csv").display().to_string());
    let run = |k: &str| {
        let mut args = vec!["import", "--gpu", "a100-80gb"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--out", &out, "--scenario", k, "--slo-rates", &rates, "--slo-latency", &slos]);
        args.extend(["--workload-out", &workload]);
        migplan(&args)
    };
    let o = run("1");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`b` has a rate of 20 but its latency SLO is N/A"), "{}", stderr(&o));
    assert!(!Path::new(&workload).exists(), "nothing is written for a refused scenario");
    let o = run("3");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lists no model"), "{}", stderr(&o));
    let o = run("2");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("scenario 2 leaves out these models (N/A in both SLO files): b, c"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&workload).unwrap(), "model,rate,slo_ms\na,10,50\n");
}

#[test]
fn an_output_that_is_an_input_or_another_output_is_refused_before_anything_is_written() {
    let dir = scratch("same-file");
    let perf = write(&dir, "m@1g@b1.csv", PERF);
    let (rates, slos) = (write(&dir, "r.csv", "10\n"), write(&dir, "s.csv", "50\n"));
    let both = dir.join("both.csv").display().to_string();
    let err = refuses(
        &[
            "import",
            &perf,
            "--out",
            &both,
            "--scenario",
            "1",
            "--slo-rates",
            &rates,
            "--slo-latency",
            &slos,
            "--workload-out",
            &both,
        ],
        "--workload-out",
    );
    assert!(err.contains("same file as --out"), "{err}");
    assert!(!Path::new(&both).exists());
    // The same file by another spelling, for a command's input.
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let copy = write(&dir, "profiles.csv", std::fs::read(&p).unwrap());
    let spelled = dir.join(".").join("profiles.csv").display().to_string();
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &copy, "--workload", &w, "--out", &spelled], "same file");
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&p).unwrap(), "the input is intact");
    let plan = write(&dir, "plan.json", plan_example(&[]).to_string());
    refuses(&["export", "--plan", &plan, "--format", "csv", "--out", &plan], "same file");
}

#[test]
fn node_names_name_each_node_once_and_no_more() {
    let dir = scratch("node-names");
    let plan = write(&dir, "plan.json", plan_example(&[]).to_string());
    refuses(&["export", "--plan", &plan, "--format", "gpu-operator", "--node-names", "a,a"], "given twice");
    let many: Vec<String> = (0..300).map(|i| format!("n{i}")).collect();
    refuses(
        &["export", "--plan", &plan, "--format", "gpu-operator", "--node-names", &many.join(",")],
        "300 node names given but there is 1 node",
    );
}

#[test]
fn transition_writes_its_steps_to_out() {
    let dir = scratch("transition-out");
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let plan = write(&dir, "plan.json", plan_example(&[]).to_string());
    let out = dir.join("steps.txt");
    let args = ["transition", "--gpu", "a100-40gb", "--profiles", &p, "--from", &plan, "--workload-to", &w];
    let o = migplan(&[&args[..], &["--time-limit", "2", "--out", out.to_str().unwrap()]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "the steps go to --out");
    assert!(std::fs::read_to_string(&out).unwrap().contains("steps:"));
    // A count that would wrap when added to the optimum is refused where it enters.
    refuses(&[&args[..], &["--extra-gpus", "18446744073709551610"]].concat(), "from 0 to 1000000");
}

#[test]
fn profiler_rows_longer_than_their_header_are_refused() {
    let dir = scratch("long-rows");
    // A p99 written 15,266: every later value one column to the right.
    let file = write(&dir, "m@1g@b1.csv", "Concurrency,Inferences/Second,p99 latency\n1,100,15,266\n");
    refuses(&["import", &file], "m@1g@b1.csv:2: this row has 4 fields but the header has 3");
    let ma =
        write(&dir, "metrics@3g.csv", "Model,Batch,Throughput (infer/sec),p99 Latency (ms)\n1,354.1,4,15000,20000\n");
    refuses(&["import", &ma], "this row has 5 fields");
}

#[test]
fn file_names_and_flags_that_name_no_batch_or_profile_are_refused() {
    let dir = scratch("bad-names");
    for name in ["m@1g@b99999999999999999999.csv", "m@1g@bx.csv", "a@b@c@d.csv"] {
        let file = write(&dir, name, PERF);
        refuses(&["import", &file], "file name");
    }
    let file = write(&dir, "perf.csv", PERF);
    refuses(&["import", &file, "--model", "m", "--profile", "9g"], "`9g` is not a MIG profile");
    let migperf = write(&dir, "b.csv", "model_name,batch_size,latency,throughput,mig_profile\nb,2,4.5,444.4,-1\n");
    refuses(&["import", &migperf], "`-1` is not a MIG profile");
}

#[test]
fn a_header_of_millions_of_columns_is_refused_at_once() {
    let dir = scratch("wide");
    let wide = write(&dir, "wide.csv", format!("{}\n", vec!["c"; 5_000_000].join(",")));
    let w = example("a100-40gb-workload.csv");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &wide, "--workload", &w], "more than 1000 fields");
    refuses(&["import", &wide], "more than 1000 fields");
}

#[test]
fn terminal_escapes_in_the_input_never_reach_the_terminal() {
    let dir = scratch("escapes");
    let p = example("a100-40gb-profiles.csv");
    let w = write(&dir, "w.csv", "model,rate,slo_ms\nbert,\u{1b}[2J\u{7},50\n");
    let err = refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w], "\\u{1b}[2J\\u{7}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    // A name with one is refused where it is read.
    let w = write(&dir, "w2.csv", "model,rate,slo_ms\nb\u{1b}[31mert,1,50\n");
    refuses(&["plan", "--gpu", "a100-40gb", "--profiles", &p, "--workload", &w], "control character U+001B");
}

#[test]
fn a_plan_naming_models_no_reader_accepts_is_not_exported() {
    let dir = scratch("bad-plan-names");
    let mut plan = plan_example(&[]);
    plan["gpus"][0]["instances"][0]["model"] = "=HYPERLINK(\"x\")".into();
    let file = write(&dir, "plan.json", plan.to_string());
    refuses(&["export", "--plan", &file, "--format", "csv"], "formula");
    plan["gpus"][0]["instances"][0]["model"] = "a\u{1b}b".into();
    let file = write(&dir, "plan2.json", plan.to_string());
    refuses(&["export", "--plan", &file, "--format", "svg"], "control character");
    // An SVG of more GPUs than a picture draws is refused with what to do instead.
    let mut big = plan_example(&[]);
    let gpu = big["gpus"][0].clone();
    let gpus: Vec<serde_json::Value> = (0..10_001)
        .map(|id| {
            let mut g = gpu.clone();
            g["id"] = id.into();
            g
        })
        .collect();
    big["gpus"] = gpus.into();
    big["gpu_count"] = 10_001.into();
    let file = write(&dir, "big.json", big.to_string());
    refuses(&["export", "--plan", &file, "--format", "svg"], "export csv");
    assert!(root().join("README.md").exists());
}

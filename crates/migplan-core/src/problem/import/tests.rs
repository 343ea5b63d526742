use super::*;
use crate::hardware::catalog::gpu;

fn options() -> ImportOptions {
    ImportOptions::default()
}

const PA: &str =
    "Concurrency,Inferences/Second,Client Send,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency\n\
                  1,100.5,10,1,2000,3000,4000,5000\n";

#[test]
fn file_names_say_model_profile_and_batch() {
    let g = from_file_name("runs/resnet50@3g.20gb@b8.csv");
    assert_eq!(g, Given { model: Some("resnet50".into()), profile: Some("3g.20gb".into()), batch: Some(8) });
    let g = from_file_name("bert@1g.5gb.csv");
    assert_eq!(g, Given { model: Some("bert".into()), profile: Some("1g.5gb".into()), batch: None });
    assert_eq!(from_file_name("perf.csv"), Given::default());
    assert_eq!(from_file_name("@7g.40gb.csv").profile.as_deref(), Some("7g.40gb"));
}

#[test]
fn formats_are_recognised_by_their_header() {
    let detected = |text: &str| detect(&Table::read("f.csv", text).unwrap());
    assert_eq!(detected(PA), Some(Format::PerfAnalyzer));
    assert_eq!(detected("Request Rate,Inferences/Second,p99 latency\n"), Some(Format::PerfAnalyzer));
    assert_eq!(detected("Model,Batch,Throughput (infer/sec),p99 Latency (ms)\n"), Some(Format::ModelAnalyzer));
    assert_eq!(detected("model_name,batch_size,latency,throughput\n"), Some(Format::Migperf));
    assert_eq!(detected("Mig instance,Batch size,Workload Number,Throughput,Latency\n"), Some(Format::Parvagpu));
    assert_eq!(detected("model,profile,batch,latency_ms,throughput\n"), Some(Format::Migplan));
    assert_eq!(detected("Model,GPU UUID,GPU Memory Usage (MB)\n"), None);
    // migplan's own header with a column missing goes to its reader, which names the column.
    let e = import("p.csv", "model,profile,batch,latency_ms\nm,3g,1,5\n", &options()).unwrap_err().to_string();
    assert!(e.contains("lacks column throughput"), "{e}");
}

#[test]
fn an_unknown_file_is_an_error_naming_the_headers_expected() {
    let e = import("gpu.csv", "Model,GPU UUID,GPU Memory Usage (MB)\nm,GPU-1,10\n", &options()).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("gpu.csv:1"), "{text}");
    assert!(text.contains("Inferences/Second") && text.contains("Throughput (infer/sec)"), "{text}");
    assert!(text.contains("Mig instance") && text.contains("model_name"), "{text}");
}

#[test]
fn perf_analyzer_needs_model_and_profile_and_assumes_batch_one() {
    let e = import("perf.csv", PA, &options()).unwrap_err().to_string();
    assert!(e.contains("which model") && e.contains("MODEL@PROFILE@bBATCH.csv"), "{e}");
    let mut o = options();
    o.given = Given { model: Some("m".into()), profile: Some("2g".into()), batch: None };
    let imported = import("perf.csv", PA, &o).unwrap();
    assert_eq!(imported.rows[0].batch, 1);
    assert!(imported.report.notes[0].contains("-b 1"));
    assert_eq!(imported.rows[0].latency_ms, 5.0);
    o.latency = Percentile::P50;
    assert_eq!(import("perf.csv", PA, &o).unwrap().rows[0].latency_ms, 2.0);
}

#[test]
fn a_missing_percentile_column_is_named() {
    let text = "Concurrency,Inferences/Second,p99 latency\n1,10,100\n";
    let mut o = options();
    o.given = from_file_name("m@1g@b1.csv");
    o.latency = Percentile::P95;
    let e = import("m@1g@b1.csv", text, &o).unwrap_err().to_string();
    assert!(e.contains("`p95 latency`") && e.contains("the header has Concurrency"), "{e}");
}

#[test]
fn skipped_rows_are_reported_with_their_line_and_counted() {
    let text = "Concurrency,Inferences/Second,p99 latency\n1,10,100\n2,0,100\n3,abc,100\n";
    let imported = import("m@1g@b4.csv", text, &options()).unwrap();
    let r = &imported.report;
    assert_eq!((r.read, r.kept, r.skipped.len()), (3, 1, 2));
    assert_eq!(r.skipped[0].line, 3);
    assert!(r.skipped[0].reason.contains("throughput 0"), "{}", r.skipped[0]);
    assert_eq!(r.skipped[1].to_string(), "m@1g@b4.csv:4: skipped: `Inferences/Second` is `abc`, not a number");
    assert_eq!(
        r.summary(),
        "m@1g@b4.csv: perf-analyzer (model m, profile 1g, batch 4): 3 rows read, 1 kept, 2 skipped"
    );
}

#[test]
fn skipped_rows_after_blank_lines_and_crlf_name_the_lines_an_editor_shows() {
    let text = "Concurrency,Inferences/Second,p99 latency\r\n1,10,100\r\n\r\n\r\n2,0,100\r\n";
    let imported = import("m@1g@b4.csv", text, &options()).unwrap();
    assert_eq!(imported.report.skipped.iter().map(|s| s.line).collect::<Vec<_>>(), [5]);
    assert_eq!(imported.rows[0].loc.line, 2);
    // A header below a comment: its problems name its own line.
    let text = "# perf_analyzer -m m\n\nConcurrency,p99 latency\n1,100\n";
    let e = import("m@1g@b4.csv", text, &options()).unwrap_err().0.remove(0);
    assert_eq!(e.line, Some(3), "{e}");
}

#[test]
fn a_broken_json_file_is_read_as_json_not_as_an_unknown_header() {
    for (file, text) in [("p.json", "profiles: []\n"), ("p.csv", "{\"profiles\": [\n  {\"model\" \"m\"}\n]}")] {
        let e = import(file, text, &options()).unwrap_err().0.remove(0);
        assert!(e.message.starts_with("not valid JSON"), "{file}: {e}");
        assert_eq!(detect_format(file, text), Some(Format::Migplan), "{file}");
    }
    let e = import("p.csv", "{\"profiles\": [\n  {\"model\" \"m\"}\n]}", &options()).unwrap_err();
    assert!(e.to_string().starts_with("p.csv:2:12: not valid JSON: expected `:`"), "{e}");
}

#[test]
fn migplan_files_pass_through_and_merge_with_others() {
    let native = "model,profile,batch,latency_ms,throughput\nm,3g,1,5,100\n";
    let files = vec![("a.csv", native, options()), ("m@1g@b2.csv", PA, options())];
    let (rows, reports) = import_all(files).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(reports[0].format, Format::Migplan);
    assert_eq!(rows[1].loc.to_string(), "m@1g@b2.csv:2");
    let csv = profiles_csv(&rows);
    assert_eq!(csv, "model,profile,batch,latency_ms,throughput,processes\nm,3g,1,5,100,1\nm,1g,2,5,100.5,1\n");
}

#[test]
fn migperf_profile_ids_need_the_gpu_for_full_names() {
    let text = "model_name,batch_size,latency,throughput\nb,2,4.5,444.4\n";
    let short = import("b_MIG_profile_14.csv", text, &options()).unwrap();
    assert_eq!(short.rows[0].profile, "2g");
    let mut o = options();
    o.gpu = gpu("a100-40gb");
    assert_eq!(import("b_MIG_profile_14.csv", text, &o).unwrap().rows[0].profile, "2g.10gb");
    let e = import("b.csv", text, &options()).unwrap_err().to_string();
    assert!(e.contains("which profile"), "{e}");
}

#[test]
fn parvagpu_scenarios_become_workloads() {
    let models: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let rates = ("rates.csv", "10,N/A,30\n11,21,31");
    let slos = ("slos.csv", "100,N/A,300\n110,210,310\n");
    let w = parvagpu::scenario(rates, slos, &models, 1).unwrap();
    assert_eq!(
        w.iter().map(|r| (r.model.as_str(), r.rate, r.slo_ms)).collect::<Vec<_>>(),
        [("a", 10.0, 100.0), ("c", 30.0, 300.0)]
    );
    assert_eq!(parvagpu::scenario(rates, slos, &models, 2).unwrap().len(), 3);
    let e = parvagpu::scenario(rates, slos, &models, 3).unwrap_err().to_string();
    assert!(e.contains("no scenario 3"), "{e}");
    let e = parvagpu::scenario(rates, slos, &models[..2], 1).unwrap_err().to_string();
    assert!(e.contains("rates.csv:1") && e.contains("3 columns but 2 models"), "{e}");
    assert_eq!(parvagpu::workload_csv(&w), "model,rate,slo_ms\na,10,100\nc,30,300\n");
}

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
    let g = from_file_name("runs/resnet50@3g.20gb@b8.csv").unwrap();
    assert_eq!(g, Given { model: Some("resnet50".into()), profile: Some("3g.20gb".into()), batch: Some(8) });
    let g = from_file_name("bert@1g.5gb.csv").unwrap();
    assert_eq!(g, Given { model: Some("bert".into()), profile: Some("1g.5gb".into()), batch: None });
    assert_eq!(from_file_name("perf.csv").unwrap(), Given::default());
    assert_eq!(from_file_name("@7g.40gb.csv").unwrap().profile.as_deref(), Some("7g.40gb"));
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
    o.given = from_file_name("m@1g@b1.csv").unwrap();
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
    let csv = crate::problem::input::profiles_csv(&rows);
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
fn migperf_profiles_by_memory_come_from_the_name_or_an_instance_memory_column() {
    let mut o = options();
    o.gpu = gpu("a100-40gb");
    let text = "model_name,batch_size,latency,throughput\nb,2,4.5,444.4\n";
    let named = import("MiniLM_infer_10g_bsz.csv", text, &o).unwrap();
    assert_eq!((named.rows[0].profile.as_str(), named.report.profile.as_deref()), ("2g.10gb", Some("2g.10gb")));
    assert!(named.report.notes.iter().any(|n| n.contains("memory")), "{:?}", named.report.notes);
    assert_eq!(import("vit_05g.csv", text, &o).unwrap().rows[0].profile, "1g.5gb");
    // Every slice in one file, the memory per row.
    let all = "Unnamed: 0,model_name,batch_size,latency,throughput,instance_memory\n\
               0,b,1,11.17,89.53,5\n0,b,1,11.1,90.12,10\n0,b,1,11.12,89.91,20\n0,b,1,11.1,90.11,40\n";
    let read = import("bert-base_bsz.csv", all, &o).unwrap();
    let profiles: Vec<&str> = read.rows.iter().map(|r| r.profile.as_str()).collect();
    assert_eq!(profiles, ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"]);
    assert_eq!(read.report.profile, None);
    // Memory no plain profile has is a skipped row; without a GPU, the file says what to give.
    let odd = import("b.csv", &all.replace(",40\n", ",15\n"), &o).unwrap();
    assert_eq!((odd.report.kept, odd.report.skipped.len()), (3, 1));
    assert!(odd.report.skipped[0].reason.contains("15 GB"), "{:?}", odd.report.skipped);
    let e = import("MiniLM_infer_10g_bsz.csv", text, &options()).unwrap_err().to_string();
    assert!(e.contains("10 GB") && e.contains("--gpu"), "{e}");
}

#[test]
fn parvagpu_scenarios_become_workloads() {
    let models: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let rates = ("rates.csv", "10,N/A,30\n11,21,31");
    let slos = ("slos.csv", "100,N/A,300\n110,210,310\n");
    let s = parvagpu::scenario(rates, slos, &models, 1).unwrap();
    assert_eq!(
        s.workload.iter().map(|r| (r.model.as_str(), r.rate, r.slo_ms)).collect::<Vec<_>>(),
        [("a", 10.0, 100.0), ("c", 30.0, 300.0)]
    );
    assert_eq!(s.absent, ["b"]);
    assert_eq!(parvagpu::scenario(rates, slos, &models, 2).unwrap().workload.len(), 3);
    let e = parvagpu::scenario(rates, slos, &models, 3).unwrap_err().to_string();
    assert!(e.contains("no scenario 3"), "{e}");
    let e = parvagpu::scenario(rates, slos, &models[..2], 1).unwrap_err().to_string();
    assert!(e.contains("rates.csv:1") && e.contains("3 columns but 2 models"), "{e}");
    assert_eq!(crate::problem::input::workload_csv(&s.workload), "model,rate,slo_ms\na,10,100\nc,30,300\n");
}

#[test]
fn a_parvagpu_model_with_a_rate_but_no_slo_is_refused_not_left_out() {
    let models: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let rates = ("rates.csv", "10,20,30\n");
    let slos = ("slos.csv", "100,N/A,300\n");
    let e = parvagpu::scenario(rates, slos, &models, 1).unwrap_err().0;
    assert_eq!((e[0].file.as_str(), e[0].line, e[0].column.as_deref()), ("slos.csv", Some(1), Some("b")));
    assert!(e[0].message.contains("a rate of 20 but its latency SLO is N/A"), "{}", e[0]);
    let e = parvagpu::scenario(("rates.csv", "N/A,20,30\n"), ("slos.csv", "1,2,3\n"), &models, 1).unwrap_err().0;
    assert!(e[0].message.contains("its rate is N/A"), "{}", e[0]);
    // Every model N/A: no workload at all, which is refused rather than planned as nothing.
    let none = ("none.csv", "N/A,N/A,N/A\n");
    let e = parvagpu::scenario(none, none, &models, 1).unwrap_err().to_string();
    assert!(e.contains("lists no model"), "{e}");
}

#[test]
fn a_model_named_with_a_hash_is_written_quoted_and_reads_back() {
    let text = "Mig instance,Batch size,Workload Number,Throughput,Latency\n1,2,1,50,0.01\n";
    let imported = import("prof_data/#bert.csv", text, &options()).unwrap();
    assert_eq!(imported.rows[0].model, "#bert");
    let written = crate::problem::input::profiles_csv(&imported.rows);
    assert!(written.contains("\n\"#bert\",1g,"), "{written}");
    let read = crate::problem::input::parse_profiles("p.csv", &written).unwrap();
    assert_eq!(read.iter().map(|r| r.model.as_str()).collect::<Vec<_>>(), ["#bert"]);
    let pa = import("#resnet@3g.20gb@b8.csv", PA, &options()).unwrap();
    let read = crate::problem::input::parse_profiles("p.csv", &crate::problem::input::profiles_csv(&pa.rows)).unwrap();
    assert_eq!((read.len(), read[0].model.as_str(), read[0].batch), (1, "#resnet", 8));
}

#[test]
fn rows_longer_than_their_header_are_refused_by_every_importer() {
    // perf_analyzer's p99 written 15,266: every value after it one column to the right.
    let text = "Concurrency,Inferences/Second,p99 latency\n1,100,15,266\n2,150,16000\n";
    let e = import("m@1g@b1.csv", text, &options()).unwrap_err().0;
    assert_eq!(e.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(2)], "{e:?}");
    assert!(e[0].message.contains("4 fields but the header has 3"), "{}", e[0]);
    // A Model Analyzer header over perf_analyzer's rows.
    let text = "Model,Batch,Throughput (infer/sec),p99 Latency (ms)\n1,354.1,4,15000,20000,21000\n";
    assert!(import("m@1g.csv", text, &options()).is_err());
    let text = "model_name,batch_size,latency,throughput\nb,2,4.5,444.4,9\n";
    assert!(import("b_MIG_profile_14.csv", text, &options()).is_err());
    let text = "Mig instance,Batch size,Workload Number,Throughput,Latency\n1,2,1,50,0.01,7\n";
    assert!(import("bert.csv", text, &options()).is_err());
}

#[test]
fn a_header_of_too_many_columns_is_refused_before_it_is_read() {
    let wide = format!("{}\n1\n", vec!["c"; 2_000_000].join(","));
    for file in ["m@1g@b1.csv", "p.csv"] {
        let e = import(file, &wide, &options()).unwrap_err().0;
        assert!(e[0].message.contains("more than 1000 fields"), "{file}: {}", e[0]);
    }
    assert!(crate::problem::input::parse_workload("w.csv", &wide).is_err());
}

#[test]
fn batches_and_profiles_that_name_nothing_are_refused() {
    for name in ["m@1g@b99999999999999999999.csv", "m@1g@bx.csv", "m@1g@b0.csv", "a@b@c@d.csv"] {
        let e = import(name, PA, &options()).unwrap_err().to_string();
        assert!(e.contains("file name"), "{name}: {e}");
    }
    // Flags that say it all leave the file name unread.
    let mut o = options();
    o.given = Given { model: Some("m".into()), profile: Some("1g".into()), batch: Some(2) };
    assert_eq!(import("run@2024@x.csv", PA, &o).unwrap().rows[0].batch, 2);
    o.given.profile = Some("9g".into());
    let e = import("perf.csv", PA, &o).unwrap_err().0;
    assert_eq!(e[0].column.as_deref(), Some("profile"));
    assert!(e[0].message.contains("`9g` is not a MIG profile"), "{}", e[0]);
    assert!(import("m@9g.99gb@b1.csv", PA, &options()).is_err());
    // MIGPerf's mig_profile column: a row naming no profile is skipped and said.
    let text = "model_name,batch_size,latency,throughput,mig_profile\nb,2,4.5,444.4,-1\nb,2,4.5,444.4,9g.99gb\nb,2,4.5,444.4,3g.20gb\n";
    let imported = import("b.csv", text, &options()).unwrap();
    assert_eq!(imported.rows.len(), 1);
    assert!(imported.report.skipped[0].reason.contains("`-1` is not a MIG profile"), "{}", imported.report.skipped[0]);
    // A model whose name a spreadsheet would run.
    let e = import("=cmd@1g@b1.csv", PA, &options()).unwrap_err().to_string();
    assert!(e.contains("formula"), "{e}");
}

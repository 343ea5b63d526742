//! The importers on fixtures written from the public format descriptions
//! (tests/fixtures/import): every number converted, row by row.

use std::path::{Path, PathBuf};

use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::import::{import, Format, Given, ImportOptions, Imported, Percentile};

fn fixture(name: &str) -> (String, String) {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/import").join(name);
    (name.to_string(), std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn read(name: &str, options: ImportOptions) -> Imported {
    let (file, text) = fixture(name);
    import(&file, &text, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// (model, profile, batch, latency_ms, throughput, processes, line) of every row.
type Row = (&'static str, &'static str, u32, f64, f64, u32, u64);

fn assert_rows(imported: &Imported, expected: &[Row]) {
    let got: Vec<_> = imported
        .rows
        .iter()
        .map(|r| (r.model.as_str(), r.profile.as_str(), r.batch, r.latency_ms, r.throughput, r.processes, r.loc.line))
        .collect();
    let expected: Vec<_> = expected.iter().map(|&(m, p, b, l, t, n, line)| (m, p, b, l, t, n, line)).collect();
    assert_eq!(got, expected);
}

#[test]
fn perf_analyzer_concurrency_sweep_from_the_file_name() {
    let imported = read("resnet50@3g.20gb@b8.csv", ImportOptions::default());
    assert_eq!(imported.report.format, Format::PerfAnalyzer);
    assert_rows(
        &imported,
        &[
            ("resnet50", "3g.20gb", 8, 23.98, 412.8, 1, 2),
            ("resnet50", "3g.20gb", 8, 29.04, 298.4, 1, 3),
            ("resnet50", "3g.20gb", 8, 80.12, 455.2, 1, 4),
            ("resnet50", "3g.20gb", 8, 60.23, 449.6, 1, 5),
        ],
    );
    let p90 = read("resnet50@3g.20gb@b8.csv", ImportOptions { latency: Percentile::P90, ..Default::default() });
    let latencies: Vec<f64> = p90.rows.iter().map(|r| r.latency_ms).collect();
    assert_eq!(latencies, [21.9, 27.8, 73.01, 55.76]);
}

#[test]
fn perf_analyzer_request_rate_with_verbose_and_gpu_metrics() {
    let imported = read("bert@1g.5gb@b2.csv", ImportOptions::default());
    assert_rows(&imported, &[("bert", "1g.5gb", 2, 11.02, 40.2, 1, 2), ("bert", "1g.5gb", 2, 12.5, 79.8, 1, 3)]);
    let r = &imported.report;
    assert_eq!((r.read, r.kept, r.skipped.len()), (3, 2, 1));
    assert_eq!(r.skipped[0].line, 4);
    let p50 = read("bert@1g.5gb@b2.csv", ImportOptions { latency: Percentile::P50, ..Default::default() });
    assert_eq!(p50.rows.iter().map(|r| r.latency_ms).collect::<Vec<_>>(), [9.6, 9.9]);
}

#[test]
fn perf_analyzer_without_server_columns_takes_what_the_user_gives() {
    let given = Given { model: Some("llm".into()), profile: Some("7g.80gb".into()), batch: Some(1) };
    let imported = read("decoupled-run.csv", ImportOptions { given, ..Default::default() });
    assert_rows(&imported, &[("llm", "7g.80gb", 1, 8.65, 120.5, 1, 2), ("llm", "7g.80gb", 1, 11.2, 201.0, 1, 3)]);
}

#[test]
fn model_analyzer_rows_keep_their_model_and_batch_and_skip_multi_model_runs() {
    let imported = read("metrics-model-inference@2g.10gb.csv", ImportOptions::default());
    assert_eq!(imported.report.format, Format::ModelAnalyzer);
    assert_rows(
        &imported,
        &[
            ("densenet", "2g.10gb", 4, 41.2, 812.5, 1, 2),
            ("densenet", "2g.10gb", 1, 12.8, 395.0, 1, 3),
            ("bert", "2g.10gb", 1, 9.75, 102.3, 1, 5),
        ],
    );
    let skipped = &imported.report.skipped;
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].line, 4);
    assert!(skipped[0].reason.contains("multi-model"), "{}", skipped[0].reason);
}

#[test]
fn model_analyzer_columns_are_found_by_name_with_the_chosen_percentile() {
    let given = Given { profile: Some("1g.10gb".into()), ..Default::default() };
    let default = ImportOptions { given: given.clone(), ..Default::default() };
    let (file, text) = fixture("ma-custom-columns.csv");
    let e = import(&file, &text, &default).unwrap_err().to_string();
    assert!(e.contains("`p99 Latency (ms)`"), "{e}");
    let imported =
        read("ma-custom-columns.csv", ImportOptions { given, latency: Percentile::P95, ..Default::default() });
    assert_rows(&imported, &[("yolo", "1g.10gb", 2, 7.4, 160.2, 1, 2), ("yolo", "1g.10gb", 2, 9.05, 318.7, 1, 3)]);
}

#[test]
fn migperf_profile_from_the_file_name_or_its_column() {
    let a100 = ImportOptions { gpu: gpu("a100-80gb"), ..Default::default() };
    let imported = read("tinybert_MIG_profile_9.csv", a100.clone());
    assert_eq!(imported.report.format, Format::Migperf);
    assert_rows(
        &imported,
        &[("tinybert", "3g.40gb", 1, 3.5, 285.7, 1, 2), ("tinybert", "3g.40gb", 16, 9.25, 1729.7, 1, 3)],
    );
    let integrated = read("integrated.csv", a100);
    assert_rows(&integrated, &[("vit", "3g.40gb", 4, 12.5, 320.0, 1, 2), ("vit", "1g.10gb", 4, 30.1, 132.9, 1, 3)]);
}

#[test]
fn parvagpu_per_process_throughput_becomes_the_instance_total() {
    let imported = read("tinynet.csv", ImportOptions { gpu: gpu("a100-80gb"), ..Default::default() });
    assert_eq!(imported.report.format, Format::Parvagpu);
    assert_rows(
        &imported,
        &[
            ("tinynet", "1g.10gb", 4, 33.0, 120.5, 1, 2),
            ("tinynet", "1g.10gb", 4, 50.0, 160.5, 2, 3),
            ("tinynet", "7g.80gb", 8, 13.1, 1220.25, 2, 5),
        ],
    );
    assert_eq!(imported.report.skipped[0].line, 4);
    assert!(imported.report.skipped[0].reason.contains("out of memory"));
    let short = read("tinynet.csv", ImportOptions::default());
    assert_eq!(short.rows.iter().map(|r| r.profile.as_str()).collect::<Vec<_>>(), ["1g", "1g", "7g"]);
}

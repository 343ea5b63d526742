//! The importers on the real published files in ../shared/data (read there, never copied):
//! MIGPerf and ParvaGPU against independent readings of the same files, and the public
//! perf_analyzer and Model Analyzer examples. A clone without ../shared skips and says so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::import::{import, Format, Given, ImportOptions, Imported};
use migplan_core::problem::input::parse_profiles;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shared_data() -> Option<PathBuf> {
    let dir = root().join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprint_past_capture(&format!(
            "skipped: {} is missing; the published files sit beside CI's checkout",
            dir.display()
        ));
        None
    }
}

fn import_file(path: &Path, options: &ImportOptions) -> Imported {
    let text = std::fs::read_to_string(path).unwrap();
    import(&path.display().to_string(), &text, options).unwrap_or_else(|e| panic!("{e}"))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    all.sort();
    all
}

fn records(path: &Path) -> Vec<HashMap<String, String>> {
    csv::Reader::from_path(path).unwrap().deserialize().map(|r| r.unwrap()).collect()
}

#[test]
fn migperf_a100_40gb_files_import_row_by_row() {
    let Some(data) = shared_data() else { return };
    let ids = [("19", "1g.5gb"), ("14", "2g.10gb"), ("9", "3g.20gb"), ("0", "7g.40gb")];
    let options = ImportOptions { gpu: gpu("a100-40gb"), ..Default::default() };
    for path in files(&data.join("migperf/A100-40GB")) {
        let imported = import_file(&path, &options);
        assert_eq!(imported.report.format, Format::Migperf);
        let id = path.file_stem().unwrap().to_str().unwrap().rsplit('_').next().unwrap().to_string();
        let profile = ids.iter().find(|(i, _)| *i == id).unwrap().1;
        let expected = records(&path);
        assert_eq!(imported.rows.len(), expected.len(), "{}", path.display());
        for (row, r) in imported.rows.iter().zip(&expected) {
            assert_eq!(row.model, r["model_name"]);
            assert_eq!(row.profile, profile);
            assert_eq!(row.batch, r["batch_size"].parse::<u32>().unwrap());
            assert_eq!(row.latency_ms, r["latency"].parse::<f64>().unwrap());
            assert_eq!(row.throughput, r["throughput"].parse::<f64>().unwrap());
        }
    }
}

#[test]
fn migperf_a100_80gb_integrated_file_reads_its_profile_column() {
    let Some(data) = shared_data() else { return };
    let path = data.join("migperf/A100-80GB/cv_integrated_result.csv");
    let imported = import_file(&path, &ImportOptions { gpu: gpu("a100-80gb"), ..Default::default() });
    let expected = records(&path);
    assert_eq!(imported.report.skipped, []);
    assert_eq!(imported.rows.len(), expected.len());
    for (row, r) in imported.rows.iter().zip(&expected) {
        assert_eq!(
            (row.model.as_str(), row.profile.as_str(), row.batch, row.latency_ms, row.throughput),
            (
                r["model_name"].as_str(),
                r["mig_profile"].as_str(),
                r["batch_size"].parse().unwrap(),
                r["latency"].parse().unwrap(),
                r["throughput"].parse().unwrap()
            )
        );
    }
}

/// The importer agrees, row by row, with the bundled example that
/// tests/data/build_a100_80gb_example.py built from the same files independently.
#[test]
fn parvagpu_prof_data_import_equals_the_bundled_example() {
    let Some(data) = shared_data() else { return };
    let options = ImportOptions { gpu: gpu("a100-80gb"), ..Default::default() };
    let (mut rows, mut skipped) = (Vec::new(), 0);
    for path in files(&data.join("parvagpu/prof_data")) {
        let imported = import_file(&path, &options);
        assert_eq!(imported.report.format, Format::Parvagpu);
        let zeros = records(&path).iter().filter(|r| r["Throughput"] == "0" && r["Latency"] == "0").count();
        assert_eq!(imported.report.skipped.len(), zeros, "{}", path.display());
        skipped += zeros;
        rows.extend(imported.rows);
    }
    let example = root().join("static/examples/a100-80gb-parvagpu-profiles.csv");
    let expected = parse_profiles("example", &std::fs::read_to_string(example).unwrap()).unwrap();
    let key = |r: &migplan_core::problem::input::ProfileRow| {
        (r.model.clone(), r.profile.clone(), r.batch, r.latency_ms, r.throughput, r.processes)
    };
    assert_eq!(rows.iter().map(key).collect::<Vec<_>>(), expected.iter().map(key).collect::<Vec<_>>());
    println!("ParvaGPU: {} rows kept, {skipped} skipped (0,0)", rows.len());
}

#[test]
fn public_perf_analyzer_examples_import() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("formats/perf_analyzer_csv");
    let given = |m: &str, b| ImportOptions {
        given: Given { model: Some(m.into()), profile: Some("7g.40gb".into()), batch: Some(b) },
        ..Default::default()
    };
    let docs = import_file(&dir.join("pa_docs_example_perf_EXCERPT_L103-107.csv"), &given("docs", 1));
    let got: Vec<(f64, f64)> = docs.rows.iter().map(|r| (r.throughput, r.latency_ms)).collect();
    assert_eq!(got, [(69.2, 21.018), (84.2, 51.701), (84.2, 64.886), (87.2, 34.766)]);
    let deepmet = import_file(&dir.join("sonic_deepmet_trt_batch8.csv"), &given("deepmet", 8));
    let got: Vec<(u32, f64, f64)> = deepmet.rows.iter().map(|r| (r.batch, r.throughput, r.latency_ms)).collect();
    assert_eq!(got, [(8, 2229.6, 15.266)]);
}

#[test]
fn public_model_analyzer_examples_import() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("formats/model_analyzer_csv");
    let options =
        ImportOptions { given: Given { profile: Some("3g.20gb".into()), ..Default::default() }, ..Default::default() };
    let path = dir.join("ma_tests_single-model-ckpt_metrics-model-inference.csv");
    let single = import_file(&path, &options);
    let expected = records(&path);
    assert_eq!(single.rows.len(), expected.len());
    for (row, r) in single.rows.iter().zip(&expected) {
        assert_eq!(
            (row.model.as_str(), row.batch, row.throughput, row.latency_ms),
            (
                r["Model"].as_str(),
                r["Batch"].parse().unwrap(),
                r["Throughput (infer/sec)"].parse().unwrap(),
                r["p99 Latency (ms)"].parse().unwrap()
            )
        );
    }
    let multi = import_file(&dir.join("ma_tests_multi-model-ckpt_metrics-model-inference.csv"), &options);
    assert_eq!(multi.rows, []);
    assert!(multi.report.skipped.iter().all(|s| s.reason.contains("multi-model")));
    let gpu_file = dir.join("ma_tests_single-model-ckpt_metrics-model-gpu.csv");
    let text = std::fs::read_to_string(&gpu_file).unwrap();
    let e = import("metrics-model-gpu.csv", &text, &options).unwrap_err().to_string();
    assert!(e.contains("does not recognise") && e.contains("Throughput (infer/sec)"), "{e}");
}

/// Prints straight to standard error, past the test harness's capture, so a skip shows in
/// every run, not only with --nocapture.
fn eprint_past_capture(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

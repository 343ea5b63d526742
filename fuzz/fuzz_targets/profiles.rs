//! Arbitrary bytes as a profiles file (CSV or JSON), then, when it parses, the problem built
//! from it with the bundled workload and with a workload naming its own models.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::input::{parse_profiles, parse_workload, SourceLoc, WorkloadRow};
use migplan_core::problem::Problem;

const WORKLOAD: &str = include_str!("../../static/examples/a100-40gb-workload.csv");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(profiles) = parse_profiles("profiles.csv", &text) else { return };
    let g = gpu("a100-40gb").expect("the catalog has the A100 40GB");
    let bundled = parse_workload("workload.csv", WORKLOAD).expect("the bundled workload parses");
    if let Ok(problem) = Problem::build(&g, &profiles, &bundled) {
        let _ = problem.whole_gpu_baseline();
    }
    // A workload over the fuzzed models, with rates and SLOs taken from their rows, so that
    // the capacities are computed from fuzzed numbers.
    let mut own: Vec<WorkloadRow> = Vec::new();
    for row in &profiles {
        if own.iter().all(|w| w.model != row.model) {
            let loc = SourceLoc { file: "derived".into(), line: own.len() as u64 + 1 };
            own.push(WorkloadRow { model: row.model.clone(), rate: row.throughput * 3.0, slo_ms: row.latency_ms, loc });
        }
    }
    if let Ok(problem) = Problem::build(&g, &profiles, &own) {
        let _ = problem.whole_gpu_baseline();
    }
});

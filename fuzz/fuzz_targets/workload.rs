//! Arbitrary bytes as a workload file (CSV or JSON), then, when it parses, the problem built
//! from it with the bundled profiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::input::{parse_profiles, parse_workload};
use migplan_core::problem::Problem;

const PROFILES: &str = include_str!("../../static/examples/a100-40gb-profiles.csv");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(workload) = parse_workload("workload.csv", &text) else { return };
    let g = gpu("a100-40gb").expect("the catalog has the A100 40GB");
    let profiles = parse_profiles("profiles.csv", PROFILES).expect("the bundled profiles parse");
    if let Ok(problem) = Problem::build(&g, &profiles, &workload) {
        let _ = problem.whole_gpu_baseline();
    }
});

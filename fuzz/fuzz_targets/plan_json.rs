//! Arbitrary bytes as a plan JSON, then, when it parses, validated against the bundled
//! example inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog::gpu;
use migplan_core::plan::Plan;
use migplan_core::problem::input::{parse_profiles, parse_workload};

const PROFILES: &str = include_str!("../../static/examples/a100-40gb-profiles.csv");
const WORKLOAD: &str = include_str!("../../static/examples/a100-40gb-workload.csv");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(plan) = serde_json::from_str::<Plan>(&text) else { return };
    let g = gpu("a100-40gb").expect("the catalog has the A100 40GB");
    let profiles = parse_profiles("profiles.csv", PROFILES).expect("the bundled profiles parse");
    let workload = parse_workload("workload.csv", WORKLOAD).expect("the bundled workload parses");
    let _ = validate(&g, &profiles, &workload, &plan);
});

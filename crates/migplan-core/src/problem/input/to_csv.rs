//! Rows written back as the contract's CSV files: what `migplan import` and `migplan
//! generate` write, quoted as every CSV migplan writes ([`crate::text::csv`]), so that each
//! reads back as the same rows (a model named `#bert` stays a model, not a comment).

use crate::problem::input::rows::{ProfileRow, WorkloadRow};
use crate::text;

/// Profile rows as the profiles CSV; the `gpu` column only when some row names its GPU, so
/// single-GPU files stay as they were.
pub fn profiles_csv(rows: &[ProfileRow]) -> String {
    let with_gpu = rows.iter().any(|r| r.gpu.is_some());
    let mut header = vec!["model", "profile", "batch", "latency_ms", "throughput", "processes"];
    if with_gpu {
        header.push("gpu");
    }
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let lines = rows.iter().map(|r| {
        let mut fields = vec![
            r.model.clone(),
            r.profile.clone(),
            r.batch.to_string(),
            r.latency_ms.to_string(),
            r.throughput.to_string(),
            r.processes.to_string(),
        ];
        if with_gpu {
            fields.push(r.gpu.clone().unwrap_or_default());
        }
        fields
    });
    text::csv(std::iter::once(header).chain(lines))
}

/// Workload rows as the workload CSV.
pub fn workload_csv(rows: &[WorkloadRow]) -> String {
    let header = ["model", "rate", "slo_ms"].map(String::from).to_vec();
    let lines = rows.iter().map(|r| vec![r.model.clone(), r.rate.to_string(), r.slo_ms.to_string()]);
    text::csv(std::iter::once(header).chain(lines))
}

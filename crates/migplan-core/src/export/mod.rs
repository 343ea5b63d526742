//! A plan as text, in every format migplan writes. The command line and the page call the
//! same functions, so a download and `migplan plan --format` never disagree.

use crate::plan::Plan;

/// The formats a plan can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The plan JSON of contract.md, pretty-printed.
    Json,
    /// One row per instance: gpu, profile, start, model, batch, processes, throughput.
    Csv,
}

/// `plan` written in `format`.
pub fn render(plan: &Plan, format: ExportFormat) -> String {
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(plan).expect("a plan always serializes") + "\n",
        ExportFormat::Csv => csv(plan),
    }
}

fn csv(plan: &Plan) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = ["gpu", "profile", "start", "model", "batch", "processes", "throughput"];
    let mut rows = vec![header.map(String::from).to_vec()];
    for g in &plan.gpus {
        for i in &g.instances {
            rows.push(vec![
                g.id.to_string(),
                i.profile.clone(),
                i.start.to_string(),
                i.model.clone().unwrap_or_default(),
                i.batch.map(|b| b.to_string()).unwrap_or_default(),
                i.processes.map(|p| p.to_string()).unwrap_or_default(),
                i.throughput.map(|t| t.to_string()).unwrap_or_default(),
            ]);
        }
    }
    for row in rows {
        writer.write_record(&row).expect("writing to memory cannot fail");
    }
    String::from_utf8(writer.into_inner().expect("writing to memory cannot fail")).expect("the fields are UTF-8")
}

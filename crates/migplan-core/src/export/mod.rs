//! A plan as text, in every format migplan writes. The command line and the page call the
//! same [`render`], so a download and `migplan export` never disagree.
//!
//! - JSON and CSV: the plan itself, one row per instance for CSV.
//! - [`options`]: GPUs per node, node names, the image; their checks.
//! - [`nodes`]: the plan's GPUs assigned to nodes, with one mig-parted config per distinct node.
//! - [`mig_parted`]: the mig-parted v1 config, and the GPU Operator's ConfigMap around it.
//! - [`kubernetes`]: one Deployment per model and instance kind (mixed strategy).
//! - [`svg`]: the GPU picture the page draws, as a standalone SVG.
//! - [`palette`]: the model colours of the SVG and the page.
//!
//! Every YAML output is written by `yaml_serde`, never by string formatting.

pub mod kubernetes;
pub mod mig_parted;
pub mod nodes;
pub mod options;
pub mod palette;
pub mod svg;

pub use options::{ExportOptions, DEFAULT_IMAGE, MAX_GPUS_PER_NODE};

use crate::plan::Plan;

/// The formats a plan can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The plan JSON of contract.md, pretty-printed.
    Json,
    /// One row per instance: gpu, profile, start, model, batch, processes, throughput.
    Csv,
    /// mig-parted's v1 config: one named config per distinct node.
    MigParted,
    /// The GPU Operator's ConfigMap holding the mig-parted config, with the node labels and
    /// the Helm value that apply it (as comments).
    GpuOperator,
    /// Kubernetes Deployments, one per model and instance kind.
    K8s,
    /// The GPUs drawn as in the page, standalone.
    Svg,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::MigParted,
        ExportFormat::GpuOperator,
        ExportFormat::K8s,
        ExportFormat::Svg,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::MigParted => "mig-parted",
            ExportFormat::GpuOperator => "gpu-operator",
            ExportFormat::K8s => "k8s",
            ExportFormat::Svg => "svg",
        }
    }

    pub fn parse(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// A file name for a download of a plan for `gpu`.
    pub fn file_name(self, gpu: &str) -> String {
        match self {
            ExportFormat::Json => format!("migplan-{gpu}.json"),
            ExportFormat::Csv => format!("migplan-{gpu}.csv"),
            ExportFormat::MigParted => format!("migplan-{gpu}-mig-parted.yaml"),
            ExportFormat::GpuOperator => format!("migplan-{gpu}-gpu-operator.yaml"),
            ExportFormat::K8s => format!("migplan-{gpu}-deployments.yaml"),
            ExportFormat::Svg => format!("migplan-{gpu}.svg"),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Csv => "text/csv",
            ExportFormat::MigParted | ExportFormat::GpuOperator | ExportFormat::K8s => "application/yaml",
            ExportFormat::Svg => "image/svg+xml",
        }
    }
}

/// `plan` written in `format`. The plan should have passed `check::plan::layouts` and the
/// options [`ExportOptions::check`]; out-of-range GPUs per node are clamped.
pub fn render(plan: &Plan, options: &ExportOptions, format: ExportFormat) -> String {
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(plan).expect("a plan always serializes") + "\n",
        ExportFormat::Csv => csv(plan),
        ExportFormat::MigParted => mig_parted::mig_parted(&nodes::assign(plan, options)),
        ExportFormat::GpuOperator => mig_parted::gpu_operator(plan, &nodes::assign(plan, options)),
        ExportFormat::K8s => kubernetes::deployments(plan, options),
        ExportFormat::Svg => svg::svg(plan),
    }
}

/// Why `plan` cannot be written in `format`, if it cannot: an SVG draws one row per GPU, at
/// most [`svg::MAX_SVG_GPUS`].
pub fn check_format(plan: &Plan, format: ExportFormat) -> Result<(), String> {
    if format == ExportFormat::Svg && plan.gpus.len() > svg::MAX_SVG_GPUS {
        return Err(format!(
            "the SVG would draw {} GPUs, one row each; it draws at most {} (see Limits in the docs): export csv for \
             every instance",
            plan.gpus.len(),
            svg::MAX_SVG_GPUS
        ));
    }
    Ok(())
}

fn csv(plan: &Plan) -> String {
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
    crate::text::csv(rows)
}

#[cfg(test)]
mod tests;

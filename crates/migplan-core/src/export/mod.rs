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

/// The formats a plan can be written in, each with everything a user sees of it: the name
/// `--format` takes, the file name, the MIME type and the page's label. The command line,
/// the page and a move's downloads all read them here, so they cannot drift apart.
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
    /// Every format, in the order the page offers them.
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::MigParted,
        ExportFormat::GpuOperator,
        ExportFormat::K8s,
        ExportFormat::Svg,
    ];

    /// The formats that partition nodes: they depend on the node options, and a move is
    /// written in them too.
    pub const NODE_CONFIGS: [ExportFormat; 2] = [ExportFormat::MigParted, ExportFormat::GpuOperator];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        self.shown().name
    }

    pub fn parse(name: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// What the page's download button says.
    pub fn label(self) -> &'static str {
        self.shown().label
    }

    pub fn mime(self) -> &'static str {
        self.shown().mime
    }

    /// The file a download is saved as; `subject` says what it holds: the plan's GPU type, or
    /// `move` for a move's config.
    pub fn file_name(self, subject: &str) -> String {
        format!("migplan-{subject}{}", self.shown().file_ending)
    }

    /// All a user sees of the format in one place, so that a new format is one entry to fill.
    fn shown(self) -> Shown {
        let (name, label, file_ending, mime) = match self {
            ExportFormat::Json => ("json", "JSON", ".json", "application/json"),
            ExportFormat::Csv => ("csv", "CSV (one row per instance)", ".csv", "text/csv"),
            ExportFormat::MigParted => ("mig-parted", "mig-parted config", "-mig-parted.yaml", "application/yaml"),
            ExportFormat::GpuOperator => {
                ("gpu-operator", "GPU Operator ConfigMap", "-gpu-operator.yaml", "application/yaml")
            }
            ExportFormat::K8s => ("k8s", "Kubernetes Deployments", "-deployments.yaml", "application/yaml"),
            ExportFormat::Svg => ("svg", "SVG picture", ".svg", "image/svg+xml"),
        };
        Shown { name, label, file_ending, mime }
    }
}

struct Shown {
    name: &'static str,
    label: &'static str,
    /// What follows `migplan-SUBJECT` in the file name.
    file_ending: &'static str,
    mime: &'static str,
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

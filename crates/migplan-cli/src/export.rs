//! `migplan export`: a plan in a deployment format (mig-parted, GPU Operator, Kubernetes),
//! CSV or SVG, after checking its layouts against the GPU it claims; what `migplan plan
//! --format` writes too.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Args;
use migplan_core::check::plan::{layouts, types_of};
use migplan_core::export::{check_format, nodes, render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog;
use migplan_core::plan::Plan;

use crate::args::{check_outputs, read_plan, write_out, Failure};
use crate::settings::{Deploying, Settings};

/// What `migplan export --format` takes: every format by its name, from the core's list.
fn export_format() -> impl TypedValueParser<Value = ExportFormat> {
    PossibleValuesParser::new(ExportFormat::ALL.map(ExportFormat::name))
        .map(|name| ExportFormat::parse(&name).expect("clap passes only the names it offers"))
}

#[derive(Args)]
pub struct ExportArgs {
    /// The plan JSON (`migplan plan --format json`).
    #[arg(long)]
    pub plan: PathBuf,
    #[arg(long, value_parser = export_format())]
    pub format: ExportFormat,
    #[command(flatten)]
    pub settings: Settings<Deploying>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The plan in `format`, once its layouts and the options have been checked. `source` names
/// the plan in messages.
pub fn export(plan: &Plan, source: &str, format: ExportFormat, options: &ExportOptions) -> Result<String, Failure> {
    if catalog::gpu(&plan.gpu).is_none() {
        return Err(Failure(format!(
            "{source}: `gpu`: unknown GPU `{}`\n  hint: a plan names one of {}",
            plan.gpu,
            catalog::gpu_ids().join(", ")
        )));
    }
    // Each GPU checked against its own type: a node holds one type, and each type's GPUs are
    // written with its own profiles.
    let fleet = types_of(plan).map_err(|v| {
        Failure(format!("{source}: {v}\n  hint: a plan names GPU types of {}", catalog::gpu_ids().join(", ")))
    })?;
    let violations = layouts(&fleet, plan);
    if !violations.is_empty() {
        let lines: Vec<String> = violations.iter().map(|v| format!("{source}: {v}")).collect();
        let names: Vec<&str> = fleet.types().iter().map(|t| t.spec.name).collect();
        return Err(Failure(format!(
            "{}\n  hint: only a plan whose layouts the {} allows can be deployed; `migplan validate` checks it all",
            lines.join("\n"),
            names.join(" and ")
        )));
    }
    options.check(plan).map_err(Failure)?;
    check_format(plan, format).map_err(Failure)?;
    Ok(render(plan, options, format))
}

/// One line on how the plan's GPUs sit in nodes.
pub fn node_summary(plan: &Plan, options: &ExportOptions) -> String {
    let n = nodes::assign(plan, options);
    format!(
        "{} node{} ({} GPUs per node), {} distinct node config{} (migplan export --format mig-parted)\n",
        n.nodes.len(),
        if n.nodes.len() == 1 { "" } else { "s" },
        n.gpus_per_node,
        n.configs.len(),
        if n.configs.len() == 1 { "" } else { "s" }
    )
}

pub fn run_export(args: ExportArgs) -> Result<(), Failure> {
    let outputs: Vec<(&str, &std::path::Path)> = args.out.iter().map(|o| ("--out", o.as_path())).collect();
    let options = args.settings.request()?.export;
    check_outputs(&[args.plan.as_path()], &outputs)?;
    let plan = read_plan(&args.plan)?;
    let text = export(&plan, &args.plan.display().to_string(), args.format, &options)?;
    write_out(args.out.as_ref(), &text)
}

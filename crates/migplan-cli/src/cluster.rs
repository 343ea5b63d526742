//! `migplan cluster`: the running plan of a cluster, from what kubectl, the GPU Operator's
//! mig-parted config and (optionally) `nvidia-smi mig -lgi` say.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use migplan_core::check::plan::layouts;
use migplan_core::cluster::{self, ClusterInputs, Running, Text};
use migplan_core::export::{render, ExportFormat, ExportOptions};
use migplan_core::hardware::fleet::Fleet;
use migplan_core::plan::Plan;

use crate::args::{find_gpu, read, write_out, Failure, Format};
use crate::report::gpu_cells;

#[derive(Args)]
pub struct ClusterArgs {
    /// The nodes, as `kubectl get nodes -o json` prints them.
    #[arg(long)]
    nodes: PathBuf,
    /// The mig-parted config the GPU Operator applies: a `version: v1` file, or the ConfigMap
    /// holding it (`kubectl get configmap -n gpu-operator NAME -o yaml`).
    #[arg(long)]
    mig_config: PathBuf,
    /// The pods, as `kubectl get pods -A -o json` prints them: which model each instance runs.
    #[arg(long)]
    pods: Option<PathBuf>,
    /// `nvidia-smi mig -lgi` run on a node, for its exact placements; may be given several times.
    #[arg(long = "nvidia-smi", value_name = "NODE=FILE")]
    nvidia_smi: Vec<String>,
    /// Read only the nodes of this GPU type (a cluster of several types, one at a time).
    #[arg(long)]
    gpu: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write the plan here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run_cluster(args: ClusterArgs) -> Result<(), Failure> {
    let only = args.gpu.as_deref().map(find_gpu).transpose()?;
    let name = |p: &PathBuf| p.display().to_string();
    let (nodes, config) = (read(&args.nodes)?, read(&args.mig_config)?);
    let pods = args.pods.as_ref().map(|p| read(p)).transpose()?;
    let mut smi = Vec::new();
    for given in &args.nvidia_smi {
        let Some((node, file)) = given.split_once('=') else {
            return Err(Failure(format!("--nvidia-smi `{given}`: give NODE=FILE")));
        };
        let path = PathBuf::from(file);
        smi.push((node.to_string(), name(&path), read(&path)?));
    }
    let names = (name(&args.nodes), name(&args.mig_config), args.pods.as_ref().map(name));
    let inputs = ClusterInputs {
        nodes: Text { name: &names.0, text: &nodes },
        mig_config: Text { name: &names.1, text: &config },
        pods: pods.as_deref().map(|text| Text { name: names.2.as_deref().unwrap_or_default(), text }),
        smi: smi.iter().map(|(node, file, text)| (node.as_str(), Text { name: file, text })).collect(),
        only: only.as_ref().map(|g| g.id),
    };
    let running = cluster::read(&inputs)?;
    for note in &running.notes {
        let _ = writeln!(std::io::stderr(), "note: {note}");
    }
    check_layouts(&running.plan)?;
    let text = match args.format {
        Format::Json => render(&running.plan, &ExportOptions::default(), ExportFormat::Json),
        Format::Table => table(&running),
    };
    write_out(args.out.as_ref(), &text)
}

/// Every GPU against its own type's placement rules, as `migplan export` checks a plan.
fn check_layouts(plan: &Plan) -> Result<(), Failure> {
    let mut by_type: BTreeMap<&str, Plan> = BTreeMap::new();
    for g in &plan.gpus {
        let t = g.gpu.as_deref().unwrap_or(&plan.gpu);
        let part = by_type.entry(t).or_insert_with(|| Plan {
            gpu: t.to_string(),
            gpu_count: 0,
            gpus: Vec::new(),
            ..plan.clone()
        });
        part.gpus.push(g.clone());
        part.gpu_count += 1;
    }
    for (t, part) in by_type {
        let violations = layouts(&Fleet::one(find_gpu(t)?), &part);
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(|v| format!("\n  - {v}")).collect();
            return Err(Failure(format!("the layouts read break {t}'s placement rules:{}", list.concat())));
        }
    }
    Ok(())
}

fn table(running: &Running) -> String {
    let plan = &running.plan;
    let mut types: Vec<&str> = plan.gpus.iter().filter_map(|g| g.gpu.as_deref()).collect();
    types.dedup();
    let mut out = format!(
        "{} GPUs ({}) on {} nodes; no throughputs: `migplan transition` takes them from --profiles and --workload-from\n",
        plan.gpus.len(),
        types.join(", "),
        running.configs.len()
    );
    let mut node = None;
    for g in &plan.gpus {
        if node != g.node.as_deref() {
            node = g.node.as_deref();
            let name = node.unwrap_or_default();
            out += &format!("node {name} (config {})\n", running.configs.get(name).map_or("?", String::as_str));
        }
        let cells = gpu_cells(&migplan_core::plan::PlanGpu { gpu: None, ..g.clone() });
        out += &format!("  GPU {:>2}  {cells}\n", g.device.unwrap_or_default());
    }
    out
}

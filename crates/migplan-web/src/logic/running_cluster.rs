//! What the page's "Read the running cluster" does, in plain Rust so it is tested natively:
//! the files kubectl and the GPU Operator give, read as the running plan of the page's GPU
//! (with each serving instance's throughput from the page's profiles at the workload's SLO, as
//! the demand it serves now), and a planned move written back as its runbook.

use migplan_core::cluster::mig_config;
use migplan_core::cluster::move_config::move_config;
use migplan_core::cluster::runbook::{runbook, RunbookNotes};
use migplan_core::cluster::{self, ClusterInputs, Text};
use migplan_core::export::{render, ExportFormat, ExportOptions};
use migplan_core::hardware::catalog;
use migplan_core::hardware::fleet::Fleet;
use migplan_core::moves::exchange::Demand;
use migplan_core::plan::Plan;
use migplan_core::problem::input::{parse_workload, InputError};
use migplan_core::workflow::{measured_running, Refusal};

use crate::logic::profile_files::import_all;
use crate::state::{Inputs, Source};
use crate::worker::move_view::MoveView;

/// The files of a cluster, as chosen on the page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterFiles {
    pub nodes: Option<Source>,
    pub mig_config: Option<Source>,
    pub pods: Option<Source>,
    /// `nvidia-smi mig -lgi` outputs, each named after its node (`gpu-1.txt`).
    pub smi: Vec<Source>,
}

fn missing(label: &str, what: &str) -> InputError {
    InputError {
        file: String::new(),
        line: None,
        column: Some(label.into()),
        character: None,
        message: format!("no file chosen: {what}"),
        hint: Some("choose it, then read the cluster again".into()),
    }
}

/// The node an `nvidia-smi mig -lgi` file is for: its name up to the first dot.
fn node_of(file: &str) -> &str {
    file.split('.').next().unwrap_or(file)
}

/// The running plan of the page's GPU type as an uploaded plan file, with the notes of what
/// was left out; or every problem, each naming its file and node.
pub fn read_running(inputs: &Inputs, files: &ClusterFiles) -> Result<(Source, Vec<String>), Vec<InputError>> {
    let (Some(nodes), Some(config)) = (&files.nodes, &files.mig_config) else {
        let mut problems = Vec::new();
        if files.nodes.is_none() {
            problems.push(missing("Nodes", "the output of `kubectl get nodes -o json`"));
        }
        if files.mig_config.is_none() {
            problems.push(missing("MIG config", "the mig-parted config or ConfigMap the GPU Operator applies"));
        }
        return Err(problems);
    };
    let gpu = catalog::gpu(&inputs.gpu).ok_or_else(|| vec![missing("GPU", "a GPU migplan knows")])?;
    let read = cluster::read(&ClusterInputs {
        nodes: Text { name: &nodes.name, text: &nodes.text },
        mig_config: Text { name: &config.name, text: &config.text },
        pods: files.pods.as_ref().map(|p| Text { name: &p.name, text: &p.text }),
        smi: files.smi.iter().map(|s| (node_of(&s.name), Text { name: &s.name, text: &s.text })).collect(),
        only: Some(gpu.id),
    })
    .map_err(|e| e.0)?;
    let (profiles, _) = import_all(&inputs.profiles, &inputs.gpu, inputs.latency).map_err(|e| e.0)?;
    let workload = parse_workload(&inputs.workload.name, &inputs.workload.text).map_err(|e| e.0)?;
    let plan =
        measured_running(&Fleet::one(gpu.clone()), &profiles, Some(&workload), &read.plan).map_err(|r| match r {
            Refusal::Inputs(e) => e.0,
            other => vec![InputError {
                file: String::new(),
                line: None,
                column: None,
                character: None,
                message: other.to_string(),
                hint: None,
            }],
        })?;
    let text = render(&plan, &ExportOptions::default(), ExportFormat::Json);
    Ok((Source { name: format!("read from the cluster ({})", nodes.name), text }, read.notes))
}

/// A planned move's files: its mig-parted config, GPU Operator ConfigMap and runbook.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveTexts {
    pub mig_parted: String,
    pub config_map: String,
    pub runbook: String,
}

/// Why a move from a plan read off a cluster has no files without the cluster's MIG config.
pub const NEEDS_CONFIG: &str = "the running plan was read from a cluster: read it again (with its MIG config) to write the move's configs and runbook, which keep the cluster's configs";

/// The files of a planned move. A running plan read off a cluster names its nodes, and the
/// move's ConfigMap must keep the configs they are labelled with: `config`, the file read.
pub fn move_texts(
    running: &Plan,
    shown: &MoveView,
    options: &ExportOptions,
    config: Option<&Source>,
) -> Result<MoveTexts, String> {
    let current = match config {
        Some(c) => Some(mig_config::read(&c.name, &c.text).map_err(|e| e.to_string())?),
        None if running.gpus.iter().any(|g| g.node.is_some()) => return Err(NEEDS_CONFIG.into()),
        None => None,
    };
    let config = move_config(running, &shown.transition, options, current.as_ref());
    // What each model keeps at every step: min(old, new), the plans' own rates.
    let floors: Vec<(String, f64)> = Demand::floors(&Demand::from_plans(running, &shown.target)).into_iter().collect();
    Ok(MoveTexts {
        mig_parted: config.render(false),
        config_map: config.render(true),
        runbook: runbook(&config, options, &RunbookNotes { gpu: &running.gpu, floors: &floors }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "version: v1\nmig-configs:\n  halves:\n    - devices: all\n      mig-enabled: true\n      mig-devices: {\"3g.20gb\": 2}\n";

    fn files() -> ClusterFiles {
        let nodes = r#"{"items": [{"metadata": {"name": "gpu-1", "labels": {
            "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "1",
            "nvidia.com/mig.config": "halves", "nvidia.com/mig.config.state": "success"}},
            "status": {"capacity": {"nvidia.com/mig-3g.20gb": "2"}}}]}"#;
        let pods = r#"{"items": [{"metadata": {"name": "a"}, "spec": {"nodeName": "gpu-1", "containers": [{"name": "s",
            "env": [{"name": "MODEL_NAME", "value": "bert-base-multilingual-cased"}],
            "resources": {"limits": {"nvidia.com/mig-3g.20gb": "1"}}}]}, "status": {"phase": "Running"}}]}"#;
        ClusterFiles {
            nodes: Some(Source { name: "nodes.json".into(), text: nodes.into() }),
            mig_config: Some(Source { name: "config.yaml".into(), text: CONFIG.into() }),
            pods: Some(Source { name: "pods.json".into(), text: pods.into() }),
            smi: Vec::new(),
        }
    }

    #[test]
    fn a_cluster_reads_as_a_running_plan_with_the_pages_throughputs() {
        let (source, notes) = read_running(&Inputs::example(), &files()).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        let plan: migplan_core::plan::Plan = serde_json::from_str(&source.text).unwrap();
        let serving = &plan.gpus[0].instances[0];
        assert_eq!(serving.model.as_deref(), Some("bert-base-multilingual-cased"));
        assert!(serving.throughput.is_some_and(|t| t > 0.0), "{serving:?}");
        assert!(plan.models.iter().any(|m| m.model == "bert-base-multilingual-cased" && m.rate == 900.0));
        assert_eq!(plan.gpus[0].node.as_deref(), Some("gpu-1"));
    }

    #[test]
    fn a_missing_file_or_a_node_in_another_state_is_said() {
        let errors = read_running(&Inputs::example(), &ClusterFiles::default()).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.column.clone().unwrap()).collect::<Vec<_>>(), ["Nodes", "MIG config"]);
        let mut pending = files();
        let nodes = pending.nodes.as_mut().unwrap();
        nodes.text = nodes.text.replace("\"success\"", "\"pending\"");
        let errors = read_running(&Inputs::example(), &pending).unwrap_err();
        assert!(errors[0].message.contains("node `gpu-1`") && errors[0].message.contains("`pending`"), "{errors:?}");
    }
}

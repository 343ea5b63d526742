//! From a running cluster to a plan, and from a move back to the commands that apply it.
//!
//! Reading (`migplan cluster`): `kube` takes what kubectl prints (nodes with their GPU labels
//! and MIG capacity, pods with their MIG requests and model), `mig_config` the mig-parted
//! config the GPU Operator applies, `smi` what `nvidia-smi mig -lgi` lists; `read` turns each
//! MIG node into its GPUs, checking that its state, capacity and product agree with its
//! config, and `pods` gives the running pods their instances. The result is the running
//! plan: the plan JSON with each GPU's `node`, `device` and `gpu`, and no throughputs (the
//! cluster does not know them; a move fills them from the profiles).
//!
//! Writing (`migplan transition --export runbook`): `rollout` turns a move's steps into what
//! each step does to each node (the config it gets, the Deployments whose pods must leave it)
//! and the Deployments' replicas after it; `move_config` the one mig-parted file holding the
//! cluster's configs and the move's; `runbook` the bash script that applies it with kubectl.
//!
//! Text in, text out: no I/O here, as everywhere in the core.

pub mod kube;
pub mod located;
pub mod mig_config;
pub mod move_config;
pub mod pods;
pub mod read;
pub mod rollout;
pub mod runbook;
pub mod smi;

use std::collections::BTreeMap;

use crate::plan::{Plan, SolverInfo, Termination};
use crate::problem::input::{InputError, InputErrors};
use located::file_error;
use mig_config::MigConfig;

/// A file as the user gave it: its name (for errors) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What `migplan cluster` reads.
pub struct ClusterInputs<'a> {
    pub nodes: Text<'a>,
    pub mig_config: Text<'a>,
    pub pods: Option<Text<'a>>,
    /// `nvidia-smi mig -lgi` of some nodes, by node name.
    pub smi: Vec<(&'a str, Text<'a>)>,
    /// Keep only the nodes of this GPU type (a catalog id).
    pub only: Option<&'a str>,
}

/// The running plan, and what was read but left out of it.
#[derive(Debug)]
pub struct Running {
    pub plan: Plan,
    pub mig_config: MigConfig,
    /// Each MIG node of the plan with the config it is labelled with.
    pub configs: BTreeMap<String, String>,
    pub notes: Vec<String>,
}

/// The name `solver.name` gives a plan read off a cluster.
pub const SOURCE: &str = "cluster";

/// Reads the running plan of a cluster; every problem found is reported, each naming its
/// file and node (or pod).
pub fn read(inputs: &ClusterInputs) -> Result<Running, InputErrors> {
    let nodes = kube::read_nodes(inputs.nodes.name, inputs.nodes.text)?;
    let config = mig_config::read(inputs.mig_config.name, inputs.mig_config.text)?;
    let mut problems: Vec<InputError> = Vec::new();
    let mut smi = BTreeMap::new();
    for (node, file) in &inputs.smi {
        if !nodes.iter().any(|n| n.name == *node) {
            problems.push(file_error(
                file.name,
                None,
                None,
                format!("node `{node}` is not in {}", inputs.nodes.name),
                "give --nvidia-smi NODE=FILE with NODE as kubectl names it",
            ));
            continue;
        }
        match smi::read(file.name, file.text) {
            Ok(listed) => {
                smi.insert(node.to_string(), listed);
            }
            Err(e) => problems.extend(e.0),
        }
    }
    let mut read_nodes = Vec::new();
    let mut notes = Vec::new();
    for node in &nodes {
        let listed = smi.get(&node.name).map(Vec::as_slice);
        match read::node(inputs.nodes.name, node, &config, listed, inputs.only) {
            Ok(Some(n)) => read_nodes.push(n),
            Ok(None) => notes.push(format!(
                "node `{}` left out: no MIG GPUs{}",
                node.name,
                match inputs.only {
                    Some(only) => format!(" of type {only}"),
                    None => String::new(),
                }
            )),
            Err(e) => problems.extend(e),
        }
    }
    if let Some(pods) = inputs.pods {
        match kube::read_pods(pods.name, pods.text) {
            Ok(list) => match pods::assign(pods.name, &list, &mut read_nodes) {
                Ok(found) => {
                    if found.pending > 0 {
                        notes.push(format!(
                            "{} pods ask for MIG devices but are not running (pending or finished): they hold none",
                            found.pending
                        ));
                    }
                    for pod in found.elsewhere {
                        notes.push(format!("pod {pod} holds MIG devices on a node left out of the plan"));
                    }
                }
                Err(e) => problems.extend(e),
            },
            Err(e) => problems.extend(e.0),
        }
    }
    if !problems.is_empty() {
        return Err(InputErrors(problems));
    }
    if read_nodes.is_empty() {
        let message = "no node has MIG GPUs (the nvidia.com/gpu.product and nvidia.com/mig.config labels)".into();
        let hint = "pass `kubectl get nodes -o json` of a cluster whose GPU Operator manages MIG";
        return Err(file_error(inputs.nodes.name, None, None, message, hint).into());
    }
    let configs = read_nodes.iter().map(|n| (n.name.clone(), n.config.clone())).collect();
    let gpu = read_nodes[0].gpu.id.to_string();
    let mut gpus: Vec<_> = read_nodes.into_iter().flat_map(|n| n.gpus).collect();
    for (id, g) in gpus.iter_mut().enumerate() {
        g.id = id;
    }
    let plan = Plan {
        gpu,
        gpu_count: gpus.len(),
        gpus,
        models: Vec::new(),
        bound: Default::default(),
        baseline: Default::default(),
        solver: SolverInfo { name: SOURCE.into(), seed: 0, elapsed_ms: 0, termination: Termination::Finished },
        cost: None,
        headroom: None,
    };
    Ok(Running { plan, mig_config: config, configs, notes })
}

#[cfg(test)]
mod rollout_tests;
#[cfg(test)]
mod tests;

//! Which model each instance serves: the running pods of each node, each given instances of
//! the profiles it asks for on its node.
//!
//! Kubernetes does not say which GPU of a node a pod's MIG device is on, so the pods of a
//! node take its instances of their profile in device and slot order, a model's pods one
//! after another: the node's layouts and each model's instances per node and profile are
//! exact, the GPU a model's instance sits on within its node may not be.

use std::collections::BTreeMap;

use crate::cluster::kube::PodInfo;
use crate::cluster::located::file_error;
use crate::cluster::read::NodeRead;
use crate::problem::input::InputError;

/// What reading the pods found beside the assignment: pods holding no instance.
#[derive(Debug, Default, PartialEq)]
pub struct PodNotes {
    /// Pods asking for MIG devices that are not running (pending, or finished).
    pub pending: usize,
    /// Running pods with MIG devices on nodes that are not in the plan.
    pub elsewhere: Vec<String>,
}

fn pod_error(file: &str, pod: &PodInfo, message: String, hint: &str) -> InputError {
    file_error(file, pod.line, None, message, hint)
}

/// Gives the running pods their nodes' instances; every problem is an error naming the node
/// or the pod.
pub fn assign(file: &str, pods: &[PodInfo], nodes: &mut [NodeRead]) -> Result<PodNotes, Vec<InputError>> {
    let mut notes = PodNotes::default();
    let mut problems = Vec::new();
    let mut order: Vec<&PodInfo> = pods.iter().collect();
    order.sort_by(|a, b| (&a.model, a.batch, &a.name).cmp(&(&b.model, b.batch, &b.name)));
    // Per node and profile, the pods that found no instance.
    let mut unplaced: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for pod in order {
        let Some(node_name) = pod.node.as_deref() else { continue };
        let Some(node) = nodes.iter_mut().find(|n| n.name == node_name) else {
            if pod.holds_devices() && (!pod.mig.is_empty()) {
                notes.elsewhere.push(format!("{}/{}", pod.namespace, pod.name));
            }
            continue;
        };
        let mut asks = pod.mig.clone();
        if pod.gpus > 0 {
            if let Some(p) = &node.single_profile {
                *asks.entry(p.clone()).or_default() += pod.gpus;
            }
        }
        if asks.is_empty() {
            continue;
        }
        if !pod.holds_devices() {
            notes.pending += 1;
            continue;
        }
        let Some(model) = pod.model.clone() else {
            problems.push(pod_error(
                file,
                pod,
                format!("pod `{}/{}` on node `{node_name}` holds MIG devices but names no model", pod.namespace, pod.name),
                "give its container a MODEL_NAME env var or the pod an `app` label (migplan's Deployments carry both), or leave --pods out",
            ));
            continue;
        };
        for (profile, n) in asks {
            for _ in 0..n {
                let free = node
                    .gpus
                    .iter_mut()
                    .flat_map(|g| g.instances.iter_mut())
                    .find(|i| i.profile == profile && i.model.is_none());
                match free {
                    Some(i) => {
                        i.model = Some(model.clone());
                        i.batch = pod.batch;
                        i.processes = pod.processes;
                    }
                    None => {
                        unplaced.entry((node_name.to_string(), profile.clone())).or_default().push(pod.name.clone())
                    }
                }
            }
        }
    }
    for ((node, profile), names) in unplaced {
        let held = nodes.iter().filter(|n| n.name == node).flat_map(|n| &n.gpus).flat_map(|g| &g.instances);
        let offered = held.filter(|i| i.profile == profile).count();
        let pod = pods.iter().find(|p| p.name == names[0]).expect("an unplaced pod was read");
        problems.push(pod_error(
            file,
            pod,
            format!(
                "node `{node}`: its running pods ask for {} more {profile} instance{} than the {offered} its config gives (pods {})",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ),
            "read nodes and pods at the same moment, and check the node's nvidia.com/mig.config",
        ));
    }
    if problems.is_empty() {
        Ok(notes)
    } else {
        Err(problems)
    }
}

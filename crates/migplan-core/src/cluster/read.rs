//! The running plan of a cluster: each MIG node's GPUs, the layout its config gives each of
//! them (placed as `nvidia-smi mig -lgi` says, else as the driver places the counts), and the
//! checks that the cluster is in the state its labels claim.

use std::collections::BTreeMap;

use crate::cluster::kube::{count, NodeInfo, GPU_RESOURCE, MIG_RESOURCE};
use crate::cluster::located::file_error;
use crate::cluster::mig_config::{DeviceConfig, MigConfig};
use crate::cluster::smi::GpuInstance;
use crate::export::nodes::Counts;
use crate::hardware::catalog;
use crate::hardware::layouts::place;
use crate::hardware::products::gpus_for_product;
use crate::hardware::spec::GpuSpec;
use crate::plan::{PlanGpu, PlanInstance};
use crate::problem::input::InputError;

pub const CONFIG_LABEL: &str = "nvidia.com/mig.config";
pub const STATE_LABEL: &str = "nvidia.com/mig.config.state";
pub const PRODUCT_LABEL: &str = "nvidia.com/gpu.product";
pub const COUNT_LABEL: &str = "nvidia.com/gpu.count";
pub const STRATEGY_LABEL: &str = "nvidia.com/mig.strategy";

/// One MIG node as read: its GPU type, config and GPUs (device, counts, placed instances).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRead {
    pub name: String,
    pub gpu: GpuSpec,
    pub config: String,
    /// Under the single strategy, the one profile pods ask for as `nvidia.com/gpu`.
    pub single_profile: Option<String>,
    pub gpus: Vec<PlanGpu>,
}

/// Why a node is not in the plan, though it is fine: a note, not an error.
pub type Note = String;

/// A problem of `node` in the nodes file, at the line naming it.
pub fn node_error(file: &str, node: &NodeInfo, field: &str, message: String, hint: &str) -> InputError {
    file_error(file, node.line, Some(field), format!("node `{}`: {message}", node.name), hint)
}

/// Reads one node. `Ok(None)` with a note for a node that is not a MIG node of the plan.
pub fn node(
    file: &str,
    node: &NodeInfo,
    config: &MigConfig,
    smi: Option<&[GpuInstance]>,
    only: Option<&str>,
) -> Result<Option<NodeRead>, Vec<InputError>> {
    let err = |field: &str, message: String, hint: &str| vec![node_error(file, node, field, message, hint)];
    let labels = |k: &str| format!("metadata.labels.\"{k}\"");
    let (Some(product), Some(config_name)) = (node.label(PRODUCT_LABEL), node.label(CONFIG_LABEL)) else {
        return Ok(None);
    };
    let state = node.label(STATE_LABEL).unwrap_or("(none)");
    if state != "success" {
        return Err(err(
            &labels(STATE_LABEL),
            format!("the MIG manager has not applied `{config_name}`: its state is `{state}`, not `success`"),
            "wait until it reads success (or see `kubectl logs -n gpu-operator -l app=nvidia-mig-manager`), then read the cluster again",
        ));
    }
    let Some(gpu_count) = node.label(COUNT_LABEL).and_then(count) else {
        return Err(err(
            &labels(COUNT_LABEL),
            "no GPU count".into(),
            "GPU Feature Discovery writes this label; is it running?",
        ));
    };
    let candidates: Vec<GpuSpec> = gpus_for_product(product).into_iter().filter_map(catalog::gpu).collect();
    if candidates.is_empty() {
        return Err(err(
            &labels(PRODUCT_LABEL),
            format!("`{product}` is not a MIG GPU migplan knows"),
            &format!("migplan knows {}", catalog::gpu_ids().join(", ")),
        ));
    }
    if !config.configs.contains_key(config_name) {
        let names: Vec<&str> = config.configs.keys().map(String::as_str).take(12).collect();
        return Err(err(
            &labels(CONFIG_LABEL),
            format!("config `{config_name}` is not in {}", config.file),
            &format!("pass the config the operator applies; this one has {}", names.join(", ")),
        ));
    }
    let offered = offered(node);
    let mut fitting = None;
    for gpu in &candidates {
        let devices: Vec<DeviceConfig> = (0..gpu_count as usize)
            .map(|d| config.device(config_name, d, &gpu.pci_ids).expect("the config exists"))
            .collect();
        let names = devices.iter().flat_map(|d| match d {
            DeviceConfig::Mig(c) => c.keys().cloned().collect(),
            _ => Vec::new(),
        });
        if names.chain(offered.keys().cloned()).all(|p| gpu.profile(&p).is_some()) {
            fitting = Some((gpu.clone(), devices));
            break;
        }
    }
    let Some((gpu, devices)) = fitting else {
        let ids: Vec<&str> = candidates.iter().map(|g| g.id).collect();
        return Err(err(
            &labels(PRODUCT_LABEL),
            format!("config `{config_name}` or the node's capacity names profiles that no {} has", ids.join(" or ")),
            "check that the config is the one for this GPU (the profile names differ by memory size)",
        ));
    };
    let no_mig = devices.iter().all(|d| !matches!(d, DeviceConfig::Mig(_)));
    if no_mig || only.is_some_and(|o| !o.eq_ignore_ascii_case(gpu.id)) {
        return Ok(None);
    }
    let mut expected = Counts::new();
    for counts in devices.iter().filter_map(|d| if let DeviceConfig::Mig(c) = d { Some(c) } else { None }) {
        for (p, n) in counts {
            *expected.entry(p.clone()).or_default() += n;
        }
    }
    let single = node.label(STRATEGY_LABEL) == Some("single");
    if let Some(problem) = capacity_problem(node, &expected, &offered, single) {
        return Err(err(
            "status.capacity",
            problem,
            "the MIG manager or the device plugin has not caught up with the config: read the cluster again once they agree",
        ));
    }
    let mut gpus = Vec::new();
    for (device, d) in devices.iter().enumerate() {
        let DeviceConfig::Mig(counts) = d else { continue };
        let instances = match smi {
            Some(listed) => listed_instances(&gpu, device, counts, listed)
                .map_err(|m| err("--nvidia-smi", format!("GPU {device}: {m}"), "pass the -lgi output of this node"))?,
            None => placed(&gpu, counts).ok_or_else(|| {
                err(&labels(CONFIG_LABEL), format!("device {device}: no placement holds {counts:?}"), "fix the config")
            })?,
        };
        gpus.push(PlanGpu {
            id: 0,
            gpu: Some(gpu.id.to_string()),
            node: Some(node.name.clone()),
            device: Some(device),
            instances,
        });
    }
    let single_profile = if single && expected.len() == 1 { expected.keys().next().cloned() } else { None };
    Ok(Some(NodeRead { name: node.name.clone(), gpu, config: config_name.to_string(), single_profile, gpus }))
}

/// The MIG devices the node offers per profile, from its capacity, else from GPU Feature
/// Discovery's `nvidia.com/mig-<profile>.count` labels; zero counts left out (the device
/// plugin keeps a profile it no longer has at 0).
fn offered(node: &NodeInfo) -> Counts {
    let from = |map: &BTreeMap<String, String>, suffix: &str| -> Counts {
        map.iter()
            .filter_map(|(k, v)| {
                let profile = k.strip_prefix(MIG_RESOURCE)?.strip_suffix(suffix)?;
                Some((profile.to_string(), count(v)?))
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    let capacity = from(&node.capacity, "");
    if !capacity.is_empty() || node.capacity.contains_key(GPU_RESOURCE) {
        return capacity;
    }
    from(&node.labels, ".count")
}

fn capacity_problem(node: &NodeInfo, expected: &Counts, offered: &Counts, single: bool) -> Option<String> {
    let total: u32 = expected.values().sum();
    if single && offered.is_empty() {
        let gpus = node.capacity.get(GPU_RESOURCE).and_then(|q| count(q));
        return match gpus {
            Some(n) if n == total => None,
            Some(n) => {
                Some(format!("its config gives {total} MIG devices but {GPU_RESOURCE} is {n} (single strategy)"))
            }
            None => Some(format!("its config gives {total} MIG devices but the node offers none")),
        };
    }
    if expected == offered {
        return None;
    }
    let list = |c: &Counts| {
        let parts: Vec<String> = c.iter().map(|(p, n)| format!("{n} x {p}")).collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    };
    Some(format!("its config gives {} but it offers {}", list(expected), list(offered)))
}

/// The counts placed as the driver places them (largest first, lowest starts first).
fn placed(gpu: &GpuSpec, counts: &Counts) -> Option<Vec<PlanInstance>> {
    let mut by_index = vec![0u32; gpu.profiles.len()];
    for (p, n) in counts {
        by_index[gpu.profile(p)?] = *n;
    }
    let placements = place(gpu, &by_index)?;
    Some(placements.iter().map(|p| idle(&gpu.profiles[p.profile].name, p.start)).collect())
}

fn idle(profile: &str, start: u8) -> PlanInstance {
    PlanInstance { profile: profile.to_string(), start, model: None, batch: None, processes: None, throughput: None }
}

/// The instances `nvidia-smi mig -lgi` lists on GPU `device`, which must be the config's.
fn listed_instances(
    gpu: &GpuSpec,
    device: usize,
    counts: &Counts,
    listed: &[GpuInstance],
) -> Result<Vec<PlanInstance>, String> {
    let mut mine: Vec<&GpuInstance> = listed.iter().filter(|i| i.gpu == device).collect();
    mine.sort_by_key(|i| i.start);
    let mut seen = Counts::new();
    for i in &mine {
        let Some(spec) = gpu.profile(&i.profile).map(|p| &gpu.profiles[p]) else {
            return Err(format!("line {}: `{}` is not a profile of {}", i.line, i.profile, gpu.id));
        };
        if spec.memory_slots != i.size {
            return Err(format!(
                "line {}: {} takes {} memory slots, not {}",
                i.line, i.profile, spec.memory_slots, i.size
            ));
        }
        *seen.entry(i.profile.clone()).or_default() += 1;
    }
    if seen != *counts {
        return Err(format!("nvidia-smi lists {seen:?} but the node's config gives {counts:?}"));
    }
    Ok(mine.iter().map(|i| idle(&i.profile, i.start)).collect())
}

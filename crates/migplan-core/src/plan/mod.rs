//! The plan JSON of contract.md: what users read, download, validate, move and deploy.
//! Plain data, shared by every part of migplan; nothing here plans or checks.

pub mod transition;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The GPU type; for a mixed fleet the first type considered (each GPU names its own).
    pub gpu: String,
    pub gpu_count: usize,
    pub gpus: Vec<PlanGpu>,
    pub models: Vec<PlanModel>,
    /// Absent from a plan read off a running cluster (`migplan cluster`): nothing was proven.
    #[serde(default, skip_serializing_if = "Bound::is_unknown")]
    pub bound: Bound,
    #[serde(default)]
    pub baseline: Baseline,
    #[serde(default)]
    pub solver: SolverInfo,
    /// What the fleet costs, for a plan over several GPU types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    /// Planned for more than the measured demand: how much more, and what the plan for the
    /// measured demand alone would take. `models[].rate` stays the measured demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headroom: Option<Headroom>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headroom {
    /// Percent over the measured rate planned for every model not in `per_model`.
    pub percent: f64,
    /// Percent per model, where it differs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub per_model: BTreeMap<String, f64>,
    /// The GPUs and cost of the plan for the measured demand, without headroom.
    pub gpus_without: usize,
    pub cost_without: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanGpu {
    pub id: usize,
    /// The GPU's type, in a plan over several types; else the plan's `gpu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu: Option<String>,
    /// The Kubernetes node the GPU is in, for a plan read off a cluster or deployed on named
    /// nodes; exports then keep it there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The GPU's index on its node (what mig-parted's `devices` lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<usize>,
    pub instances: Vec<PlanInstance>,
}

/// A mixed fleet's cost, in the unit the user priced GPUs in (1 a GPU by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// The plan's total: the sum of `per_type`.
    pub total: f64,
    /// A proven lower bound on the cost of any plan for this workload on these types.
    pub lower: f64,
    /// What the plan spends on each type's GPUs (0 for a type it does not use).
    pub per_type: BTreeMap<String, f64>,
    /// The nodes, when they are priced: `total` is `per_type` and `count * cost_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<NodeCost>,
}

/// The nodes a plan's GPUs need: each type's GPUs in nodes of `gpus_per_node`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeCost {
    pub gpus_per_node: usize,
    pub count: usize,
    pub cost_each: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInstance {
    pub profile: String,
    pub start: u8,
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanModel {
    pub model: String,
    pub rate: f64,
    pub slo_ms: f64,
    pub capacity: f64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    /// A proven lower bound on the GPU count.
    pub lower: usize,
    /// True only when the plan's GPU count equals `lower`; for a mixed fleet, when its cost
    /// equals `cost.lower`.
    pub proven_optimal: bool,
}

impl Bound {
    /// The bound that proves nothing: 0 GPUs, not optimal.
    pub fn is_unknown(&self) -> bool {
        *self == Bound::default()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// GPUs needed when every model runs on whole-GPU instances only; `null` when some model
    /// cannot meet its SLO on a whole GPU.
    pub whole_gpus: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    pub name: String,
    pub seed: u64,
    pub elapsed_ms: u64,
    /// Why the solver stopped. Older plans may lack it.
    #[serde(default)]
    pub termination: Termination,
}

/// Why a solver stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Termination {
    /// The plan meets the proven lower bound.
    Optimal,
    /// The solver ran its course without proving optimality.
    #[default]
    Finished,
    TimeLimit,
    IterationLimit,
    Cancelled,
    /// Still searching: the plan is the best so far.
    Running,
}

impl Termination {
    /// The name the plan JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Termination::Optimal => "optimal",
            Termination::Finished => "finished",
            Termination::TimeLimit => "time_limit",
            Termination::IterationLimit => "iteration_limit",
            Termination::Cancelled => "cancelled",
            Termination::Running => "running",
        }
    }
}

//! The move JSON of contract.md: the steps that take a running plan to the next one.
//! Plain data; the move planner writes it and the move checker reads it.

use serde::{Deserialize, Serialize};

use crate::plan::PlanInstance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Action {
    AddGpu {
        gpu: usize,
    },
    Create {
        gpu: usize,
        profile: String,
        start: u8,
        model: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        batch: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        processes: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        throughput: Option<f64>,
    },
    Delete {
        gpu: usize,
        start: u8,
    },
    RemoveGpu {
        gpu: usize,
    },
}

impl Action {
    /// The GPU the action touches.
    pub fn gpu(&self) -> usize {
        match self {
            Action::AddGpu { gpu }
            | Action::RemoveGpu { gpu }
            | Action::Create { gpu, .. }
            | Action::Delete { gpu, .. } => *gpu,
        }
    }

    /// The action that creates `instance` on `gpu`.
    pub fn create(gpu: usize, instance: &PlanInstance) -> Action {
        Action::Create {
            gpu,
            profile: instance.profile.clone(),
            start: instance.start,
            model: instance.model.clone(),
            batch: instance.batch,
            processes: instance.processes,
            throughput: instance.throughput,
        }
    }

    /// The instance a create action makes; `None` for the other actions.
    pub fn created(&self) -> Option<PlanInstance> {
        match self {
            Action::Create { profile, start, model, batch, processes, throughput, .. } => Some(PlanInstance {
                profile: profile.clone(),
                start: *start,
                model: model.clone(),
                batch: *batch,
                processes: *processes,
                throughput: *throughput,
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub actions: Vec<Action>,
}

/// What draining every running GPU and building the target from scratch would cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NaiveMove {
    pub instances_created: usize,
    pub instances_deleted: usize,
    pub touched_gpus: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub steps: Vec<Step>,
    /// Spare GPUs borrowed at the peak of the move.
    pub spare_used: usize,
    /// GPUs of any kind any action changes, added ones included.
    pub touched_gpus: usize,
    /// GPUs of the running plan any action changes: what must be drained.
    #[serde(default)]
    pub running_touched: usize,
    pub instances_created: usize,
    pub instances_deleted: usize,
    /// The drain-and-rebuild move, for comparison.
    pub naive: NaiveMove,
    /// For each target GPU (by its index in the target plan), the id it has after the move.
    pub target_gpu_ids: Vec<usize>,
}

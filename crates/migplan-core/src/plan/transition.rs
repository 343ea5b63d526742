//! The move JSON of contract.md: the steps that take a running plan to the next one.
//! Plain data; the move planner writes it and the move checker reads it.

use serde::{Deserialize, Serialize};

use crate::plan::PlanInstance;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", try_from = "ActionRecord")]
pub enum Action {
    AddGpu {
        gpu: usize,
        /// The GPU's type, in a move over several types; else the plans' `gpu`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gpu_type: Option<String>,
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
            Action::AddGpu { gpu, .. }
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

/// An action as read: every field of every kind, then checked against its `op`. Serde reads
/// an internally tagged enum by buffering each object first, which costs a 10,000-step move
/// time and the web binary tens of KB; a flat record reads in one pass.
#[derive(Deserialize)]
struct ActionRecord {
    op: Op,
    gpu: usize,
    profile: Option<String>,
    start: Option<u8>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    batch: Option<u32>,
    #[serde(default)]
    processes: Option<u32>,
    #[serde(default)]
    throughput: Option<f64>,
    #[serde(default)]
    gpu_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Op {
    AddGpu,
    Create,
    Delete,
    RemoveGpu,
}

impl TryFrom<ActionRecord> for Action {
    type Error = String;

    fn try_from(r: ActionRecord) -> Result<Action, String> {
        let needs = |op: &str, field: &str| format!("missing field `{field}` (an `{op}` action needs it)");
        Ok(match r.op {
            Op::AddGpu => Action::AddGpu { gpu: r.gpu, gpu_type: r.gpu_type },
            Op::RemoveGpu => Action::RemoveGpu { gpu: r.gpu },
            Op::Delete => Action::Delete { gpu: r.gpu, start: r.start.ok_or_else(|| needs("delete", "start"))? },
            Op::Create => Action::Create {
                gpu: r.gpu,
                profile: r.profile.ok_or_else(|| needs("create", "profile"))?,
                start: r.start.ok_or_else(|| needs("create", "start"))?,
                model: r.model,
                batch: r.batch,
                processes: r.processes,
                throughput: r.throughput,
            },
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_as_written_and_a_missing_field_is_named() {
        let actions = vec![
            Action::AddGpu { gpu: 3, gpu_type: None },
            Action::AddGpu { gpu: 4, gpu_type: Some("h100-80gb".into()) },
            Action::Create {
                gpu: 3,
                profile: "3g.20gb".into(),
                start: 4,
                model: Some("bert".into()),
                batch: Some(8),
                processes: None,
                throughput: Some(120.5),
            },
            Action::Create {
                gpu: 1,
                profile: "1g.5gb".into(),
                start: 0,
                model: None,
                batch: None,
                processes: None,
                throughput: None,
            },
            Action::Delete { gpu: 0, start: 6 },
            Action::RemoveGpu { gpu: 0 },
        ];
        let text = serde_json::to_string(&actions).unwrap();
        assert!(text.contains(r#"{"op":"add_gpu","gpu":3}"#), "{text}");
        assert!(text.contains(r#"{"op":"add_gpu","gpu":4,"gpu_type":"h100-80gb"}"#), "{text}");
        assert_eq!(serde_json::from_str::<Vec<Action>>(&text).unwrap(), actions);

        let missing = serde_json::from_str::<Action>(r#"{"op": "create", "gpu": 1, "start": 0}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `profile`"), "{missing}");
        let unknown = serde_json::from_str::<Action>(r#"{"op": "resize", "gpu": 1}"#).unwrap_err();
        assert!(unknown.to_string().contains("unknown variant `resize`"), "{unknown}");
    }
}

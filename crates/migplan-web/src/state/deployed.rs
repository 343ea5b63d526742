//! What runs on the cluster: the plan the user marked deployed or uploaded, with when. Only
//! the user says so; solving a new workload never changes it, so a move starts from what
//! actually runs.

use std::rc::Rc;

use migplan_core::plan::Plan;
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::Key;
use serde::{Deserialize, Serialize};

use super::inputs::{Fingerprint, Source};

/// The running plan, where it came from and when the user set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployed {
    /// Shared with the plan on screen when marked deployed, and with the moves planned from it.
    pub plan: Rc<Plan>,
    /// "marked deployed on this page", or the uploaded file's name.
    pub from: String,
    /// When the user marked or uploaded it, as an ISO 8601 UTC time.
    pub at: String,
    /// The plan's fingerprint, taken once when it is set: a move's key holds it, so that no
    /// render serialises a plan of thousands of GPUs to tell whether the move is current.
    /// Saves of earlier versions lack it (`State::load` takes it again).
    #[serde(default)]
    pub key: u64,
}

impl Deployed {
    pub fn new(plan: Rc<Plan>, from: String, at: String) -> Deployed {
        let key = Deployed::key_of(&plan);
        Deployed { plan, from, at, key }
    }

    /// FNV-1a of the plan's JSON.
    pub fn key_of(plan: &Plan) -> u64 {
        let mut fingerprint = Fingerprint::new();
        serde_json::to_writer(&mut fingerprint, plan).map_or(0, |()| fingerprint.0)
    }

    /// An uploaded plan file, or why it is not a plan.
    pub fn upload(source: &Source, at: String) -> Result<Deployed, String> {
        serde_json::from_str(&source.text).map(|plan| Deployed::new(Rc::new(plan), source.name.clone(), at)).map_err(
            |e| {
                format!(
                    "{}, line {}, column {}: not a plan: {}",
                    source.name,
                    e.line(),
                    e.column(),
                    e.to_string().split(" at line ").next().unwrap_or_default()
                )
            },
        )
    }

    /// "2026-11-25 16:05 UTC" from the ISO time the browser gave.
    pub fn when(&self) -> String {
        match (self.at.get(..10), self.at.get(11..16)) {
            (Some(day), Some(time)) => format!("{day} {time} UTC"),
            _ => self.at.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MoveInputs {
    /// The running plan a move starts from: set only when the user says what runs.
    #[serde(default)]
    pub deployed: Option<Deployed>,
    /// Why the last uploaded running plan was refused.
    #[serde(default)]
    pub upload_error: Option<String>,
    pub spare: String,
}

impl MoveInputs {
    /// The move's own settings as typed, for the worker to read with the inputs'.
    pub fn settings(&self) -> Asked {
        Asked::from([(Key::Spare, self.spare.clone())])
    }
}

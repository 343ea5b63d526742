//! What the user entered: the GPU, the two files (kept verbatim) and the solver settings.

use migplan_core::problem::input::{parse_profiles, parse_workload, InputError};
use serde::{Deserialize, Serialize};

use crate::examples;
use crate::protocol::PlanRequest;

/// A file's name and text: what the user uploaded or edited, kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub gpu: String,
    pub profiles: Source,
    pub workload: Source,
    pub solver: String,
    /// As typed, so a half-typed number is not lost.
    pub time_limit_s: String,
    pub seed: String,
}

impl Inputs {
    /// What the worker is asked to plan, fields as typed: the worker checks them.
    pub fn request(&self) -> PlanRequest {
        PlanRequest {
            gpu: self.gpu.clone(),
            profiles_name: self.profiles.name.clone(),
            profiles_text: self.profiles.text.clone(),
            workload_name: self.workload.name.clone(),
            workload_text: self.workload.text.clone(),
            solver: self.solver.clone(),
            time_limit_s: self.time_limit_s.clone(),
            seed: self.seed.clone(),
        }
    }

    pub fn example() -> Inputs {
        Inputs {
            gpu: "a100-40gb".into(),
            profiles: Source { name: examples::PROFILES_NAME.into(), text: examples::A100_PROFILES.into() },
            workload: Source { name: examples::WORKLOAD_NAME.into(), text: examples::A100_WORKLOAD.into() },
            solver: "auto".into(),
            time_limit_s: "10".into(),
            seed: "1".into(),
        }
    }
}

/// Parse errors of the two inputs, so they show next to the inputs as soon as a file lands.
pub fn parse_errors(inputs: &Inputs) -> Vec<InputError> {
    let mut errors = Vec::new();
    if let Err(e) = parse_profiles(&inputs.profiles.name, &inputs.profiles.text) {
        errors.extend(e.0);
    }
    if let Err(e) = parse_workload(&inputs.workload.name, &inputs.workload.text) {
        errors.extend(e.0);
    }
    errors
}

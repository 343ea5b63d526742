//! What the user entered: the GPU, the profiles files and the workload (kept verbatim), the
//! latency percentile, the solver settings and the headroom.

use migplan_core::problem::import::Percentile;
use migplan_core::problem::input::{parse_workload, InputError};
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::Key;
use serde::{Deserialize, Serialize};

use crate::logic::examples;
use crate::logic::profile_files::{import_all, one_or_many, ProfileFile};
use crate::worker::protocol::PlanRequest;

/// A file's name and text: what the user uploaded or edited, kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub gpu: String,
    /// Every profiles file, in any format migplan imports; merged for the plan. (Saved
    /// states of earlier versions hold one file here.)
    #[serde(deserialize_with = "one_or_many")]
    pub profiles: Vec<ProfileFile>,
    /// The latency percentile the SLO applies to, where a profiles file has several.
    #[serde(default)]
    pub latency: Percentile,
    pub workload: Source,
    pub solver: String,
    /// As typed, so a half-typed number is not lost.
    pub time_limit_s: String,
    pub seed: String,
    /// Percent over every measured rate the plan serves, as `migplan plan --headroom`.
    /// (Saved states of earlier versions have none: no headroom.)
    #[serde(default = "no_headroom")]
    pub headroom: String,
}

fn no_headroom() -> String {
    Key::Headroom.setting().default.into()
}

impl Inputs {
    /// What the worker is asked to plan, fields as typed: the worker checks them.
    pub fn request(&self) -> PlanRequest {
        let settings = [
            (Key::Gpu, &self.gpu),
            (Key::Solver, &self.solver),
            (Key::TimeLimit, &self.time_limit_s),
            (Key::Seed, &self.seed),
            (Key::Headroom, &self.headroom),
        ];
        let mut settings: Asked = settings.into_iter().map(|(k, v)| (k, v.clone())).collect();
        settings.insert(Key::Latency, self.latency.name().into());
        PlanRequest {
            settings,
            profiles: self.profiles.clone(),
            workload_name: self.workload.name.clone(),
            workload_text: self.workload.text.clone(),
        }
    }

    /// A fingerprint of every field (FNV-1a), to tell which inputs a plan was made for
    /// without keeping (and saving) a copy of them: the profiles can be megabytes.
    pub fn key(&self) -> u64 {
        let mut key = Fingerprint::new();
        key.eat(&self.gpu);
        for f in &self.profiles {
            for field in [&f.name, &f.text, &f.model, &f.profile, &f.batch, &f.measured_on] {
                key.eat(field);
            }
        }
        key.eat(self.latency.name());
        let typed =
            [&self.workload.name, &self.workload.text, &self.solver, &self.time_limit_s, &self.seed, &self.headroom];
        for field in typed {
            key.eat(field);
        }
        key.0
    }

    pub fn example() -> Inputs {
        Inputs {
            gpu: "a100-40gb".into(),
            profiles: vec![ProfileFile::new(examples::PROFILES_NAME, examples::A100_PROFILES)],
            latency: Percentile::default(),
            workload: Source { name: examples::WORKLOAD_NAME.into(), text: examples::A100_WORKLOAD.into() },
            solver: "auto".into(),
            time_limit_s: Key::TimeLimit.setting().default.into(),
            seed: Key::Seed.setting().default.into(),
            headroom: no_headroom(),
        }
    }
}

/// Errors of the inputs' files, so they show next to the inputs as soon as a file lands.
pub fn parse_errors(inputs: &Inputs) -> Vec<InputError> {
    [profile_errors(inputs), workload_errors(inputs)].concat()
}

/// Errors of the profiles files (importing a 1,000-model file takes a while: the reducer
/// keeps them until the profiles, the GPU or the percentile change).
pub fn profile_errors(inputs: &Inputs) -> Vec<InputError> {
    import_all(&inputs.profiles, &inputs.gpu, inputs.latency).err().map(|e| e.0).unwrap_or_default()
}

pub fn workload_errors(inputs: &Inputs) -> Vec<InputError> {
    parse_workload(&inputs.workload.name, &inputs.workload.text).err().map(|e| e.0).unwrap_or_default()
}

/// FNV-1a over what is written to it: the key of the inputs, and of what a move was planned
/// from (`move_use`).
pub(super) struct Fingerprint(pub(super) u64);

impl Fingerprint {
    pub(super) fn new() -> Fingerprint {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }

    /// `text` and a byte no UTF-8 text holds, so that ("ab", "c") and ("a", "bc") differ.
    pub(super) fn eat(&mut self, text: &str) {
        self.eat_bytes(text.as_bytes());
        self.eat_bytes(&[0xff]);
    }

    fn eat_bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.eat_bytes(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

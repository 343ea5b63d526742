//! What the page hands on: the inputs and the two settings beside them. A share link carries
//! them (deflated, in `crate::share`), and "Download inputs (JSON)" writes them as a file that
//! "Load inputs (JSON)" reads back; both give the same state.

use migplan_core::plan::Plan;
use serde::{Deserialize, Serialize};

use super::inputs::{Inputs, Source};
use super::State;
use super::{default_gpus_per_node, DEFAULT_SPARE};

/// Every input of a plan, and the GPUs per node and spare GPUs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub inputs: Inputs,
    #[serde(default)]
    pub gpus_per_node: Option<String>,
    #[serde(default)]
    pub spare: Option<String>,
}

impl Shared {
    pub fn of(state: &State) -> Shared {
        Shared {
            inputs: state.inputs.clone(),
            gpus_per_node: Some(state.gpus_per_node.clone()),
            spare: Some(state.move_inputs.spare.clone()),
        }
    }

    /// A fresh state with these inputs, nothing planned yet.
    pub fn into_state(self) -> State {
        let (inputs, gpus_per_node, spare) = self.settled();
        let mut state = State::new(inputs);
        state.gpus_per_node = gpus_per_node;
        state.move_inputs.spare = spare;
        state
    }

    /// The inputs and the settings, a setting left out taking its default (links of the
    /// first version had neither).
    pub fn settled(self) -> (Inputs, String, String) {
        let gpus_per_node = self.gpus_per_node.unwrap_or_else(default_gpus_per_node);
        (self.inputs, gpus_per_node, self.spare.unwrap_or_else(|| DEFAULT_SPARE.into()))
    }

    /// The text of "Download inputs (JSON)" and the JSON inside a link. (Compact and read
    /// from text, like the saved state: the same serde code serves both in the wasm.)
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A file of "Download inputs (JSON)", or why it is not one: its name, where the JSON
    /// goes wrong and what to choose instead, in words for the page.
    pub fn read_file(file: &Source) -> Result<Shared, String> {
        let e = match serde_json::from_str::<Shared>(&file.text) {
            Ok(shared) => return Ok(shared),
            Err(e) => e,
        };
        let at = format!("{}, line {}, column {}", file.name, e.line(), e.column());
        let what = e.to_string().split(" at line ").next().unwrap_or_default().to_string();
        const CHOOSE: &str = "choose a file saved with Download inputs (JSON)";
        Err(if e.is_syntax() || e.is_eof() {
            format!("{at}: not JSON ({what}): {CHOOSE}")
        } else if serde_json::from_str::<Plan>(&file.text).is_ok() {
            format!(
                "{}: this is a plan, not inputs: to move a cluster from it, upload it under Upload a running plan \
                 (JSON); to load inputs, {CHOOSE}",
                file.name
            )
        } else {
            format!("{at}: JSON, but not migplan inputs ({what}): {CHOOSE}")
        })
    }
}

impl State {
    /// Loads a file of "Download inputs (JSON)": its inputs and settings replace the page's
    /// (the plans stay, for the inputs they were made for) and true is returned; or nothing
    /// changes but `inputs_load`, which says why.
    pub(super) fn load_inputs(&mut self, file: Result<Source, String>) -> bool {
        match file.and_then(|file| Ok((Shared::read_file(&file)?, file.name))) {
            Ok((shared, name)) => {
                (self.inputs, self.gpus_per_node, self.move_inputs.spare) = shared.settled();
                self.inputs_load = Some(Ok(name));
                true
            }
            Err(why) => {
                self.inputs_load = Some(Err(why));
                false
            }
        }
    }
}

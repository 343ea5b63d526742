//! The state as saved: the big parts (profiles files, plan, running plan, planned move) each
//! under a key of their own and the rest under the main key, so a save writes only the parts
//! that changed: a keystroke in a 1,000-model workload rewrites kilobytes, not the megabytes
//! of profiles and plans.
// Natively (tests aside) nothing saves: the page does, in the browser.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use std::collections::HashMap;

use super::State;
#[cfg(target_arch = "wasm32")]
use super::{profile_errors, storage, Deployed, Inputs};

/// The main key, which earlier versions filled with the whole state (still read).
pub const MAIN: &str = "migplan.state.v1";
const PROFILES: &str = "migplan.state.v1.profiles";
const PLAN: &str = "migplan.state.v1.plan";
const DEPLOYED: &str = "migplan.state.v1.deployed";
pub const MOVE: &str = "migplan.state.v1.move";

fn json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| e.to_string())
}

/// The keys and texts to write to save `state` when `since` was saved last (all of them
/// without one).
pub fn changed_parts(state: &State, since: Option<&State>) -> Result<Vec<(&'static str, String)>, String> {
    let mut parts = Vec::new();
    let differs = |same: fn(&State, &State) -> bool| since.is_none_or(|old| !same(old, state));
    if differs(|a, b| a.inputs.profiles == b.inputs.profiles) {
        parts.push((PROFILES, json(&state.inputs.profiles)?));
    }
    if differs(|a, b| a.plan == b.plan) {
        parts.push((PLAN, json(&state.plan)?));
    }
    if differs(|a, b| a.move_inputs.deployed == b.move_inputs.deployed) {
        parts.push((DEPLOYED, json(&state.move_inputs.deployed)?));
    }
    // A move is saved once planned, not its best so far on every improvement (megabytes at
    // 1,000 models); what was saved mid-run counts as changed.
    if !state.move_run.running && differs(|a, b| !a.move_run.running && a.planned_move == b.planned_move) {
        parts.push((MOVE, json(&state.planned_move)?));
    }
    let mut rest = state.clone();
    rest.inputs.profiles.clear();
    rest.plan = None;
    rest.move_inputs.deployed = None;
    rest.planned_move = None;
    let rest = json(&rest)?;
    parts.push((MAIN, rest));
    Ok(parts)
}

/// The state saved under these keys, if the main key holds one.
pub fn assemble(saved: &HashMap<&str, String>) -> Option<State> {
    let mut state: State = serde_json::from_str(saved.get(MAIN)?).ok()?;
    let part = |key: &str| saved.get(key);
    if let Some(text) = part(PROFILES) {
        state.inputs.profiles = serde_json::from_str(text).ok()?;
    }
    if let Some(text) = part(PLAN) {
        state.plan = serde_json::from_str(text).ok()?;
    }
    if let Some(text) = part(DEPLOYED) {
        state.move_inputs.deployed = serde_json::from_str(text).ok()?;
    }
    // A move is planned again in seconds: one saved in an earlier version's shape is
    // dropped, not the whole state with it.
    if let Some(text) = part(MOVE) {
        state.planned_move = serde_json::from_str(text).ok().flatten();
    }
    Some(state)
}

/// Every key a save may write.
pub const KEYS: [&str; 5] = [MAIN, PROFILES, PLAN, DEPLOYED, MOVE];

#[cfg(target_arch = "wasm32")]
impl State {
    /// The saved state, or the example on a first visit (`true`: nothing was saved).
    #[cfg(target_arch = "wasm32")]
    pub fn load() -> (State, bool) {
        let saved = KEYS.iter().filter_map(|&k| Some((k, storage::load(k)?))).collect();
        match assemble(&saved) {
            Some(mut s) => {
                // A run cannot survive a reload.
                s.run.running = false;
                s.move_run.running = false;
                // Saves of earlier versions lack these.
                s.inputs_key = s.inputs.key();
                if let Some(running) = s.move_inputs.deployed.as_mut() {
                    running.key = Deployed::key_of(&running.plan);
                }
                s.profile_errors = profile_errors(&s.inputs);
                (s, false)
            }
            None => (State::new(Inputs::example()), true),
        }
    }

    /// Saves the state in the browser (localStorage), the parts changed `since` the last
    /// save; the error says why it could not be (storage full, storage disabled).
    #[cfg(target_arch = "wasm32")]
    pub fn save(&self, since: Option<&State>) -> Result<(), String> {
        changed_parts(self, since)?.iter().try_for_each(|(key, text)| storage::save(key, text))
    }
}

#[cfg(test)]
#[path = "saved_tests.rs"]
mod tests;

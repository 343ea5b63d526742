//! What the move panel says about the move on screen. A move is planned from the inputs on
//! the page when "Plan the move" was pressed: the workload and its profiles, the running plan
//! and the spare GPUs. Once any of them changes the move stays on screen (the user may be
//! part way through applying it) but its note and downloads say it is for earlier inputs,
//! as the plan's do (see `plan_use`).

use std::io::Write;

use super::inputs::Fingerprint;
use super::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveUse {
    /// The move is for the inputs on the page now.
    Current,
    /// The move was planned for inputs the user has changed since.
    EarlierInputs,
    /// Saved by a version of the page that did not record what the move was planned for.
    Unknown,
}

impl MoveUse {
    /// Added to the label of each of the move's downloads.
    pub fn label_suffix(self) -> &'static str {
        match self {
            MoveUse::Current => "",
            MoveUse::EarlierInputs => " (for the earlier inputs)",
            MoveUse::Unknown => " (for inputs not recorded)",
        }
    }

    /// The note above the move, if it may not be for the inputs now.
    pub fn note(self) -> Option<&'static str> {
        match self {
            MoveUse::Current => None,
            MoveUse::EarlierInputs => Some(
                "This move was planned for earlier inputs (the workload, the running plan or the spare GPUs \
                 have changed since): press Plan the move again for a move of the inputs now.",
            ),
            MoveUse::Unknown => Some(
                "This move was saved by an earlier version of this page, which did not record the inputs it \
                 was planned for: press Plan the move again to be sure it serves the inputs now.",
            ),
        }
    }
}

impl State {
    /// A fingerprint of everything a move request is built from now (see `moves.rs`): the
    /// inputs, the spare GPUs as typed and the running plan; `None` without a running plan,
    /// when no move can be planned.
    pub fn move_request_key(&self) -> Option<u64> {
        let running = self.move_inputs.deployed.as_ref()?;
        let mut fingerprint = Fingerprint(self.inputs_key);
        fingerprint.eat(&self.move_inputs.spare);
        fingerprint.write_all(&running.key.to_le_bytes()).ok()?;
        Some(fingerprint.0)
    }

    /// How the move on screen may be used; `None` without a move.
    pub fn move_use(&self) -> Option<MoveUse> {
        self.planned_move.as_ref()?;
        Some(match self.move_key {
            None => MoveUse::Unknown,
            key if key == self.move_request_key() => MoveUse::Current,
            Some(_) => MoveUse::EarlierInputs,
        })
    }
}

#[cfg(test)]
#[path = "move_use_tests.rs"]
mod tests;

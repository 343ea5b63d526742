//! What the move tests start from: a running plan, new demand, and the worker's answer to
//! "Plan the move" as the page asks it (`moves.rs`).

use migplan_core::workflow::PhaseTimes;

use super::tests::plan_for;
use super::{Action, Inputs, Source, State};
use crate::worker::protocol::{Request, TransitionRequest};

/// The example's plan marked deployed, and its first model's demand raised from 900 to 1,900.
pub(super) fn running_the_example_with_a_higher_workload() -> State {
    let s = State::new(Inputs::example()).after(Action::SetSolver("exact".into()));
    let s = s.after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let s = s.after(Action::MarkDeployed { at: "2026-01-01T00:00:00.000Z".into() });
    let workload = Source { text: s.inputs.workload.text.replace(",900,", ",1900,"), ..s.inputs.workload.clone() };
    s.after(Action::SetWorkload(workload))
}

/// "Plan the move" pressed on `s`, and the actions of every message the worker answers with.
pub(super) fn move_asked(s: &State) -> (State, Vec<Action>) {
    let s = s.after(Action::MoveStarted { at_ms: 2.0 });
    let request = TransitionRequest {
        inputs: s.inputs.request(),
        running: s.move_inputs.deployed.as_ref().unwrap().plan.clone(),
        settings: s.move_inputs.settings(),
        front_id: 2,
    };
    let mut heard = Vec::new();
    crate::worker::planning::Planner::default()
        .handle(&Request::Transition(request), &mut |m| heard.extend(Action::heard(m)));
    (s, heard)
}

//! Which inputs the move on screen is for, natively: the move is planned by the worker's own
//! code from the request the page would send.

use migplan_core::workflow::PhaseTimes;

use super::super::tests::plan_for;
use super::super::{Action, Inputs, PlannedMove, Source, State};
use super::MoveUse;
use crate::protocol::{Request, TransitionRequest};

/// The example's plan marked deployed, and its workload's rates raised: what a move is for.
fn running_the_example_with_a_higher_workload() -> State {
    let s = State::new(Inputs::example()).after(Action::SetSolver("exact".into()));
    let s = s.after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let s = s.after(Action::MarkDeployed { at: "2026-01-01T00:00:00.000Z".into() });
    let workload = Source { text: s.inputs.workload.text.replace(",900,", ",1900,"), ..s.inputs.workload.clone() };
    s.after(Action::SetWorkload(workload))
}

/// The state after "Plan the move" is pressed and the worker answers, as `moves.rs` asks.
fn move_planned(s: &State) -> State {
    let mut s = s.after(Action::MoveStarted { at_ms: 2.0 });
    let request = TransitionRequest {
        inputs: s.inputs.request(),
        running: s.move_inputs.deployed.as_ref().unwrap().plan.clone(),
        spare: s.move_inputs.spare.clone(),
        front_id: 2,
    };
    let mut heard = Vec::new();
    crate::planning::Planner::default().handle(&Request::Transition(request), &mut |m| heard.extend(Action::heard(m)));
    for action in heard {
        s = s.after(action);
    }
    assert!(s.planned_move.as_ref().is_some_and(|m| m.front_id == Some(2)) && !s.move_run.running);
    s
}

#[test]
fn the_move_says_when_it_is_for_earlier_inputs_and_is_current_again_when_they_are_back() {
    let before = running_the_example_with_a_higher_workload();
    assert_eq!(before.move_use(), None);
    let moved = move_planned(&before);
    assert_eq!(moved.move_use(), Some(MoveUse::Current));
    assert_eq!((MoveUse::Current.label_suffix(), MoveUse::Current.note()), ("", None));

    let workload = moved.inputs.workload.clone();
    let edited = moved
        .after(Action::SetWorkload(Source { text: workload.text.replace(",1900,", ",2900,"), ..workload.clone() }));
    let earlier = edited.move_use().unwrap();
    assert_eq!(earlier, MoveUse::EarlierInputs);
    assert_eq!(earlier.label_suffix(), " (for the earlier inputs)");
    assert!(earlier.note().unwrap().contains("press Plan the move again"), "{:?}", earlier.note());
    assert_eq!(edited.after(Action::SetWorkload(workload)).move_use(), Some(MoveUse::Current));

    assert_eq!(moved.after(Action::SetSpare("2".into())).move_use(), Some(MoveUse::EarlierInputs));
    // Another plan marked deployed: the move starts from a plan no longer running.
    let solved = moved.after(Action::Started { at_ms: 3.0 });
    let solved = solved.after(Action::Done(plan_for(&solved.inputs), PhaseTimes::default()));
    assert_eq!(solved.move_use(), Some(MoveUse::Current), "solving changes no input of the move");
    let redeployed = solved.after(Action::MarkDeployed { at: "2026-01-02T00:00:00.000Z".into() });
    assert_eq!(redeployed.move_use(), Some(MoveUse::EarlierInputs));
}

#[test]
fn a_move_saved_before_its_inputs_were_recorded_loads_and_says_they_are_unknown() {
    let moved = move_planned(&running_the_example_with_a_higher_workload());
    let mut saved = serde_json::to_value(&moved).unwrap();
    saved.as_object_mut().unwrap().remove("move_key");
    let loaded: State = serde_json::from_value(saved).unwrap();
    // Loaded in a fresh page, whose worker holds no trade-off to pick from.
    let planned = moved.planned_move.map(|m| PlannedMove { front_id: None, ..m });
    assert_eq!(loaded.planned_move, planned);
    assert_eq!(loaded.move_use(), Some(MoveUse::Unknown));
    assert!(loaded.move_use().unwrap().note().unwrap().contains("press Plan the move again"));
}

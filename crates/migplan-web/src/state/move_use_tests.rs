//! Which inputs the move on screen is for, natively: the move is planned by the worker's own
//! code from the request the page would send.

use migplan_core::workflow::PhaseTimes;

use super::super::move_fixtures::{move_asked, running_the_example_with_a_higher_workload};
use super::super::tests::plan_for;
use super::super::{Action, PlannedMove, Source, State};
use super::MoveUse;

/// The state after "Plan the move" is pressed and the worker answers, as `moves.rs` asks.
fn move_planned(s: &State) -> State {
    let (mut s, heard) = move_asked(s);
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

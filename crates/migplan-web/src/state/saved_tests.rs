//! Saving the state in parts and loading it back, natively.

use std::collections::HashMap;

use super::super::tests::plan_for;
use super::super::*;
use migplan_core::workflow::PhaseTimes;

#[test]
fn a_save_writes_only_the_parts_that_changed_and_loads_back_whole() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let s = s.after(Action::MarkDeployed { at: "2026-11-25T16:05:00.000Z".into() });
    let mut store: HashMap<&str, String> = saved::changed_parts(&s, None).unwrap().into_iter().collect();
    assert_eq!(store.len(), saved::KEYS.len());
    assert_eq!(saved::assemble(&store).unwrap(), s);
    // A keystroke in the workload writes the main key alone, and a small one.
    let mut cells = workload_cells(&s.inputs.workload.name, &s.inputs.workload.text).unwrap();
    cells[0][1] = "77".into();
    let edited = s.after(Action::SetWorkload(Source { name: "w.csv".into(), text: workload_text(&cells) }));
    let parts = saved::changed_parts(&edited, Some(&s)).unwrap();
    assert_eq!(parts.iter().map(|p| p.0).collect::<Vec<_>>(), [saved::MAIN]);
    assert!(parts[0].1.len() < s.inputs.profiles[0].text.len() / 4, "{} bytes", parts[0].1.len());
    store.extend(parts);
    assert_eq!(saved::assemble(&store).unwrap(), edited);
    // A save of an earlier version (the whole state under the main key) still loads.
    let old: HashMap<&str, String> = [(saved::MAIN, serde_json::to_string(&s).unwrap())].into();
    assert_eq!(saved::assemble(&old).unwrap(), s);
}

#[test]
fn a_saved_move_of_an_earlier_shape_is_dropped_and_the_rest_still_loads() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let mut store: HashMap<&str, String> = saved::changed_parts(&s, None).unwrap().into_iter().collect();
    // Earlier versions flattened the move into the saved object: `running` at the top.
    store.insert(saved::MOVE, r#"{"running": {"gpus": []}, "spare_allowed": 0}"#.into());
    let loaded = saved::assemble(&store).expect("the inputs and plan load without the move");
    assert_eq!(loaded.planned_move, None);
    assert_eq!(loaded.inputs, s.inputs);
    assert_eq!(loaded.plan, s.plan);
}

//! The reducer and the table helpers, natively.

use migplan_core::plan::Plan;
use migplan_core::problem::input::parse_workload;

use super::*;

#[test]
fn cells_round_trip_and_keep_bad_values() {
    let rows = workload_cells("Model,Rate,SLO_ms\nbert,900,60\nresnet,lots,30\n").unwrap();
    assert_eq!(rows[1], ["resnet".to_string(), "lots".into(), "30".into()]);
    let text = workload_text(&rows);
    assert_eq!(workload_cells(&text).unwrap(), rows);
    assert!(parse_workload("w.csv", &text).is_err());
}

fn plan_for(inputs: &Inputs) -> Plan {
    let mut plan = None;
    crate::planning::handle(
        &crate::protocol::Request::Plan(Inputs { solver: "exact".into(), ..inputs.clone() }.request()),
        &mut |m| {
            if let crate::protocol::WorkerMessage::Done { plan: p, .. } = m {
                plan = Some(p);
            }
        },
    );
    plan.unwrap()
}

#[test]
fn a_plan_is_current_until_an_input_changes() {
    let s = State::new(Inputs::example()).after(Action::Started);
    assert!(s.run.running);
    let plan = plan_for(&s.inputs);
    let s = s.after(Action::Done(plan, PhaseTimes::default()));
    assert!(!s.run.running && s.plan_is_current());
    let s = s.after(Action::SetSeed("9".into()));
    assert!(!s.plan_is_current());
    assert!(s.plan.is_some(), "the old plan stays on screen");
}

#[test]
fn cancel_keeps_the_streamed_plan_and_says_so() {
    let s = State::new(Inputs::example()).after(Action::Started);
    let plan = plan_for(&s.inputs);
    let status = Status { best_gpus: Some(plan.gpu_count), lower_bound: 1, elapsed_ms: 5, phase: Phase::Improved };
    let s = s.after(Action::Progress { status, plan: Some(plan.clone()) });
    let s = s.after(Action::Cancelled);
    assert!(!s.run.running);
    assert_eq!(s.plan.as_ref().map(|p| p.gpu_count), Some(plan.gpu_count));
    assert!(s.run.note.as_deref().unwrap().contains("kept the best plan"));
    assert_eq!(s.run.points.len(), 1);
}

#[test]
fn a_bad_upload_is_kept_and_its_errors_shown() {
    let s = State::new(Inputs::example())
        .after(Action::SetWorkload(Source { name: "w.csv".into(), text: "model,rate,slo_ms\na,x,1\n".into() }));
    assert_eq!(s.inputs.workload.text, "model,rate,slo_ms\na,x,1\n");
    assert_eq!((s.errors[0].line, s.errors[0].column.as_deref()), (Some(2), Some("rate")));
    let s = s.after(Action::Clear);
    assert!(s.errors.is_empty());
    assert_eq!(s.inputs, Inputs::example());
}

#[test]
fn state_survives_a_json_round_trip() {
    let s = State::new(Inputs::example());
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn json_workload_has_no_cells() {
    assert_eq!(workload_cells("{\"workload\": []}"), None);
}

#[test]
fn a_refused_save_is_told_in_words() {
    use super::storage::failure_reason;
    assert_eq!(
        failure_reason("QuotaExceededError", "Setting the value exceeded the quota."),
        "the browser's storage for this site is full"
    );
    assert_eq!(failure_reason("SecurityError", "Access is denied"), "the browser does not let this site store data");
    assert_eq!(failure_reason("Error", "boom"), "boom");
    assert_eq!(failure_reason("", ""), "the browser refused to store them");
}

#[test]
fn gpus_per_node_is_kept_checked_and_defaults_for_old_saves() {
    let s = State::new(Inputs::example());
    assert_eq!(s.export_options().unwrap().gpus_per_node, 8);
    let s = s.after(Action::SetGpusPerNode("4".into()));
    assert_eq!(s.export_options().unwrap().gpus_per_node, 4);
    let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back.gpus_per_node, "4");
    for bad in ["0", "1025", "x", "2.5"] {
        assert!(s.after(Action::SetGpusPerNode(bad.into())).export_options().is_err(), "{bad}");
    }
    let mut old = serde_json::to_value(&s).unwrap();
    old.as_object_mut().unwrap().remove("gpus_per_node");
    assert_eq!(serde_json::from_value::<State>(old).unwrap().gpus_per_node, "8");
}

#[test]
fn dropped_profiler_files_are_edited_removed_and_planned_with_their_located_rows() {
    let pa = "Concurrency,Inferences/Second,p50 latency,p99 latency\n1,3000,2000,3000\n";
    let s = State::new(Inputs::example()).after(Action::SetProfiles(vec![
        Source { name: "bert@3g.20gb@b8.csv".into(), text: pa.into() },
        Source { name: "perf.csv".into(), text: pa.into() },
    ]));
    // The second file does not say its model or profile: an error naming it.
    assert!(s.errors.iter().any(|e| e.file == "perf.csv" && e.message.contains("which model")), "{:?}", s.errors);
    let s = s.after(Action::EditProfileFile { index: 1, field: FileField::Model, value: "vit".into() });
    let s = s.after(Action::EditProfileFile { index: 1, field: FileField::Profile, value: "2g".into() });
    let s = s.after(Action::SetWorkload(Source {
        name: "w.csv".into(),
        text: "model,rate,slo_ms\nbert,5000,10\nvit,100,5\n".into(),
    }));
    assert_eq!(s.errors, []);
    let plan = plan_for(&s.inputs);
    let models: Vec<(&str, &str)> = plan
        .gpus
        .iter()
        .flat_map(|g| &g.instances)
        .filter_map(|i| Some((i.model.as_deref()?, i.profile.as_str())))
        .collect();
    assert!(models.contains(&("vit", "2g.10gb")) && models.contains(&("bert", "3g.20gb")), "{models:?}");
    let saved: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(saved.inputs.profiles[1].model, "vit");
    let s = s.after(Action::RemoveProfileFile(0));
    assert_eq!(s.inputs.profiles.len(), 1);
    assert!(s.errors.is_empty());
}

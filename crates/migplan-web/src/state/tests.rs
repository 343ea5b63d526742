//! The reducer and the table helpers, natively.

use migplan_core::plan::Plan;
use migplan_core::problem::input::parse_workload;

use super::plan_use::PlanUse;
use super::shared::Shared;
use super::*;
use crate::logic::profile_files::FileField;
use crate::worker::protocol::Status;
use migplan_core::problem::import::Percentile;
use migplan_core::workflow::PhaseTimes;

#[test]
fn cells_round_trip_and_keep_bad_values() {
    let rows = workload_cells("w.csv", "Model,Rate,SLO_ms\nbert,900,60\nresnet,lots,30\n").unwrap();
    assert_eq!(rows[1], ["resnet".to_string(), "lots".into(), "30".into()]);
    let text = workload_text(&rows);
    assert_eq!(workload_cells("w.csv", &text).unwrap(), rows);
    assert!(parse_workload("w.csv", &text).is_err());
    // A model typed as `#bert` is written quoted: a model, not a comment line.
    let hashed = vec![["#bert".to_string(), "900".into(), "60".into()]];
    assert_eq!(parse_workload("w.csv", &workload_text(&hashed)).unwrap()[0].model, "#bert");
}

pub(super) fn plan_for(inputs: &Inputs) -> Plan {
    let mut plan = None;
    crate::worker::planning::Planner::default().handle(
        &crate::worker::protocol::Request::Plan(Inputs { solver: "exact".into(), ..inputs.clone() }.request()),
        &mut |m| {
            if let crate::worker::protocol::WorkerMessage::Done { plan: p, .. } = m {
                plan = Some(p);
            }
        },
    );
    plan.unwrap()
}

#[test]
fn a_plan_is_current_until_an_input_changes() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
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
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let plan = plan_for(&s.inputs);
    let status = Status { best_gpus: Some(plan.gpu_count), lower_bound: 1, elapsed_ms: 5, phase: Phase::Improved };
    let s = s.after(Action::Progress { status, plan: Some(plan.clone()) });
    let s = s.after(Action::Cancelled { at_ms: 9.0 });
    assert!(!s.run.running);
    assert_eq!(s.plan.as_ref().map(|p| p.gpu_count), Some(plan.gpu_count));
    assert!(s.run.note.as_deref().unwrap().contains("kept the best plan"));
    assert_eq!(s.run.points.len(), 1);
}

#[test]
fn a_pasted_link_replaces_the_inputs_and_settings_and_leaves_the_plan_out_of_date() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let mut linked = Shared::of(&s);
    linked.inputs.seed = "77".into();
    (linked.gpus_per_node, linked.spare) = (Some("4".into()), None);
    let (inputs, gpus_per_node, spare) = linked.clone().settled();
    let s = s.after(Action::OpenLink { inputs, gpus_per_node, spare });
    assert_eq!((s.inputs.seed.as_str(), s.gpus_per_node.as_str()), ("77", "4"));
    assert_eq!(s.move_inputs.spare, super::DEFAULT_SPARE, "a setting the link leaves out takes its default");
    assert!(s.plan.is_some() && !s.plan_is_current(), "the plan stays, for the inputs it was made for");
    assert_eq!(Shared::of(&s).settled(), linked.settled());
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
    assert_eq!(workload_cells("w.csv", "{\"workload\": []}"), None);
    // Whatever the core reads as JSON: a list, or any text in a file named .json.
    assert_eq!(workload_rows("w.csv", " [{\"model\": \"a\"}]"), Err(NoTable::Json));
    assert_eq!(workload_rows("w.json", "model,rate,slo_ms\na,1,2\n"), Err(NoTable::Json));
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

#[test]
fn a_plan_arriving_after_an_edit_is_for_the_inputs_it_was_solved_for() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let plan = plan_for(&s.inputs);
    let mut cells = workload_cells(&s.inputs.workload.name, &s.inputs.workload.text).unwrap();
    cells[0][1] = "12345".into();
    let s = s.after(Action::SetWorkload(Source { name: "w.csv".into(), text: workload_text(&cells) }));
    let status = Status { best_gpus: Some(plan.gpu_count), lower_bound: 1, elapsed_ms: 5, phase: Phase::Improved };
    let s = s.after(Action::Progress { status, plan: Some(plan.clone()) });
    assert!(!s.plan_is_current(), "streamed plan shown as current for edited inputs");
    let s = s.after(Action::Done(plan.clone(), PhaseTimes::default()));
    assert!(!s.plan_is_current(), "final plan shown as current for edited inputs");
    // A seed changed during a solve is an edit too, and cancel says the plan is not for it.
    let s = s
        .after(Action::Started { at_ms: 2.0 })
        .after(Action::SetSeed("7".into()))
        .after(Action::Cancelled { at_ms: 9.0 });
    assert!(s.run.note.as_deref().unwrap().contains("earlier one"), "{:?}", s.run.note);
}

#[test]
fn cancel_before_any_plan_of_this_solve_says_the_plan_shown_is_earlier() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let s = s.after(Action::Done(plan_for(&s.inputs), PhaseTimes::default()));
    let s = s
        .after(Action::SetSeed("3".into()))
        .after(Action::Started { at_ms: 2.0 })
        .after(Action::Cancelled { at_ms: 9.0 });
    assert!(s.plan.is_some());
    assert!(s.run.note.as_deref().unwrap().contains("earlier one"), "{:?}", s.run.note);
}

#[test]
fn the_running_plan_is_only_what_the_user_marks_deployed_or_uploads() {
    let s = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let first = plan_for(&s.inputs);
    let s = s.after(Action::Done(first.clone(), PhaseTimes::default()));
    assert_eq!(s.running_plan(), None, "a solved plan is not running until the user says so");
    let s = s.after(Action::MarkDeployed { at: "2026-11-25T16:05:00.000Z".into() });
    assert_eq!(s.running_plan(), Some(&first));
    assert_eq!(s.move_inputs.deployed.as_ref().unwrap().when(), "2026-11-25 16:05 UTC");
    // Solving a new workload leaves the running plan alone.
    let mut cells = workload_cells(&s.inputs.workload.name, &s.inputs.workload.text).unwrap();
    cells[0][1] = (cells[0][1].parse::<f64>().unwrap() * 3.0).to_string();
    let s = s.after(Action::SetWorkload(Source { name: "w.csv".into(), text: workload_text(&cells) }));
    let s = s.after(Action::Started { at_ms: 2.0 });
    let second = plan_for(&s.inputs);
    let s = s.after(Action::Done(second, PhaseTimes::default()));
    assert_eq!(s.running_plan(), Some(&first));
    // A reload keeps it.
    let back: State = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back.running_plan(), Some(&first));
    // An upload replaces it; a file that is not a plan is refused and the old one kept.
    let bad = Source { name: "x.json".into(), text: "{\"gpu\": 3}".into() };
    let s = s.after(Action::UploadRunning { source: Ok(bad), at: "t".into() });
    assert!(s.move_inputs.upload_error.as_deref().unwrap().starts_with("x.json, line 1"));
    assert_eq!(s.running_plan(), Some(&first));
    // A file the browser could not read says so too, and keeps the old one.
    let unread = Err("y.json: the browser could not read this file: choose it again".to_string());
    let s = s.after(Action::UploadRunning { source: unread, at: "t".into() });
    assert!(s.move_inputs.upload_error.as_deref().unwrap().starts_with("y.json: the browser could not read"));
    assert_eq!(s.running_plan(), Some(&first));
    let good = Source { name: "run.json".into(), text: serde_json::to_string(s.plan.as_ref().unwrap()).unwrap() };
    let s = s.after(Action::UploadRunning { source: Ok(good), at: "t".into() });
    assert_eq!(s.running_plan(), s.plan.as_deref());
    assert_eq!(
        (s.move_inputs.deployed.as_ref().unwrap().from.as_str(), s.move_inputs.upload_error.as_ref()),
        ("run.json", None)
    );
}

#[test]
fn progress_keeps_each_new_bound_and_best_count_with_its_time() {
    let mut s = State::new(Inputs::example()).after(Action::Started { at_ms: 1000.0 });
    for (t, best, bound) in [(1, None, 0), (5, None, 3), (9, Some(6), 3), (20, Some(6), 4), (30, Some(5), 4)] {
        let status = Status { best_gpus: best, lower_bound: bound, elapsed_ms: t, phase: Phase::Improved };
        s = s.after(Action::Progress { status, plan: None });
    }
    let pairs = |ps: &[ProgressPoint]| ps.iter().map(|p| (p.elapsed_ms, p.gpus)).collect::<Vec<_>>();
    assert_eq!(pairs(&s.run.points), [(9, 6), (30, 5)]);
    assert_eq!(pairs(&s.run.bounds), [(5, 3), (20, 4)]);
    // The time goes on between reports while the run runs.
    assert_eq!(s.run.elapsed_at(1000.0 + 18_000.0), 18_000);
    assert!(s.run.describe("solving", 18_000).contains("18.0 s; best so far 5 GPUs, found at 0.0 s"));
}

#[test]
fn a_workload_that_is_no_table_says_why_and_rows_keep_their_lines() {
    assert_eq!(workload_rows("w.csv", "{\"workload\": []}"), Err(NoTable::Json));
    assert_eq!(workload_rows("w.csv", "modle,rate,slo\nbert,1,2\n"), Err(NoTable::Columns));
    assert_eq!(workload_rows("w.csv", "model,rate,slo_ms\nbert,2,500,100\n"), Err(NoTable::Ragged));
    // Each row's line is the one the core's errors name, so the page can mark the bad cell.
    let text = "# a comment\nmodel,rate,slo_ms\n\nbert,2,5\nvit,x,4\n";
    let rows = workload_rows("w.csv", text).unwrap();
    assert_eq!(rows.cells[1][1], "x");
    assert_eq!(rows.lines, [4, 5], "the lines an editor shows, past the blank line");
    assert_eq!(Some(rows.lines[1]), parse_workload("w.csv", text).unwrap_err().0[0].line);
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(workload_rows("w.csv", &crlf).unwrap().lines, [4, 5]);
}

#[test]
fn the_plans_buttons_say_when_it_is_for_earlier_inputs_and_deploying_it_asks_first() {
    let s = State::new(Inputs::example());
    assert_eq!(s.plan_use(), None);
    let s = s.after(Action::Started { at_ms: 1.0 });
    let plan = plan_for(&s.inputs);
    let s = s.after(Action::Done(plan.clone(), PhaseTimes::default()));
    assert_eq!(s.plan_use(), Some(PlanUse::Current));
    assert_eq!((PlanUse::Current.label_suffix(), PlanUse::Current.deploy_question(plan.gpu_count)), ("", None));
    // Edited, then a solve of the edit cancelled before its first plan: the earlier plan stays.
    let cancelled = s
        .after(Action::SetSeed("7".into()))
        .after(Action::Started { at_ms: 2.0 })
        .after(Action::Cancelled { at_ms: 3.0 });
    let earlier = cancelled.plan_use().unwrap();
    assert_eq!(earlier, PlanUse::EarlierInputs);
    assert_eq!(earlier.label_suffix(), " (for the earlier inputs)");
    assert!(earlier.downloads_lead().contains("press Solve"), "{}", earlier.downloads_lead());
    let question = earlier.deploy_question(plan.gpu_count).unwrap();
    assert!(question.contains(&format!("({} GPUs) was made for earlier inputs", plan.gpu_count)), "{question}");
    // Edited during a solve: the plan that arrives is for the inputs the solve started with.
    let during = s
        .after(Action::Started { at_ms: 2.0 })
        .after(Action::SetSeed("8".into()))
        .after(Action::Done(plan.clone(), PhaseTimes::default()));
    assert_eq!(during.plan_use(), Some(PlanUse::EarlierInputs));
    // The inputs back as they were: the plan is theirs again.
    assert_eq!(cancelled.after(Action::SetSeed("1".into())).plan_use(), Some(PlanUse::Current));
}

#[test]
fn downloaded_inputs_load_back_exactly_and_a_bad_file_changes_nothing_but_the_error() {
    let example = Inputs::example();
    let mut cells = workload_cells(&example.workload.name, &example.workload.text).unwrap();
    cells[1][1] = "4100".into();
    let saved = State::new(Inputs::example())
        .after(Action::SetWorkload(Source { name: "w.csv".into(), text: workload_text(&cells) }))
        .after(Action::SetSeed("42".into()))
        .after(Action::SetLatency(Percentile::P50))
        .after(Action::EditProfileFile { index: 0, field: FileField::Model, value: "typed".into() })
        .after(Action::SetGpusPerNode("4".into()))
        .after(Action::SetSpare("2".into()));
    // What "Download inputs (JSON)" writes, loaded into a page showing the example's plan.
    let text = Shared::of(&saved).to_json();
    let page = State::new(Inputs::example()).after(Action::Started { at_ms: 1.0 });
    let page = page.after(Action::Done(plan_for(&page.inputs), PhaseTimes::default()));
    let file = Source { name: "migplan-inputs.json".into(), text };
    let loaded = page.after(Action::LoadInputs(Ok(file.clone())));
    assert_eq!(loaded.inputs, saved.inputs);
    assert_eq!((&loaded.gpus_per_node, &loaded.move_inputs.spare), (&saved.gpus_per_node, &saved.move_inputs.spare));
    assert_eq!((loaded.inputs_key, &loaded.errors), (saved.inputs_key, &saved.errors));
    assert_eq!(loaded.inputs_load, Some(Ok("migplan-inputs.json".into())));
    assert_eq!(loaded.plan, page.plan, "the plan stays, for the earlier inputs");
    assert_eq!(loaded.plan_use(), Some(PlanUse::EarlierInputs));
    // Loading the inputs a plan was made for makes it theirs again.
    let example = Source { name: "example.json".into(), text: Shared::of(&page).to_json() };
    assert_eq!(loaded.after(Action::LoadInputs(Ok(example))).plan_use(), Some(PlanUse::Current));

    let plan_file = serde_json::to_string(page.plan.as_deref().unwrap()).unwrap();
    for (name, text, told) in [
        ("cut.json", "{\n  \"inputs\": {\n    \"gpu\": \"a100-40gb\",,\n", "cut.json, line 3, column 24: not JSON"),
        ("workload.csv", "model,rate,slo_ms\nbert,1,2\n", "workload.csv, line 1, column 1: not JSON"),
        (
            "other.json",
            "{\"gpu\": 3}",
            "other.json, line 1, column 10: JSON, but not migplan inputs (missing field `inputs`)",
        ),
        ("plan.json", plan_file.as_str(), "plan.json: this is a plan, not inputs"),
    ] {
        let refused = loaded.after(Action::LoadInputs(Ok(Source { name: name.into(), text: text.into() })));
        let Some(Err(why)) = &refused.inputs_load else { panic!("{name} was not refused") };
        assert!(why.starts_with(told) && why.ends_with("Download inputs (JSON)"), "{why}");
        assert_eq!(State { inputs_load: loaded.inputs_load.clone(), ..refused }, loaded, "{name} changed the page");
    }
    assert_eq!(loaded.after(Action::SetSeed("5".into())).inputs_load, None, "an edit makes the load's note past");
    let unreadable = loaded.after(Action::LoadInputs(Err("could not read gone.json".into())));
    assert_eq!(unreadable.inputs_load, Some(Err("could not read gone.json".into())));
    assert_eq!(unreadable.inputs, loaded.inputs);
}

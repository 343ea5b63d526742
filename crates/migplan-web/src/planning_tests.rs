//! The worker's answers to requests, natively.

use migplan_core::plan::Plan;
use migplan_core::problem::input::InputError;

use super::*;
use crate::profile_files::ProfileFile;
use crate::protocol::TransitionRequest;

/// Answers `request` in a fresh worker.
pub(crate) fn handle(request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
    Planner::default().handle(request, emit)
}

fn handle_text(text: &str, emit: &mut dyn FnMut(WorkerMessage)) {
    Planner::default().handle_text(text, emit)
}

pub(crate) fn request(workload: &str) -> PlanRequest {
    PlanRequest {
        gpu: "a100-40gb".into(),
        profiles: vec![ProfileFile::new("profiles.csv", crate::examples::A100_PROFILES)],
        latency: Default::default(),
        workload_name: "workload.csv".into(),
        workload_text: workload.into(),
        solver: "mig-serving".into(),
        time_limit_s: "5".into(),
        seed: "1".into(),
    }
}

#[test]
fn example_request_streams_progress_then_a_plan() {
    let mut messages = Vec::new();
    handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
    let Some(WorkerMessage::Done { plan, phases }) = messages.last() else { panic!("{messages:?}") };
    assert!(phases.bound_ms >= 0.0 && phases.build_ms >= 0.0);
    assert!(plan.gpu_count > 0);
    let improvements: Vec<&Plan> = messages
        .iter()
        .filter_map(|m| match m {
            WorkerMessage::Progress { plan: Some(p), .. } => Some(p),
            _ => None,
        })
        .collect();
    assert!(!improvements.is_empty());
    // The last improvement streamed is as good as the final plan.
    assert_eq!(improvements.last().unwrap().gpu_count, plan.gpu_count);
}

#[test]
fn bad_workload_fails_with_located_errors() {
    let mut messages = Vec::new();
    handle(&Request::Plan(request("model,rate,slo_ms\nbert-base-multilingual-cased,lots,60\n")), &mut |m| {
        messages.push(m)
    });
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(2), Some("rate")));
}

/// An error as the page's list of problems shows it: where, then what.
fn as_shown(e: &InputError) -> String {
    format!("{}{}", crate::error_text::place(e), e.message)
}

#[test]
fn a_time_limit_or_seed_out_of_range_fails_naming_the_box() {
    for (time_limit, seed, shown, hint) in [
        ("1e20", "1", "Time limit: 1e20 is not above 0 and at most 1e6 s", "give seconds, above 0 and at most 1e6 s"),
        ("inf", "1", "Time limit: inf is not above 0 and at most 1e6 s", "give seconds"),
        ("soon", "1", "Time limit: `soon` is not a number", "give seconds"),
        ("5", "-3", "Seed: `-3` is not a whole number", "give 0, 1, 2, ..."),
    ] {
        let mut messages = Vec::new();
        let mut r = request(crate::examples::A100_WORKLOAD);
        (r.time_limit_s, r.seed) = (time_limit.into(), seed.into());
        handle(&Request::Plan(r), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!(as_shown(&errors[0]), shown, "{errors:?}");
        assert!(errors[0].hint.as_deref().unwrap().starts_with(hint), "{errors:?}");
    }
}

#[test]
fn a_spare_count_that_is_not_a_whole_number_fails_naming_the_box() {
    let running = plan_for_example();
    for spare in ["abc", "-1", "1.5"] {
        let mut messages = Vec::new();
        let r = TransitionRequest {
            inputs: request(crate::examples::A100_WORKLOAD),
            running: running.clone().into(),
            spare: spare.into(),
            front_id: 1,
        };
        handle(&Request::Transition(r), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!(as_shown(&errors[0]), format!("Spare GPUs: `{spare}` is not a whole number of GPUs"));
    }
}

#[test]
fn a_csv_cell_error_still_names_its_file_line_and_column() {
    let mut messages = Vec::new();
    handle(&Request::Plan(request("model,rate,slo_ms\nbert-base-multilingual-cased,lots,60\n")), &mut |m| {
        messages.push(m)
    });
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert_eq!(as_shown(&errors[0]), "workload.csv, line 2, column rate: `lots` is not a number");
}

pub(crate) fn plan_for_example() -> Plan {
    let mut messages = Vec::new();
    handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
    let Some(WorkerMessage::Done { plan, .. }) = messages.pop() else { panic!("{messages:?}") };
    plan
}

#[test]
fn an_unreadable_request_fails_with_a_message() {
    let mut messages = Vec::new();
    handle_text("{\"kind\": \"plan\"}", &mut |m| messages.push(m));
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert!(errors[0].message.contains("cannot read"), "{errors:?}");
}

#[test]
fn messages_round_trip_as_json() {
    let mut messages = Vec::new();
    handle(&Request::Plan(request(crate::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
    for m in messages {
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<WorkerMessage>(&text).unwrap(), m);
    }
}

#[test]
fn a_capacity_request_compares_and_sweeps_the_example() {
    let mut inputs = request(crate::examples::A100_WORKLOAD);
    inputs.solver = "auto".into();
    let capacity =
        CapacityRequest { inputs, types: String::new(), from: "0.5".into(), to: "2".into(), steps: "4".into() };
    let mut messages = Vec::new();
    handle(&Request::Capacity(capacity.clone()), &mut |m| messages.push(m));
    let Some(WorkerMessage::Capacity { compare, growth }) = messages.last() else { panic!("{messages:?}") };
    assert_eq!(compare.len(), 1);
    assert_eq!(compare[0].fleet, "a100-40gb");
    let factors: Vec<f64> = growth.iter().map(|p| p.factor).collect();
    assert_eq!(factors, [0.5, 1.0, 1.5, 2.0]);
    assert_eq!(growth[1].gpus, compare[0].gpus, "the sweep at 1 plans what the comparison does");
    let bad = CapacityRequest { types: "h100-80gb=cheap".into(), ..capacity.clone() };
    let mut messages = Vec::new();
    handle(&Request::Capacity(bad), &mut |m| messages.push(m));
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert_eq!(
        crate::error_text::in_one_line(&errors[0]),
        "GPU types: `h100-80gb=cheap` is not GPU=PRICE; e.g. a100-40gb=1, h100-80gb=2.2"
    );
    // The panel words the page's time limit as the plan's list does.
    let mut slow = capacity;
    slow.inputs.time_limit_s = "soon".into();
    let mut messages = Vec::new();
    handle(&Request::Capacity(slow), &mut |m| messages.push(m));
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert!(crate::error_text::in_one_line(&errors[0]).starts_with("Time limit: `soon` is not a number; give seconds"));
}

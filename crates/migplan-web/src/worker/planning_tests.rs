//! The worker's answers to requests, natively.

use migplan_core::plan::Plan;
use migplan_core::problem::input::InputError;
use migplan_core::workflow::settings::Key;

use super::*;
use crate::logic::profile_files::ProfileFile;
use crate::worker::protocol::TransitionRequest;

/// Answers `request` in a fresh worker.
pub(crate) fn handle(request: &Request, emit: &mut dyn FnMut(WorkerMessage)) {
    Planner::default().handle(request, emit)
}

fn handle_text(text: &str, emit: &mut dyn FnMut(WorkerMessage)) {
    Planner::default().handle_text(text, emit)
}

pub(crate) fn request(workload: &str) -> PlanRequest {
    PlanRequest {
        settings: Asked::from([
            (Key::Gpu, "a100-40gb".into()),
            (Key::Solver, "mig-serving".into()),
            (Key::TimeLimit, "5".into()),
            (Key::Seed, "1".into()),
        ]),
        profiles: vec![ProfileFile::new("profiles.csv", crate::logic::examples::A100_PROFILES)],
        workload_name: "workload.csv".into(),
        workload_text: workload.into(),
    }
}

#[test]
fn example_request_streams_progress_then_a_plan() {
    let mut messages = Vec::new();
    handle(&Request::Plan(request(crate::logic::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
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
    format!("{}{}", crate::logic::error_text::place(e), e.message)
}

#[test]
fn a_time_limit_or_seed_out_of_range_fails_naming_the_box() {
    for (key, typed, shown, hint) in [
        (Key::TimeLimit, "1e20", "Time limit (s): 1e20 is not above 0 and at most 1e6 s", "give a number above 0"),
        (Key::TimeLimit, "inf", "Time limit (s): inf is not above 0 and at most 1e6 s", "give a number"),
        (Key::TimeLimit, "soon", "Time limit (s): `soon` is not a number", "give a number"),
        (Key::Seed, "-3", "Seed: `-3` is not a whole number from 0 to 9007199254740991", "give a whole number"),
        (Key::Headroom, "lots", "Headroom %: `lots` is not a number", "give a number at least 0"),
    ] {
        let mut messages = Vec::new();
        let mut r = request(crate::logic::examples::A100_WORKLOAD);
        r.settings.insert(key, typed.into());
        handle(&Request::Plan(r), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!(as_shown(&errors[0]), shown, "{errors:?}");
        assert!(errors[0].hint.as_deref().unwrap().starts_with(hint), "{errors:?}");
    }
}

#[test]
fn a_headroom_plans_every_rate_raised_and_says_what_the_measured_demand_takes() {
    let mut messages = Vec::new();
    let mut r = request(crate::logic::examples::A100_WORKLOAD);
    r.settings.insert(Key::Headroom, "50".into());
    handle(&Request::Plan(r), &mut |m| messages.push(m));
    let Some(WorkerMessage::Done { plan, .. }) = messages.last() else { panic!("{messages:?}") };
    let headroom = plan.headroom.as_ref().expect("the plan says what the headroom costs");
    assert!(plan.gpu_count >= headroom.gpus_without && headroom.percent == 50.0, "{headroom:?}");
    for m in &plan.models {
        assert!(m.capacity >= 1.5 * m.rate * (1.0 - 1e-9), "{m:?}");
    }
}

#[test]
fn a_spare_count_that_is_not_a_whole_number_fails_naming_the_box() {
    let running = plan_for_example();
    for spare in ["abc", "-1", "1.5"] {
        let mut messages = Vec::new();
        let r = TransitionRequest {
            inputs: request(crate::logic::examples::A100_WORKLOAD),
            running: running.clone().into(),
            settings: Asked::from([(Key::Spare, spare.into())]),
            front_id: 1,
        };
        handle(&Request::Transition(r), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
        assert_eq!(as_shown(&errors[0]), format!("Spare GPUs: `{spare}` is not a whole number from 0 to 1000000"));
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
    handle(&Request::Plan(request(crate::logic::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
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
    handle(&Request::Plan(request(crate::logic::examples::A100_WORKLOAD)), &mut |m| messages.push(m));
    for m in messages {
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<WorkerMessage>(&text).unwrap(), m);
    }
}

#[test]
fn a_capacity_request_compares_and_sweeps_the_example() {
    let mut inputs = request(crate::logic::examples::A100_WORKLOAD);
    inputs.settings.insert(Key::Solver, "auto".into());
    let sweep = Asked::from([(Key::From, "0.5".into()), (Key::To, "2".into()), (Key::Steps, "4".into())]);
    let capacity = CapacityRequest { inputs, settings: sweep };
    let mut messages = Vec::new();
    handle(&Request::Capacity(capacity.clone()), &mut |m| messages.push(m));
    let Some(WorkerMessage::Capacity { compare, growth }) = messages.last() else { panic!("{messages:?}") };
    assert_eq!(compare.len(), 1);
    assert_eq!(compare[0].fleet, "a100-40gb");
    let factors: Vec<f64> = growth.iter().map(|p| p.factor).collect();
    assert_eq!(factors, [0.5, 1.0, 1.5, 2.0]);
    assert_eq!(growth[1].gpus, compare[0].gpus, "the sweep at 1 plans what the comparison does");
    // A bad price, an unknown GPU, a type given twice, steps out of range: the table's words,
    // naming the panel's box.
    for (key, typed, said) in [
        (Key::Gpu, "h100-80gb=cheap", "GPU types: `cheap` is not a price; a price is a number at least 1e-6"),
        (Key::Gpu, "v100=1", "GPU types: unknown GPU `v100`; choose one of a100-40gb, "),
        (Key::Gpu, "a30-24gb, a30-24gb=2", "GPU types: a30-24gb is given twice; give each GPU type once"),
        (Key::Steps, "300", "Steps: `300` is not a whole number from 2 to 200"),
        (Key::To, "0.2", "To ×: the multipliers must grow: from 0.5 to 0.2"),
    ] {
        let mut bad = capacity.clone();
        bad.settings.insert(key, typed.into());
        let mut messages = Vec::new();
        handle(&Request::Capacity(bad), &mut |m| messages.push(m));
        let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{typed} was not refused") };
        assert!(crate::logic::error_text::in_one_line(&errors[0]).starts_with(said), "{errors:?}");
    }
    // The panel words the page's time limit as the plan's list does.
    let mut slow = capacity;
    slow.inputs.settings.insert(Key::TimeLimit, "soon".into());
    let mut messages = Vec::new();
    handle(&Request::Capacity(slow), &mut |m| messages.push(m));
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert!(crate::logic::error_text::in_one_line(&errors[0])
        .starts_with("Time limit (s): `soon` is not a number; give a number"));
}

/// Every hint of the importers and the planner that names a flag, as the page shows it.
#[test]
fn hints_on_the_page_name_no_command_line_flag() {
    use crate::logic::error_text::page_words;
    use migplan_core::problem::import::{import, ImportOptions};
    let pa = "Concurrency,Inferences/Second,p99 latency\n1,100,3000\n";
    let migperf = "model_name,batch_size,latency,throughput\nb,2,4.5,444.4\n";
    let parva = "Mig instance,Batch size,Workload Number,Throughput,Latency\n1,1,1,10,0.01\n";
    let mut hints: Vec<String> =
        [("perf.csv", pa), ("a@b@c@d.csv", pa), ("b.csv", migperf), ("x_10g_.csv", migperf), ("=x.csv", parva)]
            .iter()
            .map(|(name, text)| import(name, text, &ImportOptions::default()).unwrap_err().0[0].hint.clone().unwrap())
            .collect();
    let inputs = crate::state::Inputs { gpu: "a100-80gb".into(), ..crate::state::Inputs::example() };
    handle(&Request::Plan(inputs.request()), &mut |m| {
        if let WorkerMessage::Failed { errors } = m {
            hints.extend(errors.into_iter().filter_map(|e| e.hint));
        }
    });
    assert!(hints.len() > 5 && hints.iter().all(|h| h.contains("--")), "{hints:#?}");
    for hint in &hints {
        let page = page_words(hint);
        assert!(!page.contains("--") && !page.contains("on the page"), "{hint}\n  became {page}");
    }
    assert_eq!(
        page_words("name the file M@P@bB.csv (e.g. r@3g@b8.csv) or give --profile (on the page: fill in the profile field of the file's row)"),
        "name the file M@P@bB.csv (e.g. r@3g@b8.csv) or fill in the profile field of the file's row"
    );
    assert!(
        page_words(&hints[hints.len() - 1]).starts_with("these profiles are a100-40gb's: choose a100-40gb as the GPU?")
    );
}

/// The example's rows with the profiles by their short form (`3g`, which every type has) and
/// `speedup` times the throughput: the same models measured on a faster GPU.
pub(crate) fn faster_rows(speedup: f64) -> String {
    let mut lines = crate::logic::examples::A100_PROFILES.lines().filter(|l| !l.starts_with('#'));
    let mut text = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        fields[1] = fields[1].split('.').next().unwrap().to_string();
        fields[4] = format!("{:.2}", fields[4].parse::<f64>().unwrap() * speedup);
        text += &(fields.join(",") + "\n");
    }
    text
}

#[test]
fn files_marked_measured_on_a100_and_h100_give_the_h100_fewer_gpus_in_the_comparison() {
    let compared = |a100_on: &str, h100_on: &str| {
        let mut inputs = request(crate::logic::examples::A100_WORKLOAD);
        let mut a100 = ProfileFile::new("a100.csv", faster_rows(1.0));
        let mut h100 = ProfileFile::new("h100.csv", faster_rows(2.0));
        (a100.measured_on, h100.measured_on) = (a100_on.into(), h100_on.into());
        inputs.profiles = vec![a100, h100];
        let capacity = CapacityRequest::new(inputs, "a100-40gb, h100-80gb", "1", "2", "2");
        let mut messages = Vec::new();
        handle(&Request::Capacity(capacity), &mut |m| messages.push(m));
        let Some(WorkerMessage::Capacity { compare, .. }) = messages.pop() else { panic!("{messages:?}") };
        assert!(compare.iter().all(|c| c.refused.is_none()), "{compare:?}");
        let gpus = |fleet: &str| compare.iter().find(|c| c.fleet == fleet).map(|c| (c.gpus, c.proven_optimal));
        (gpus("a100-40gb").unwrap(), gpus("h100-80gb").unwrap())
    };
    // Unmarked, the faster rows are every type's (both files name profiles by their short
    // form): the A100 is taken for as fast as the H100.
    let ((a100, _), (h100, _)) = compared("", "");
    assert_eq!(a100, h100);
    let ((a100, a100_proven), (h100, h100_proven)) = compared("a100-40gb", "h100-80gb");
    assert!(a100_proven && h100_proven);
    assert!(h100 < a100, "{h100} H100 GPUs against {a100} A100");
    // The H100 rows are the unmarked ones' plan on the H100; the A100 keeps its own.
    assert_eq!(h100, compared("", "").1 .0);
}

#[test]
fn a_plan_for_one_gpu_leaves_out_the_files_measured_on_another_and_says_which_model_it_leaves_without_rows() {
    let mut inputs = request(crate::logic::examples::A100_WORKLOAD);
    let mut h100 = ProfileFile::new("h100.csv", faster_rows(2.0));
    h100.measured_on = "h100-80gb".into();
    inputs.profiles = vec![ProfileFile::new("a100.csv", crate::logic::examples::A100_PROFILES), h100.clone()];
    let mut messages = Vec::new();
    handle(&Request::Plan(inputs.clone()), &mut |m| messages.push(m));
    let Some(WorkerMessage::Done { plan, .. }) = messages.last() else { panic!("{messages:?}") };
    assert_eq!(plan.gpu_count, plan_for_example().gpu_count, "the A100 plan uses the A100 rows alone");
    // The H100 file alone leaves every model without A100 rows: each says where its rows are.
    inputs.profiles = vec![h100];
    let mut messages = Vec::new();
    handle(&Request::Plan(inputs), &mut |m| messages.push(m));
    let [WorkerMessage::Failed { errors }] = messages.as_slice() else { panic!("{messages:?}") };
    assert_eq!(errors.len(), 12, "{errors:?}");
    assert!(
        crate::logic::error_text::in_one_line(&errors[0]).starts_with(
            "workload.csv, line 2, column model: model `bert-base-multilingual-cased` has rows measured on h100-80gb \
             only (first: h100.csv:2), none for a100-40gb, which this plan is for; choose h100-80gb as the GPU"
        ),
        "{errors:?}"
    );
}

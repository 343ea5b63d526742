//! Every setting of the request's table refused alike on every path: for values the table
//! refuses (derived from what each setting accepts), the command line, the page's worker and
//! the JS API each refuse, with the same message and hint, the setting named each path's way.

mod common;

use std::collections::BTreeSet;

use common::{example, migplan, stderr};
use migplan_core::problem::input::InputError;
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::{Accepts, Key, Path, SETTINGS};
use migplan_core::workflow::Request;
use migplan_js::api::{plan_request, ApiError, Rows, Value};
use migplan_web::state::{Inputs, MoveInputs, State};
use migplan_web::worker::planning::Planner;
use migplan_web::worker::protocol::{self, CapacityRequest, TransitionRequest, WorkerMessage};

/// Settings the page has no box for: the command line's per-model headroom, priced nodes and
/// deploy options (the page's GPUs per node are its own, read on the page: checked below), and the
/// extra GPUs of a replan.
const NOT_ON_PAGE: [Key; 6] =
    [Key::HeadroomFor, Key::NodeCost, Key::GpusPerNode, Key::NodeNames, Key::Image, Key::ExtraGpus];

/// Settings the JS API has no option for: deploy options, moves and sweeps (it only plans).
const NOT_ON_API: [Key; 7] = [Key::NodeNames, Key::Image, Key::Spare, Key::ExtraGpus, Key::From, Key::To, Key::Steps];

/// Values the table refuses for `accepts`: not what it reads at all, and out of its range.
fn refused_values(accepts: Accepts) -> Vec<String> {
    match accepts {
        Accepts::Number(range) => vec!["soon".into(), (range.max * 10.0).to_string(), (range.min - 1.0).to_string()],
        Accepts::Whole(min, max) => {
            let mut values = vec!["1.5".to_string(), (max + 1).to_string()];
            values.extend(min.checked_sub(1).map(|n| n.to_string()));
            values
        }
        Accepts::Solver => vec!["fastest".into()],
        Accepts::Percentile => vec!["p42".into()],
        Accepts::Fleet => vec!["a100-41gb".into(), "a100-40gb=cheap".into(), "a100-40gb=0".into()],
        Accepts::PerModel(range) => vec!["bert".into(), "bert=lots".into(), format!("bert={}", range.max * 10.0)],
        Accepts::NodeNames => vec!["Node_1".into(), "node-1,node-1".into()],
        Accepts::Image => vec!["two words".into()],
    }
}

/// The command that takes `key`, with the files it needs besides. The settings are read
/// before any file, so a move's `--from` need not be a plan.
fn cli_command(key: Key) -> Vec<String> {
    let (p, w) = (example("a100-40gb-profiles.csv"), example("a100-40gb-workload.csv"));
    let mut args: Vec<String> = match key {
        Key::Spare | Key::ExtraGpus => vec!["transition".into(), "--from".into(), w.clone(), "--workload-to".into(), w],
        Key::From | Key::To | Key::Steps => vec!["sweep".into(), "--workload".into(), w],
        _ => vec!["plan".into(), "--workload".into(), w],
    };
    args.extend(["--profiles".into(), p]);
    if key != Key::Gpu {
        args.extend(["--gpu".into(), "a100-40gb".into()]);
    }
    args
}

fn cli_refusal(key: Key, value: &str) -> String {
    let mut args = cli_command(key);
    args.extend([key.name(Path::Cli).to_string(), value.to_string()]);
    let o = migplan(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    stderr(&o)
}

/// The worker's answer to the request of the page that carries `key`.
fn worker_refusal(key: Key, value: &str) -> Vec<InputError> {
    let mut inputs = Inputs::example().request();
    let request = match key {
        Key::Spare => {
            let running =
                serde_json::from_str(r#"{"gpu": "a100-40gb", "gpu_count": 0, "gpus": [], "models": []}"#).unwrap();
            let settings = Asked::from([(key, value.to_string())]);
            protocol::Request::Transition(TransitionRequest { inputs, running, settings, front_id: 1 })
        }
        Key::From | Key::To | Key::Steps => {
            let mut capacity = CapacityRequest::new(inputs, "", "0.5", "4", "8");
            capacity.settings.insert(key, value.to_string());
            protocol::Request::Capacity(capacity)
        }
        _ => {
            inputs.settings.insert(key, value.to_string());
            protocol::Request::Plan(inputs)
        }
    };
    let mut errors = None;
    Planner::default().handle(&request, &mut |m| {
        if let WorkerMessage::Failed { errors: e } = m {
            errors = Some(e);
        }
    });
    errors.unwrap_or_else(|| panic!("the worker accepted {key:?} = {value}"))
}

fn api_refusal(key: Key, value: &str) -> Vec<ApiError> {
    let options = Value::Object(vec![(key.name(Path::Api).to_string(), Value::Text(value.into()))]);
    let rows = |name: &str| Rows::Text(std::fs::read_to_string(example(name)).unwrap());
    plan_request(&rows("a100-40gb-profiles.csv"), &rows("a100-40gb-workload.csv"), &options)
        .err()
        .unwrap_or_else(|| panic!("the JS API accepted {key:?} = {value}"))
}

/// The keys whose settings the page sends its worker, from the page's own requests.
fn page_keys() -> BTreeSet<Key> {
    let inputs = Inputs::example().request();
    let capacity = CapacityRequest::new(inputs.clone(), "a100-40gb", "0.5", "4", "8");
    let moving = MoveInputs::default().settings();
    inputs.settings.keys().chain(capacity.settings.keys()).chain(moving.keys()).copied().collect()
}

#[test]
fn every_path_refuses_what_the_table_refuses_with_the_same_words() {
    let page = page_keys();
    let api: BTreeSet<Key> = migplan_js::request::OPTIONS.into_iter().collect();
    let all: BTreeSet<Key> = SETTINGS.iter().map(|s| s.key).collect();
    // The lists of what a path lacks are what its requests leave out.
    assert_eq!(all.difference(&page).copied().collect::<BTreeSet<_>>(), NOT_ON_PAGE.into_iter().collect());
    assert_eq!(all.difference(&api).copied().collect::<BTreeSet<_>>(), NOT_ON_API.into_iter().collect());
    let mut checked = 0;
    for setting in &SETTINGS {
        let key = setting.key;
        let help = migplan(&[cli_command(key)[0].as_str(), "--help"]);
        assert!(
            common::stdout(&help).contains(&format!("{} <", setting.flag)),
            "{} is not on the command line",
            setting.flag
        );
        for (lacks, path) in [(!page.contains(&key), "the page"), (!api.contains(&key), "the JS API")] {
            if lacks {
                eprintln!("{key:?} is not on {path}: skipped there");
            }
        }
        for value in refused_values(setting.accepts) {
            // The table's own words, as every path must say them.
            let errors = Request::read(&Asked::from([(key, value.clone())]), Path::Api)
                .expect_err(&format!("the table refuses {key:?} = {value}"));
            let (message, hint) = (errors.0[0].message.clone(), errors.0[0].hint.clone().unwrap());

            let said = cli_refusal(key, &value);
            let expected = format!("error: {}: {message}\n  hint: {hint}", setting.flag);
            assert!(said.contains(&expected), "command line, {key:?} = {value}:\n{said}\nexpected:\n{expected}");

            if page.contains(&key) {
                let e = &worker_refusal(key, &value)[0];
                let shown = (e.file.as_str(), e.column.as_deref(), e.message.as_str(), e.hint.as_deref());
                assert_eq!(
                    shown,
                    ("", Some(setting.label), message.as_str(), Some(hint.as_str())),
                    "worker, {key:?} = {value}"
                );
            }

            if key == Key::GpusPerNode {
                // The page's own box, read on the page for its downloads.
                let mut state = State::new(Inputs::example());
                state.gpus_per_node = value.clone();
                let said = state.export_options().expect_err("the page accepted it");
                assert_eq!(said, format!("{}: {message}", setting.label), "page, {key:?} = {value}");
            }

            if api.contains(&key) {
                let e = &api_refusal(key, &value)[0];
                let shown = (e.row, e.column.as_deref(), e.message.as_str(), e.hint.as_deref());
                assert_eq!(
                    shown,
                    (None, Some(setting.option), message.as_str(), Some(hint.as_str())),
                    "JS API, {key:?} = {value}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 2 * SETTINGS.len(), "{checked} values checked");
}

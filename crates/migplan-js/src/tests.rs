//! The API natively: text and rows give the same plan, which passes the core's validator;
//! bad rows are named by their index; options have defaults and refuse unknown fields.

use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog;
use migplan_core::problem::import::{self, ImportOptions};
use migplan_core::problem::input::{parse_profiles, parse_workload};
use serde_json::json;

use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::{Key, Path};
use migplan_core::workflow::Request;

use crate::api::{gpus, layouts, plan, plan_request, Rows, Value};

const PROFILES: &str = include_str!("../../../static/examples/a100-40gb-profiles.csv");
const WORKLOAD: &str = include_str!("../../../static/examples/a100-40gb-workload.csv");

fn workload_rows() -> Value {
    let rows: Vec<serde_json::Value> = WORKLOAD
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            json!({ "model": f[0], "rate": f[1].parse::<f64>().unwrap(), "slo_ms": f[2].parse::<f64>().unwrap() })
        })
        .collect();
    Value::from(serde_json::Value::Array(rows))
}

/// Sets `field` of row `i` of a list of row objects.
fn set(rows: &mut Value, i: usize, field: &str, to: Value) {
    let Value::List(items) = rows else { panic!("a list") };
    let Value::Object(fields) = &mut items[i] else { panic!("an object") };
    fields.iter_mut().find(|(k, _)| k == field).expect("the field").1 = to;
}

fn options() -> Request {
    Request::read(&Asked::from([(Key::Solver, "exact".into())]), Path::Api).unwrap()
}

#[test]
fn csv_text_and_rows_give_the_same_valid_plan() {
    let from_text = plan(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &options()).unwrap().plan;
    let from_rows = plan(&Rows::Text(PROFILES.into()), &Rows::Values(workload_rows()), &options()).unwrap().plan;
    assert_eq!(from_text.gpu_count, from_rows.gpu_count);
    let gpu = catalog::gpu("a100-40gb").unwrap();
    let profiles = parse_profiles("p.csv", PROFILES).unwrap();
    let workload = parse_workload("w.csv", WORKLOAD).unwrap();
    assert!(
        validate(&migplan_core::hardware::fleet::Fleet::one(gpu.clone()), &profiles, &workload, &from_rows).is_empty()
    );
}

#[test]
fn a_bad_row_is_named_by_its_index_and_field() {
    let mut rows = workload_rows();
    set(&mut rows, 3, "rate", Value::Number(-5.0));
    let errors = plan(&Rows::Text(PROFILES.into()), &Rows::Values(rows), &options()).unwrap_err();
    assert_eq!((errors[0].file.as_str(), errors[0].row), ("workload", Some(3)), "{errors:?}");
    assert!(errors[0].describe().starts_with("workload[3], rate"), "{}", errors[0].describe());
}

#[test]
fn every_bad_row_is_named_by_its_own_index_and_field_nan_and_infinity_included() {
    let mut rows = workload_rows();
    set(&mut rows, 1, "rate", Value::Number(f64::NAN));
    set(&mut rows, 4, "slo_ms", Value::Number(f64::INFINITY));
    set(&mut rows, 6, "model", Value::Null);
    let errors = plan(&Rows::Text(PROFILES.into()), &Rows::Values(rows), &options()).unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| (e.row, e.column.as_deref(), e.line, e.character)).collect();
    assert_eq!(
        found,
        [
            (Some(1), Some("rate"), None, None),
            (Some(4), Some("slo_ms"), None, None),
            (Some(6), Some("model"), None, None)
        ],
        "{errors:?}"
    );
    assert!(errors[0].message.contains("NaN is not a number"), "{}", errors[0].message);
    assert!(errors[1].message.contains("inf is not"), "{}", errors[1].message);
    assert!(!errors.iter().any(|e| e.message.contains("invalid type")), "{errors:?}");
}

#[test]
fn options_name_their_own_field_and_are_reported_with_the_rows() {
    let options = Value::from(json!({ "time_limit_s": "soon", "gpu": 40, "speed": 3 }));
    let mut rows = workload_rows();
    set(&mut rows, 2, "rate", Value::Text("900".into()));
    let errors = plan_request(&Rows::Text(PROFILES.into()), &Rows::Values(rows), &options).unwrap_err();
    // An option that is none is refused first; the settings' problems follow in the table's order.
    let found: Vec<_> = errors.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(found, [(None, Some("speed")), (Some(2), Some("rate"))]);
    let options = Value::from(json!({ "time_limit_s": "soon", "gpu": 40 }));
    let errors = plan_request(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &options).unwrap_err();
    let found: Vec<_> = errors.iter().map(|e| (e.column.as_deref(), e.message.as_str())).collect();
    assert_eq!(found, [(Some("gpu"), "unknown GPU `40`"), (Some("time_limit_s"), "`soon` is not a number")]);
    // Text or a number alike: the table reads the text.
    let options = Value::from(json!({ "time_limit_s": "10", "seed": 3, "solver": "exact" }));
    assert!(plan_request(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &options).is_ok());
    assert!(errors.iter().all(|e| !e.describe().contains("Error:")), "{errors:?}");
    // Left out or null: the defaults.
    assert!(plan_request(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &Value::Null).is_ok());
}

#[test]
fn csv_errors_keep_their_line_and_options_are_checked() {
    let errors =
        plan(&Rows::Text(PROFILES.into()), &Rows::Text("model,rate,slo_ms\nbert,lots,60\n".into()), &options())
            .unwrap_err();
    assert_eq!((errors[0].line, errors[0].row, errors[0].column.as_deref()), (Some(2), None, Some("rate")));
    let bad = Value::from(json!({ "gpu": "a100-41gb" }));
    let errors = plan_request(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &bad).unwrap_err();
    assert_eq!(errors[0].column.as_deref(), Some("gpu"));
    let slow = Value::Object(vec![("time_limit_s".into(), Value::Number(f64::INFINITY))]);
    let errors = plan_request(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &slow).unwrap_err();
    assert_eq!(errors[0].column.as_deref(), Some("time_limit_s"));
    assert!(errors[0].message.starts_with("inf is not above 0"), "{errors:?}");
    assert!(plan_request(
        &Rows::Text(PROFILES.into()),
        &Rows::Text(WORKLOAD.into()),
        &Value::from(json!({ "timeLimit": 3 }))
    )
    .is_err());
    // JSON text the caller wrote keeps its line and character, apart from the field.
    let errors = plan(&Rows::Text(PROFILES.into()), &Rows::Text("{\"workload\": [\n  {model: 1}]}".into()), &options())
        .unwrap_err();
    assert_eq!((errors[0].line, errors[0].character, errors[0].column.as_deref()), (Some(2), Some(4), None));
}

#[test]
fn gpus_and_layouts_match_the_catalog() {
    assert_eq!(gpus().len(), catalog::all_gpus().len());
    // The A100-40GB has 12 maximal layouts of plain profiles (hardware/ pins them too).
    let a100 = layouts("a100-40gb").unwrap();
    assert!(a100.iter().all(|l| !l.is_empty()));
    assert_eq!(a100.len(), 12);
    assert!(layouts("h200-1tb").is_err());
}

/// perf_analyzer's CSVs, named as `migplan import` reads them (`MODEL@PROFILE@bBATCH.csv`).
fn profiler_files() -> Vec<(String, String)> {
    let bert = include_str!("../../../tests/fixtures/import/bert@1g.5gb@b2.csv");
    let resnet = include_str!("../../../tests/fixtures/import/resnet50@3g.20gb@b8.csv");
    vec![("bert@1g.5gb@b2.csv".into(), bert.into()), ("resnet50@3g.20gb@b8.csv".into(), resnet.into())]
}

#[test]
fn profilers_files_plan_on_the_rows_migplan_import_reads_and_say_what_they_skipped() {
    let workload = "model,rate,slo_ms\nbert,150,20\nresnet50,700,40\n";
    let files = Value::List(
        profiler_files()
            .into_iter()
            .map(|(name, text)| {
                Value::Object(vec![("name".into(), Value::Text(name)), ("text".into(), Value::Text(text))])
            })
            .collect(),
    );
    let rows = Rows::files_or_values(files);
    assert!(matches!(&rows, Rows::Files(f) if f.len() == 2), "{rows:?}");
    let planned = plan(&rows, &Rows::Text(workload.into()), &options()).unwrap();
    // The rows the command line's import reads from the same files, at the same percentile.
    let import_options = ImportOptions { gpu: catalog::gpu("a100-40gb"), ..ImportOptions::default() };
    let files = profiler_files();
    let (imported, reports) =
        import::import_all(files.iter().map(|(name, text)| (name.as_str(), text.as_str(), import_options.clone())))
            .unwrap();
    let fleet = migplan_core::hardware::fleet::Fleet::one(catalog::gpu("a100-40gb").unwrap());
    let workload_rows = parse_workload("workload", workload).unwrap();
    assert!(validate(&fleet, &imported, &workload_rows, &planned.plan).is_empty());
    let skipped: Vec<_> = reports.into_iter().flat_map(|r| r.skipped).collect();
    assert!(!skipped.is_empty(), "the bert file has a row import skips");
    assert_eq!(planned.skipped, skipped);
}

#[test]
fn a_profilers_file_without_its_name_says_what_the_name_would_say() {
    let (_, bert) = profiler_files().remove(0);
    let errors =
        plan(&Rows::Text(bert), &Rows::Text("model,rate,slo_ms\nbert,150,20\n".into()), &options()).unwrap_err();
    assert_eq!(errors[0].message, "the file does not say which model it measured", "{errors:?}");
    assert!(errors[0].hint.as_deref().unwrap_or("").contains("MODEL@PROFILE@bBATCH.csv"), "{errors:?}");
}

#[test]
fn the_latency_option_picks_the_percentile_a_profilers_file_is_read_at() {
    let workload = Rows::Text("model,rate,slo_ms\nbert,40,10.5\n".into());
    let files = Rows::Files(profiler_files());
    let at = |percentile: &str| {
        let options = Value::Object(vec![("latency".into(), Value::Text(percentile.into()))]);
        plan_request(&files, &workload, &options)
    };
    // bert's p50 latencies (9.6 and 9.9 ms) meet 10.5 ms; its p99 ones (11.02 and 12.5) do not.
    assert!(at("p50").is_ok());
    let errors = at("p99").unwrap_err();
    assert!(errors.iter().any(|e| e.message.contains("bert")), "{errors:?}");
}

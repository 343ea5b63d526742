//! The API natively: text and rows give the same plan, which passes the core's validator;
//! bad rows are named by their index; options have defaults and refuse unknown fields.

use migplan_core::check::plan::validate;
use migplan_core::hardware::catalog;
use migplan_core::problem::input::{parse_profiles, parse_workload};
use serde_json::json;

use crate::api::{gpus, layouts, plan, PlanOptions, Rows};

const PROFILES: &str = include_str!("../../../static/examples/a100-40gb-profiles.csv");
const WORKLOAD: &str = include_str!("../../../static/examples/a100-40gb-workload.csv");

fn workload_rows() -> serde_json::Value {
    let rows: Vec<serde_json::Value> = WORKLOAD
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            json!({ "model": f[0], "rate": f[1].parse::<f64>().unwrap(), "slo_ms": f[2].parse::<f64>().unwrap() })
        })
        .collect();
    serde_json::Value::Array(rows)
}

fn options() -> PlanOptions {
    PlanOptions { solver: "exact".into(), ..PlanOptions::default() }
}

#[test]
fn csv_text_and_rows_give_the_same_valid_plan() {
    let from_text = plan(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &options()).unwrap();
    let from_rows = plan(&Rows::Text(PROFILES.into()), &Rows::Values(workload_rows()), &options()).unwrap();
    assert_eq!(from_text.gpu_count, from_rows.gpu_count);
    let gpu = catalog::gpu("a100-40gb").unwrap();
    let profiles = parse_profiles("p.csv", PROFILES).unwrap();
    let workload = parse_workload("w.csv", WORKLOAD).unwrap();
    assert!(validate(&gpu, &profiles, &workload, &from_rows).is_empty());
}

#[test]
fn a_bad_row_is_named_by_its_index_and_field() {
    let mut rows = workload_rows();
    rows[3]["rate"] = json!(-5);
    let errors = plan(&Rows::Text(PROFILES.into()), &Rows::Values(rows), &options()).unwrap_err();
    assert_eq!((errors[0].file.as_str(), errors[0].row), ("workload", Some(3)), "{errors:?}");
    assert!(errors[0].describe().starts_with("workload[3]"), "{}", errors[0].describe());
}

#[test]
fn csv_errors_keep_their_line_and_options_are_checked() {
    let errors =
        plan(&Rows::Text(PROFILES.into()), &Rows::Text("model,rate,slo_ms\nbert,lots,60\n".into()), &options())
            .unwrap_err();
    assert_eq!((errors[0].line, errors[0].row, errors[0].column.as_deref()), (Some(2), None, Some("rate")));
    let bad = PlanOptions { gpu: "a100-41gb".into(), ..options() };
    assert_eq!(
        plan(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &bad).unwrap_err()[0].column.as_deref(),
        Some("gpu")
    );
    let slow = PlanOptions { time_limit_s: f64::INFINITY, ..options() };
    let errors = plan(&Rows::Text(PROFILES.into()), &Rows::Text(WORKLOAD.into()), &slow).unwrap_err();
    assert_eq!(errors[0].column.as_deref(), Some("time_limit_s"));
    assert!(serde_json::from_value::<PlanOptions>(json!({ "timeLimit": 3 })).is_err());
    assert_eq!(serde_json::from_value::<PlanOptions>(json!({})).unwrap(), PlanOptions::default());
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

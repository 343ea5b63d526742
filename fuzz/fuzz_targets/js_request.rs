//! Arbitrary bytes as the JS API's request, `{"profiles": .., "workload": .., "options": ..}`
//! (rows as values or as text), through `plan`: a plan or every problem, each placed by the
//! caller's own row and field or line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_js::api::{plan_request, Rows, Value};
use migplan_js::value::plan_options;

const PROFILES: &str = include_str!("../../static/examples/a100-40gb-profiles.csv");

fn rows(value: Option<Value>) -> Rows {
    match value {
        Some(Value::Text(text)) => Rows::Text(text),
        Some(value) => Rows::files_or_values(value),
        None => Rows::Text(PROFILES.into()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Value::Object(fields) = Value::from(request) else { return };
    let take = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    // A short search whatever the options say, so that each input is quick.
    let options = Value::Object(vec![
        ("solver".into(), Value::Text("greedy".into())),
        ("time_limit_s".into(), Value::Number(0.01)),
    ]);
    // The options as asked are read (every problem named); the plan gets the short search.
    let _ = plan_options(&take("options").unwrap_or(Value::Null));
    if let Err(errors) = plan_request(&rows(take("profiles")), &rows(take("workload")), &options) {
        assert!(!errors.is_empty());
    }
});

//! The wasm-bindgen exports: JS values in and out through serde-wasm-bindgen (JSON-compatible:
//! plain objects, null for absent values), errors thrown as `Error`s carrying the located
//! problems in `errors`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError, PlanOptions, Rows};

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from(JsError::new(&e.to_string())))
}

/// An `Error` whose message lists the problems, with the problems themselves in `errors`.
fn thrown(errors: &[ApiError]) -> JsValue {
    let lines: Vec<String> = errors.iter().map(ApiError::describe).collect();
    let error = js_sys::Error::new(&format!("migplan: {}", lines.join("; ")));
    let _ = js_sys::Reflect::set(&error, &"errors".into(), &to_js(&errors).unwrap_or(JsValue::NULL));
    error.into()
}

fn rows(section: &str, value: JsValue) -> Result<Rows, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(Rows::Text(text));
    }
    serde_wasm_bindgen::from_value(value).map(Rows::Values).map_err(|e| {
        thrown(&[ApiError {
            file: section.into(),
            row: None,
            line: None,
            column: None,
            message: format!("not CSV text nor rows: {e}"),
            hint: None,
        }])
    })
}

#[wasm_bindgen]
pub fn gpus() -> Result<JsValue, JsValue> {
    to_js(&api::gpus())
}

#[wasm_bindgen]
pub fn layouts(gpu: &str) -> Result<JsValue, JsValue> {
    api::layouts(gpu).map_err(|e| thrown(&e)).and_then(|l| to_js(&l))
}

/// Plans synchronously: call it from a worker (migplan.js does).
#[wasm_bindgen]
pub fn plan(profiles: JsValue, workload: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options: PlanOptions = if options.is_undefined() || options.is_null() {
        PlanOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options).map_err(|e| {
            thrown(&[ApiError {
                file: String::new(),
                row: None,
                line: None,
                column: Some("options".into()),
                message: e.to_string(),
                hint: Some("options: {gpu, solver, time_limit_s, seed}, each optional".into()),
            }])
        })?
    };
    let plan =
        api::plan(&rows("profiles", profiles)?, &rows("workload", workload)?, &options).map_err(|e| thrown(&e))?;
    to_js(&plan)
}

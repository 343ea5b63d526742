//! The wasm-bindgen exports: JS values in and out through serde-wasm-bindgen (JSON-compatible:
//! plain objects, null for absent values), errors thrown as `Error`s carrying the located
//! problems in `errors`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError, Rows, Value};

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

/// A JS value as the API reads it; what cannot be read at all (a function, a symbol) is
/// refused by the argument's name.
fn value(what: &str, js: JsValue) -> Result<Value, JsValue> {
    if js.is_undefined() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(js).map_err(|e| {
        // The error's own text starts "Error: ", which the thrown Error would repeat.
        let text = e.to_string();
        let message = text.strip_prefix("Error: ").unwrap_or(&text).to_string();
        thrown(&[ApiError { file: what.into(), message, ..ApiError::default() }])
    })
}

fn rows(section: &str, js: JsValue) -> Result<Rows, JsValue> {
    match js.as_string() {
        Some(text) => Ok(Rows::Text(text)),
        None => value(section, js).map(Rows::files_or_values),
    }
}

/// `console.warn` of each line, as `migplan import` says them on stderr: a page sees what a
/// profiler's file gave up without the plan's JSON changing.
fn warn(lines: impl IntoIterator<Item = String>) {
    let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).ok();
    let warn = console.as_ref().and_then(|c| js_sys::Reflect::get(c, &"warn".into()).ok());
    if let (Some(console), Some(warn)) = (console, warn.and_then(|w| w.dyn_into::<js_sys::Function>().ok())) {
        for line in lines {
            let _ = warn.call1(&console, &format!("migplan: {line}").into());
        }
    }
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
    let options = value("options", options)?;
    let planned = api::plan_request(&rows("profiles", profiles)?, &rows("workload", workload)?, &options)
        .map_err(|e| thrown(&e))?;
    warn(planned.skipped.iter().map(ToString::to_string));
    to_js(&planned.plan)
}

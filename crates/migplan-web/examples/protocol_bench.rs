//! The worker protocol's two encodings side by side on one message, for
//! `tests/browser/protocol-bench.mjs`: JSON strings (serde_json; what the protocol uses)
//! against JS objects (serde-wasm-bindgen). Built for wasm32 by that script only; the
//! script times each step and the structured clone between them (what postMessage does).

#[cfg(target_arch = "wasm32")]
mod bench {
    use std::cell::RefCell;

    use migplan_core::plan::Plan;
    use migplan_core::workflow::PhaseTimes;
    use migplan_web::worker::protocol::WorkerMessage;
    use serde::Serialize;
    use wasm_bindgen::prelude::*;

    thread_local! {
        static MESSAGE: RefCell<Option<WorkerMessage>> = const { RefCell::new(None) };
        static DECODED: RefCell<Option<WorkerMessage>> = const { RefCell::new(None) };
    }

    fn encode<T>(to: impl FnOnce(&WorkerMessage) -> T) -> T {
        MESSAGE.with(|m| to(m.borrow().as_ref().expect("call prepare first")))
    }

    fn keep(decoded: WorkerMessage) {
        DECODED.with(|d| *d.borrow_mut() = Some(decoded));
    }

    /// Whether the last message decoded equals the one encoded (outside the timings).
    #[wasm_bindgen]
    pub fn came_through() -> bool {
        MESSAGE.with(|m| DECODED.with(|d| *m.borrow() == *d.borrow()))
    }

    /// The worker's last message for the plan in `plan_json`: `Done`.
    #[wasm_bindgen]
    pub fn prepare(plan_json: &str) -> Result<usize, JsError> {
        let plan: Plan = serde_json::from_str(plan_json)?;
        let count = plan.models.len();
        MESSAGE.with(|m| *m.borrow_mut() = Some(WorkerMessage::Done { plan, phases: PhaseTimes::default() }));
        Ok(count)
    }

    #[wasm_bindgen]
    pub fn encode_json() -> JsValue {
        encode(|m| JsValue::from_str(&serde_json::to_string(m).unwrap()))
    }

    #[wasm_bindgen]
    pub fn decode_json(value: JsValue) {
        keep(serde_json::from_str(&value.as_string().unwrap()).unwrap())
    }

    #[wasm_bindgen]
    pub fn encode_object() -> JsValue {
        encode(|m| m.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap())
    }

    #[wasm_bindgen]
    pub fn decode_object(value: JsValue) {
        keep(serde_wasm_bindgen::from_value(value).unwrap())
    }
}

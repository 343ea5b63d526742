//! The planning worker's side of the one wasm binary: in a dedicated worker, `main` calls
//! [`serve`] instead of mounting the page. It hands each request's JSON to
//! `planning::handle_text` and posts back JSON messages (see `protocol`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::planning::handle_text;
use crate::protocol::WorkerMessage;

/// The name `web/api/plan-worker.js` starts its worker with: that worker calls the JS API's
/// `plan` itself and must not answer the page's protocol.
pub const API_WORKER: &str = "migplan-api";

/// Whether this is the planner's page (`web/index.html` marks its body), not a page that
/// imported the JS API.
pub fn is_planner_page() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|b| b.has_attribute("data-migplan-planner"))
}

/// The scope, when this instance of the binary runs as a worker.
pub fn worker_scope() -> Option<DedicatedWorkerGlobalScope> {
    js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>().ok()
}

/// Answers requests for as long as the worker lives.
pub fn serve(scope: DedicatedWorkerGlobalScope) {
    let reply = scope.clone();
    let send = move |message: WorkerMessage| {
        if let Ok(text) = serde_json::to_string(&message) {
            let _ = reply.post_message(&JsValue::from_str(&text));
        }
    };
    let on_message = {
        let mut send = send.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            handle_text(&event.data().as_string().unwrap_or_default(), &mut send);
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    send(WorkerMessage::Ready);
}

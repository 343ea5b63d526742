//! The planning worker's side of the one wasm binary: in a dedicated worker, `main` calls
//! [`serve`] instead of mounting the page. It hands each request's JSON to
//! `planning::handle_text` and posts back JSON messages (see `protocol`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::planning::handle_text;
use crate::protocol::WorkerMessage;

/// The scope, when this instance of the binary runs as the planning worker.
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

//! The planning worker's side of the one wasm binary: in a dedicated worker, `main` calls
//! [`serve`] instead of mounting the page. It hands each request's JSON to its
//! `planning::Planner` and posts back JSON messages (see `protocol`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::worker::planning::Planner;
use crate::worker::protocol::WorkerMessage;

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

/// Posts `message` to the page.
fn post(scope: &DedicatedWorkerGlobalScope, message: &WorkerMessage) {
    if let Ok(text) = serde_json::to_string(message) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

/// Answers requests for as long as the worker lives.
pub fn serve(scope: DedicatedWorkerGlobalScope) {
    say_why_on_panic();
    let on_message = {
        let reply = scope.clone();
        let mut planner = Planner::default();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            planner.handle_text(&event.data().as_string().unwrap_or_default(), &mut |m| post(&reply, &m));
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &WorkerMessage::Ready);
}

/// A panic aborts the wasm (the release binary is built with `panic = "abort"`): before it
/// does, the page is told what happened, in words, as the request's last message. The page
/// then replaces this worker, whose wasm is dead.
fn say_why_on_panic() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!(
            "the planner stopped on a bug ({info}); please report it with your inputs. Your inputs \
             are kept: press the button again, or try another time limit or seed"
        );
        if let Some(scope) = worker_scope() {
            post(&scope, &WorkerMessage::Crashed { message });
        }
    }));
}

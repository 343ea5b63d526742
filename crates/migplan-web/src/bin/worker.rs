//! The planning worker: listens for one `Request` at a time and answers with JSON
//! messages (see `migplan_web::protocol`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the planning worker runs in a browser: build it with `trunk build` (see README.md)");
}

#[cfg(target_arch = "wasm32")]
fn main() {
    use migplan_web::planning::handle_text;
    use migplan_web::protocol::WorkerMessage;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
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

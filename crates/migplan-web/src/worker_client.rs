//! The page's side of the planning worker: spawn, send one request, hear its messages,
//! terminate on cancel.
//!
//! Trunk builds the worker as a no-modules script (`worker.js` + `worker_bg.wasm`), which
//! `scripts/post-build.py` renames with their content hash; `worker-loader.js` (from `web/`,
//! its stable name, rewritten by the hook to the hashed names) loads it. A file rather than a
//! blob script, so that the service worker serves it offline and the CSP allows it.
//!
//! We talk to it directly over `web_sys::Worker` rather than through gloo-worker because
//! cancel must stop a worker that is busy in a synchronous solve: only `Worker::terminate`
//! does that.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use yew::UseReducerDispatcher;

use crate::protocol::{Request, WorkerMessage};
use crate::state::{Action, State};

pub type Dispatch = UseReducerDispatcher<State>;
/// The page's one worker, if one runs: replacing it terminates the old one.
pub type WorkerSlot = Rc<RefCell<Option<WorkerClient>>>;

/// Sends `request` to a fresh worker and turns its messages into actions.
pub fn talk(request: Request, dispatch: &Dispatch, worker: &WorkerSlot) {
    let on_message = {
        let dispatch = dispatch.clone();
        move |message| match message {
            WorkerMessage::Progress { status, plan } => dispatch.dispatch(Action::Progress { status, plan }),
            WorkerMessage::Done { plan, phases } => dispatch.dispatch(Action::Done(plan, phases)),
            WorkerMessage::MoveProgress { status, planned } => {
                dispatch.dispatch(Action::MoveProgress { status, planned })
            }
            WorkerMessage::MoveDone { planned } => dispatch.dispatch(Action::MoveDone(planned)),
            WorkerMessage::Failed { errors } => dispatch.dispatch(Action::Failed(errors)),
            // The capacity panel runs a worker of its own and hears these itself.
            WorkerMessage::Ready | WorkerMessage::Capacity { .. } => {}
        }
    };
    let on_error = {
        let dispatch = dispatch.clone();
        move |message| dispatch.dispatch(Action::WorkerError(format!("the planner stopped: {message}")))
    };
    match WorkerClient::start(request, on_message, on_error) {
        // Replacing the old client terminates its worker.
        Ok(client) => *worker.borrow_mut() = Some(client),
        Err(message) => dispatch.dispatch(Action::WorkerError(message)),
    }
}

/// Stops the worker at once, whatever it is doing.
pub fn stop(worker: &WorkerSlot) {
    if let Some(client) = worker.borrow_mut().take() {
        client.terminate();
    }
}

pub struct WorkerClient {
    worker: Worker,
    // Kept alive as long as the worker: JavaScript calls them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl WorkerClient {
    /// Starts a worker that will answer `request`, calling `on_message` with each message and
    /// `on_error` if the worker fails to load or crashes.
    pub fn start(
        request: Request,
        on_message: impl Fn(WorkerMessage) + 'static,
        on_error: impl Fn(String) + 'static,
    ) -> Result<WorkerClient, String> {
        let worker = Worker::new("worker-loader.js").map_err(|e| format!("cannot start the planner: {e:?}"))?;
        let pending = Rc::new(RefCell::new(Some(serde_json::to_string(&request).map_err(|e| e.to_string())?)));
        let on_message = {
            let worker = worker.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else { return };
                let Ok(message) = serde_json::from_str::<WorkerMessage>(&text) else { return };
                if message == WorkerMessage::Ready {
                    if let Some(request) = pending.borrow_mut().take() {
                        let _ = worker.post_message(&JsValue::from_str(&request));
                    }
                    return;
                }
                on_message(message);
            })
        };
        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            on_error(event.message());
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerClient { worker, _on_message: on_message, _on_error: on_error })
    }

    pub fn terminate(&self) {
        self.worker.terminate();
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

//! The page's side of the planning worker: one worker kept warm from request to request,
//! its messages turned into actions, terminated and replaced on cancel.
//!
//! The worker is the page's own binary started in a module worker by `worker-loader.js` (from
//! `web/`, its stable name; `scripts/post-build.py` writes the binary's hashed file names into
//! it). A file rather than a blob script, so that the service worker serves it offline and
//! the CSP allows it.
//!
//! We talk to it directly over `web_sys::Worker` rather than through gloo-worker because
//! cancel must stop a worker that is busy in a synchronous solve: only `Worker::terminate`
//! does that.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use yew::UseReducerDispatcher;

use crate::state::{Action, State};
use crate::worker::protocol::{Request, WorkerMessage};

pub type Dispatch = UseReducerDispatcher<State>;
/// The page's one worker: idle between requests, replaced (terminated) on cancel.
pub type WorkerSlot = Rc<RefCell<Option<WorkerClient>>>;

/// A worker kept from one request to the next: a fresh worker compiles the solvers' wasm
/// again and runs it in the browser's baseline tier until its hot code is recompiled, which
/// made each solve several times slower than natively.
pub fn standby() -> Option<WorkerClient> {
    WorkerClient::spawn().ok()
}

/// Sends `request` to the idle worker (or a fresh one if it is busy or gone) and turns its
/// messages into actions.
pub fn talk(request: Request, dispatch: &Dispatch, worker: &WorkerSlot) {
    let on_message = {
        let dispatch = dispatch.clone();
        move |message| {
            if let Some(action) = Action::heard(message) {
                dispatch.dispatch(action);
            }
        }
    };
    let on_error = {
        let dispatch = dispatch.clone();
        move |message| dispatch.dispatch(Action::WorkerError(format!("the planner stopped: {message}")))
    };
    let mut slot = worker.borrow_mut();
    if slot.as_ref().is_none_or(|client| !client.listener.borrow().idle()) {
        // Replacing a busy or stopped client terminates its worker.
        match WorkerClient::spawn() {
            Ok(client) => *slot = Some(client),
            Err(message) => return dispatch.dispatch(Action::WorkerError(message)),
        }
    }
    if let Some(client) = slot.as_ref() {
        if let Err(message) = client.send(&request, Box::new(on_message), Box::new(on_error)) {
            dispatch.dispatch(Action::WorkerError(message));
        }
    }
}

/// Stops the worker at once, whatever it is doing, and starts a fresh one for the next request.
pub fn stop(worker: &WorkerSlot) {
    let mut slot = worker.borrow_mut();
    if let Some(client) = slot.take() {
        client.terminate();
    }
    *slot = standby();
}

/// Who hears the current request's messages, and the request waiting for the worker to load.
#[derive(Default)]
struct Listener {
    ready: bool,
    busy: bool,
    /// The worker's wasm stopped (a panic or an uncaught error): it answers nothing more.
    stopped: bool,
    pending: Option<String>,
    on_message: Option<Box<dyn Fn(WorkerMessage)>>,
    on_error: Option<Box<dyn Fn(String)>>,
}

impl Listener {
    fn idle(&self) -> bool {
        !self.busy && !self.stopped
    }
}

pub struct WorkerClient {
    worker: Worker,
    listener: Rc<RefCell<Listener>>,
    // Kept alive as long as the worker: JavaScript calls them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl WorkerClient {
    /// Starts a worker; it loads and compiles the planner while nobody waits for it.
    pub fn spawn() -> Result<WorkerClient, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("worker-loader.js", &options)
            .map_err(|e| format!("cannot start the planner: {e:?}"))?;
        let listener = Rc::new(RefCell::new(Listener::default()));
        let on_message = {
            let (worker, listener) = (worker.clone(), listener.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else { return };
                let Ok(message) = serde_json::from_str::<WorkerMessage>(&text) else { return };
                let mut heard = listener.borrow_mut();
                if message == WorkerMessage::Ready {
                    heard.ready = true;
                    if let Some(request) = heard.pending.take() {
                        let _ = worker.post_message(&JsValue::from_str(&request));
                    }
                    return;
                }
                if matches!(
                    message,
                    WorkerMessage::Done { .. }
                        | WorkerMessage::MoveDone { .. }
                        | WorkerMessage::MoveShown { .. }
                        | WorkerMessage::Capacity { .. }
                        | WorkerMessage::Failed { .. }
                ) {
                    heard.busy = false;
                }
                if let WorkerMessage::Crashed { .. } = message {
                    // It said why: the error event of its dying says nothing more.
                    heard.stopped = true;
                    heard.on_error = None;
                }
                // Handlers dispatch actions, which may send the next request: not while borrowed.
                let handler = heard.on_message.take();
                drop(heard);
                if let Some(handler) = handler {
                    handler(message);
                    listener.borrow_mut().on_message.get_or_insert(handler);
                }
            })
        };
        let on_error = {
            let listener = listener.clone();
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                let mut heard = listener.borrow_mut();
                heard.stopped = true;
                let handler = heard.on_error.take();
                drop(heard);
                if let Some(handler) = handler {
                    handler(event.message());
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerClient { worker, listener, _on_message: on_message, _on_error: on_error })
    }

    /// A worker of its own for one request (the capacity panel's, beside the page's).
    pub fn start(
        request: Request,
        on_message: impl Fn(WorkerMessage) + 'static,
        on_error: impl Fn(String) + 'static,
    ) -> Result<WorkerClient, String> {
        let client = WorkerClient::spawn()?;
        client.send(&request, Box::new(on_message), Box::new(on_error))?;
        Ok(client)
    }

    /// Sends one request to this idle worker; `on_message` hears its messages until the next.
    fn send(
        &self,
        request: &Request,
        on_message: Box<dyn Fn(WorkerMessage)>,
        on_error: Box<dyn Fn(String)>,
    ) -> Result<(), String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        let mut listener = self.listener.borrow_mut();
        listener.busy = true;
        listener.on_message = Some(on_message);
        listener.on_error = Some(on_error);
        if listener.ready {
            self.worker.post_message(&JsValue::from_str(&text)).map_err(|e| format!("cannot reach the planner: {e:?}"))
        } else {
            listener.pending = Some(text);
            Ok(())
        }
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

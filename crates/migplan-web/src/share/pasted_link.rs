//! A share link pasted into the address bar of an open page: the browser only changes the
//! fragment (no reload), so the page listens for `hashchange` and opens the link's inputs as
//! a reload would, planning them at once; a link it cannot open says why, and the inputs on
//! the page stay as they were. (The page's own `replaceState` fires no `hashchange`.)

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::share::share_bar::follow_in_address_bar;
use crate::share::{self, link_value};
use crate::state::shared::Shared;
use crate::state::{Action, State};
use crate::worker::protocol::Request;
use crate::worker::worker_client::{talk, WorkerSlot};

/// Opens the inputs of a link pasted into the address bar. `link_error` says why one could
/// not be opened, and is cleared once one is.
#[hook]
pub fn use_pasted_links(
    state: &UseReducerHandle<State>,
    worker: &WorkerSlot,
    link_error: UseStateHandle<Option<String>>,
) {
    // The listener outlives renders: it reads the state of the last one.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let worker = worker.clone();
    use_effect_with((), move |_| {
        let on_hash = Closure::<dyn Fn()>::new(move || {
            let state = latest.borrow().clone();
            let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            let Some(value) = share::from_fragment(&hash) else { return };
            match share::decode(value) {
                Err(reason) => {
                    link_error.set(Some(format!("{reason}. The inputs on the page are as they were.")));
                    follow_in_address_bar(link_value(&Shared::of(&state)).ok().as_deref());
                }
                Ok(shared) if shared == Shared::of(&state) => link_error.set(None),
                Ok(shared) => {
                    link_error.set(None);
                    open(&state, &worker, shared);
                }
            }
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
            }
        }
    });
}

/// The link's inputs in place of the page's, planned at once; whatever ran stops.
fn open(state: &UseReducerHandle<State>, worker: &WorkerSlot, shared: Shared) {
    let dispatch = state.dispatcher();
    let now = js_sys::Date::now();
    if state.run.running {
        dispatch.dispatch(Action::Cancelled { at_ms: now });
    }
    if state.move_run.running || state.move_picking.is_some() {
        dispatch.dispatch(Action::MoveCancelled { at_ms: now });
    }
    let request = shared.inputs.request();
    let (inputs, gpus_per_node, spare) = shared.settled();
    dispatch.dispatch(Action::OpenLink { inputs, gpus_per_node, spare });
    dispatch.dispatch(Action::Started { at_ms: now });
    // A busy worker is replaced, so the cancelled run's answers never arrive.
    talk(Request::Plan(request), &dispatch, worker);
}

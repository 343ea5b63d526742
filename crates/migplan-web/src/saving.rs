//! Saving the state without slowing typing: a save (serialising megabytes at 1,000 models)
//! runs once the changes pause for a moment, and at once when the page is hidden or left, so
//! a reload right after an edit still finds it.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::State;

/// How long changes must pause before a save.
const QUIET_MS: i32 = 300;

/// Saves `state` after each pause in its changes and when the page is hidden (unless `keep`
/// is false: an embedded planner leaves the inputs the full page saved alone); returns why
/// the last save failed, if it did.
#[hook]
pub fn use_saved(state: &State, keep: bool) -> Option<String> {
    let error = use_state_eq(|| None::<String>);
    let pending = use_mut_ref(|| None::<State>);
    // The state last saved, so a save writes only what changed since.
    let saved = use_mut_ref(|| None::<State>);
    let timer = use_mut_ref(|| None::<i32>);
    let save: Rc<dyn Fn()> = {
        let (pending, error) = (pending.clone(), error.clone());
        Rc::new(move || {
            if let Some(state) = pending.borrow_mut().take() {
                let result = state.save(saved.borrow().as_ref());
                // After a failure, the next save writes every part again.
                *saved.borrow_mut() = result.is_ok().then_some(state);
                error.set(result.err());
            }
        })
    };
    {
        // Whenever the page is hidden (a reload, a closed tab, another tab): save now.
        let save = save.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || save());
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
                if let Some(d) = w.document() {
                    let _ = d.add_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
                }
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback("pagehide", listener.as_ref().unchecked_ref());
                    if let Some(d) = w.document() {
                        let _ = d.remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
                    }
                }
            }
        });
    }
    {
        let (pending, timer) = (pending.clone(), timer.clone());
        use_effect_with(state.clone(), move |state| {
            if !keep {
                return;
            }
            *pending.borrow_mut() = Some(state.clone());
            let Some(window) = web_sys::window() else { return };
            if let Some(id) = timer.borrow_mut().take() {
                window.clear_timeout_with_handle(id);
            }
            let later = Closure::once_into_js(move || save());
            *timer.borrow_mut() = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), QUIET_MS)
                .ok();
        });
    }
    (*error).clone()
}

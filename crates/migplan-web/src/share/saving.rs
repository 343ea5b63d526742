//! Saving the state (and any other work too slow for every keystroke) without slowing typing: a save (serialising megabytes at 1,000 models)
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
    // The state last saved, so a save writes only what changed since.
    let saved = use_mut_ref(|| None::<State>);
    let save = {
        let error = error.clone();
        move |state: State| {
            if !keep {
                return;
            }
            let result = state.save(saved.borrow().as_ref());
            // After a failure, the next save writes every part again.
            *saved.borrow_mut() = result.is_ok().then_some(state);
            error.set(result.err());
        }
    };
    use_settled(state, save);
    (*error).clone()
}

/// Calls `settle` with the latest `value` once its changes pause for a moment, and at once
/// when the page is hidden (a reload, a closed tab, another tab), so that work too slow for
/// every keystroke (a save, the share link) still never lags behind a reload.
#[hook]
pub fn use_settled<T: Clone + PartialEq + 'static>(value: &T, settle: impl Fn(T) + 'static) {
    let pending = use_mut_ref(|| None::<T>);
    let timer = use_mut_ref(|| None::<i32>);
    let settle: Rc<dyn Fn()> = {
        let pending = pending.clone();
        let settle = Rc::new(settle);
        // Kept from the first render: what it captures lives in hooks of the caller.
        use_memo((), move |_| -> Rc<dyn Fn()> {
            Rc::new(move || {
                let next = pending.borrow_mut().take();
                if let Some(value) = next {
                    settle(value);
                }
            })
        })
        .as_ref()
        .clone()
    };
    {
        let settle = settle.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || settle());
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
                        let _ = d
                            .remove_event_listener_with_callback("visibilitychange", listener.as_ref().unchecked_ref());
                    }
                }
            }
        });
    }
    use_effect_with(value.clone(), move |value| {
        *pending.borrow_mut() = Some(value.clone());
        let Some(window) = web_sys::window() else { return };
        if let Some(id) = timer.borrow_mut().take() {
            window.clear_timeout_with_handle(id);
        }
        let later = Closure::once_into_js(move || settle());
        *timer.borrow_mut() =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), QUIET_MS).ok();
    });
}

//! The page: inputs on the left, results on the right, the move panel below. One reducer
//! owns the state; the panels only render it and dispatch actions, and none imports another.

use std::rc::Rc;

use migplan_core::export::palette::Palette;
use yew::prelude::*;

use crate::panels::capacity::CapacityPanel;
use crate::panels::glossary::Glossary;
use crate::panels::guide::{focus_on, DOCS};
use crate::panels::inputs::InputsPanel;
use crate::panels::moves::MovePanel;
use crate::panels::results::Results;
use crate::share::embed::Embed;
use crate::share::pasted_link::use_pasted_links;
use crate::share::saving::use_saved;
use crate::share::share_bar::{opening, use_address_follows, ShareBar};
use crate::state::{Action, State};
use crate::worker::protocol::Request;
use crate::worker::worker_client::{standby, stop, talk, Dispatch, WorkerSlot};

fn start(state: &State, dispatch: &Dispatch, worker: &WorkerSlot) {
    dispatch.dispatch(Action::Started { at_ms: js_sys::Date::now() });
    talk(Request::Plan(state.inputs.request()), dispatch, worker);
}

/// The warning that the inputs are not saved, while saving fails.
fn save_banner(error: Option<&str>) -> Html {
    let Some(reason) = error else { return html! {} };
    html! {
        <div class="errors save-error" role="alert" data-testid="save-error">
            { format!(
                "Your inputs could not be saved in this browser ({reason}): they will not survive a reload. \
                 Download the plan JSON to keep it."
            ) }
        </div>
    }
}

/// A panic aborts the page's wasm (the release binary is built with `panic = "abort"`) and
/// nothing on the page answers after it: before it does, a banner at the top says so in
/// words, and how to go on. (Set through Yew, which otherwise puts its own hook in place.)
pub fn say_so_on_panic() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let (Some(body), Ok(banner)) = (document.body(), document.create_element("div")) else { return };
        banner.set_class_name("errors crash");
        let _ = banner.set_attribute("role", "alert");
        let _ = banner.set_attribute("data-testid", "crash");
        banner.set_text_content(Some(&format!(
            "migplan stopped on a bug ({info}); please report it with your inputs. Reload the page to go on: \
             it brings back the inputs as last saved."
        )));
        let _ = body.prepend_with_node_1(&banner);
    }));
}

#[function_component(App)]
pub fn app() -> Html {
    // A share link in the address wins over the saved inputs (share_bar).
    let loaded = use_memo((), |_| opening(State::load));
    let state = {
        let loaded = loaded.clone();
        use_reducer(move || loaded.state.clone())
    };
    // Started with the page, so its wasm compiles while the user looks at the inputs.
    let worker = use_mut_ref(standby);
    // Why the last save failed, if it did: shown until a save succeeds again.
    let save_error = use_saved(&state, !loaded.embed);
    let link = use_address_follows(&state);
    // Why the link in the address could not be opened: the one the page opened with, then
    // one pasted into the address bar.
    let link_error = {
        let opened = loaded.link_error.clone();
        use_state(move || opened)
    };
    use_pasted_links(&state, &worker, link_error.clone());
    {
        // A first visit plans the bundled example at once, and an opened link its inputs.
        let (state, worker, first_visit) = (state.clone(), worker.clone(), loaded.plan_now);
        use_effect_with((), move |_| {
            if first_visit {
                start(&state, &state.dispatcher(), &worker);
            }
        });
    }
    let on_solve = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |_: MouseEvent| {
            start(&state, &state.dispatcher(), &worker);
            // Solve is disabled while it runs: the focus goes to the plan's heading, above the
            // answer, rather than to the page's body.
            focus_on("plan-heading");
        })
    };
    let on_cancel = {
        let (dispatch, worker) = (state.dispatcher(), worker.clone());
        Callback::from(move |_: MouseEvent| {
            stop(&worker);
            dispatch.dispatch(Action::Cancelled { at_ms: js_sys::Date::now() });
        })
    };
    // The colours of the plan on screen, as its SVG download has them; else the running plan's.
    let models: Vec<String> = state
        .plan
        .as_deref()
        .or(state.running_plan())
        .map(|p| p.models.iter().map(|m| m.model.clone()).collect())
        .unwrap_or_default();
    let palette = use_memo(models, |models| Rc::new(Palette::new(models.iter().map(String::as_str))));
    if loaded.embed {
        return html! {
            <ContextProvider<Rc<Palette>> context={(*palette).clone()}>
                <Embed state={state.clone()} on_solve={on_solve} on_cancel={on_cancel}
                    link_error={(*link_error).clone()} link={link} />
            </ContextProvider<Rc<Palette>>>
        };
    }
    html! {
        <ContextProvider<Rc<Palette>> context={(*palette).clone()}>
        // Everything sits in a landmark (the header or main), as screen readers navigate by them.
        <div class="page">
            <header>
                <h1>{ "migplan" }</h1>
                <p>
                    { "Plan MIG partitions that serve your models on as few GPUs as possible. Runs in your browser; nothing leaves this page. " }
                    <a href={DOCS}>{ "Documentation" }</a>
                </p>
                <ShareBar state={state.clone()} link={link} link_error={(*link_error).clone()} />
            </header>
            <main>
                { save_banner(save_error.as_deref()) }
                <div class="columns">
                    <InputsPanel state={state.clone()} on_solve={on_solve} on_cancel={on_cancel} />
                    <Results state={state.clone()} />
                </div>
                <MovePanel state={state.clone()} worker={worker.clone()} />
                <CapacityPanel state={state.clone()} />
            </main>
            <Glossary />
        </div>
        </ContextProvider<Rc<Palette>>>
    }
}

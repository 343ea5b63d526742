//! The planner inside another page's iframe (`?embed`): the plan first, the inputs folded
//! away below it, no page header, a link to open the same inputs in the full page; its
//! height is posted to the host page (`{type: "migplan:height", height}`) whenever it
//! changes, so the host can size the frame to it (docs/src/embedding.md: the iframe snippet).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::glossary::Glossary;
use crate::panels::inputs::InputsPanel;
use crate::panels::results::Results;
use crate::share::share_bar::full_link;
use crate::state::State;

/// The message the host page receives.
pub const HEIGHT_MESSAGE: &str = "migplan:height";

fn post_height() {
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    if JsValue::from(&parent) == JsValue::from(&window) {
        return; // not framed
    }
    let Some(root) = window.document().and_then(|d| d.document_element()) else { return };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &root.get_bounding_client_rect().height().into());
    // Only a height: nothing of the inputs leaves the frame, so any host may hear it.
    let _ = parent.post_message(&message, "*");
}

/// Posts the page's height now and after every change of its size.
#[hook]
fn use_post_height() {
    use_effect_with((), |_| {
        post_height();
        let on_resize = Closure::<dyn FnMut()>::new(post_height);
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
        if let (Some(observer), Some(root)) =
            (&observer, web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()))
        {
            observer.observe(&root);
        }
        move || {
            if let Some(observer) = observer {
                observer.disconnect();
            }
            drop(on_resize);
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub state: UseReducerHandle<State>,
    pub on_solve: Callback<MouseEvent>,
    pub on_cancel: Callback<MouseEvent>,
    /// Why the link could not be opened (the example shows instead).
    pub link_error: Option<String>,
    /// The inputs' link value (`use_address_follows`), or the size that is too large for one.
    pub link: Result<String, usize>,
}

#[function_component(Embed)]
pub fn embed(props: &EmbedProps) -> Html {
    use_post_height();
    let link = props.link.as_ref().ok().map(|value| full_link(value));
    html! {
        <main class="page embed" data-testid="embed">
            { for props.link_error.as_ref().map(|reason| html! {
                <div class="errors" role="alert" data-testid="link-error">
                    { format!("The link could not be opened: {reason}") }
                </div>
            }) }
            <Results state={props.state.clone()} embedded={true} />
            <Glossary />
            <details class="embed-inputs">
                <summary>{ "Inputs" }</summary>
                <InputsPanel state={props.state.clone()} on_solve={props.on_solve.clone()} on_cancel={props.on_cancel.clone()} />
            </details>
            <p class="muted embed-footer">
                { "Planned in your browser by " }
                <a href={link.unwrap_or_else(|| "./".into())} target="_blank" rel="noopener">{ "migplan" }</a>
                { ": open it to change the inputs at full size." }
            </p>
        </main>
    }
}

//! What the page tells a newcomer: the next steps once a plan is on screen, and where the
//! keyboard focus goes once a button has started a run (the button is then disabled, and a
//! browser would drop the focus to the page's body).

use yew::prelude::*;

/// Moves the focus to the element `id` (a heading with `tabindex="-1"` above where the run's
/// answer appears), so Tab goes on from there.
pub fn focus_on(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The docs, next to the page in the built site.
pub const DOCS: &str = "docs/";

/// A link to a place on the page that takes the focus there without changing the address's
/// fragment (the address is the share link of the inputs).
fn to_place(target: &'static str, words: &'static str) -> Html {
    let onclick = Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        focus_on(target);
    });
    html! { <a href={format!("#{target}")} {onclick}>{ words }</a> }
}

/// One line under a plan: your files, Solve, then deploy or move, each a link to its place.
#[function_component(WhatNext)]
pub fn what_next() -> Html {
    html! {
        <p class="what-next" data-testid="what-next">
            <strong>{ "Next: " }</strong>
            { to_place("inputs-heading", "bring your files") }{ " (profiles and workload, or edit the table) → " }
            { to_place("solve", "Solve") }{ " → " }
            { to_place("deploy-heading", "deploy the plan") }{ " with the downloads beside the GPUs, or " }
            { to_place("move-heading", "move a running cluster") }{ " to it. " }
            <a href={format!("{DOCS}getting-started.html")} target="_blank" rel="noopener">{ "The guide" }</a>
            { " walks through it." }
        </p>
    }
}

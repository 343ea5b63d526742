//! The problems found in the inputs, one line per cause (`error_groups`): where, how many, the
//! first message, the likely cause, and for profiles of another GPU a button to switch to it.
//! The whole list opens on demand.

use migplan_core::problem::input::InputError;
use yew::prelude::*;

use crate::logic::error_groups::group;
use crate::logic::error_text::place;
use crate::state::Action;
use crate::worker::worker_client::Dispatch;

#[derive(Properties, PartialEq)]
pub struct ErrorListProps {
    pub errors: Vec<InputError>,
    pub dispatch: Dispatch,
}

#[function_component(ErrorList)]
pub fn error_list(props: &ErrorListProps) -> Html {
    if props.errors.is_empty() {
        return html! {};
    }
    let groups = group(&props.errors);
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    html! {
        <div class="errors" data-testid="input-error" role="alert">
            <strong>{ format!("{} in the inputs{}", plural(props.errors.len(), "problem"),
                if groups.len() < props.errors.len() { format!(", {}", plural(groups.len(), "cause")) } else { String::new() }) }</strong>
            <ul>
                { for groups.iter().take(20).map(|g| {
                    let first = g.first();
                    let more = g.errors.len() - 1;
                    let switch = g.gpu_of_profiles.clone().map(|gpu| {
                        let dispatch = props.dispatch.clone();
                        let label = format!("Switch to {}", gpu.to_uppercase());
                        html! {
                            <button data-testid="switch-gpu" onclick={Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SetGpu(gpu.clone())))}>
                                { label }
                            </button>
                        }
                    });
                    html! {
                        <li data-testid="error-group" data-count={g.errors.len().to_string()}>
                            <span class="where">{ place(first) }</span>
                            { first.message.clone() }
                            if more > 0 {
                                <span class="count">{ format!(" and {more} more like it") }</span>
                            }
                            if let Some(cause) = g.cause() {
                                <div class="hint">{ if more > 0 || g.gpu_of_profiles.is_some() { format!("Likely cause: {cause}") } else { cause } } { for switch }</div>
                            }
                            if more > 0 {
                                <details>
                                    <summary>{ format!("all {}", g.errors.len()) }</summary>
                                    <ul>{ for g.errors.iter().skip(1).take(200).map(|e| html! { <li><span class="where">{ place(e) }</span>{ e.message.clone() }</li> }) }</ul>
                                </details>
                            }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

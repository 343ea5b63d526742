//! The page's address as its share link: how the page opens (a link's state, the saved one,
//! or the example; full page or embedded), the address bar kept equal to the current inputs
//! with `history.replaceState` (no history entry per keystroke), and the bar with "Copy
//! link", "Embed" (the `<iframe>` snippet), "Download inputs (JSON)" and "Load inputs (JSON)"
//! (the same inputs as a file, and that file back; when the inputs are too large for a link,
//! the file is offered instead). The codec is `share`; the file is `state::Shared`'s JSON.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::panels::deploy::download;
use crate::panels::file_text::file_text;
use crate::share::saving::use_settled;
use crate::share::{self, link_value, MAX_LINK_CHARS};
use crate::state::shared::Shared;
use crate::state::{Action, Inputs, State};

/// How the page starts.
pub struct Opening {
    pub state: State,
    /// Plan at once: a link was opened, or nothing was saved (the example).
    pub plan_now: bool,
    /// Why the link in the address could not be opened, and what shows instead.
    pub link_error: Option<String>,
    /// The compact layout for an iframe (`?embed` or `#...&embed`).
    pub embed: bool,
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

/// Whether the page was opened by a reload (the navigation timing entry says so).
fn was_reloaded() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let entry = js_sys::Reflect::get(&window, &"performance".into())
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &"getEntriesByType".into()).ok().map(|f| (p, f)))
        .and_then(|(p, f)| f.dyn_into::<js_sys::Function>().ok()?.call1(&p, &"navigation".into()).ok())
        .map(|entries| js_sys::Array::from(&entries).get(0));
    entry
        .and_then(|e| js_sys::Reflect::get(&e, &"type".into()).ok())
        .and_then(|t| t.as_string())
        .is_some_and(|t| t == "reload")
}

/// The state a link in the address holds, else the saved one (`load`); an embedded page
/// without a link shows the example and never reads or writes the saved inputs.
pub fn opening(load: impl FnOnce() -> (State, bool)) -> Opening {
    let (search, hash) =
        location().map(|l| (l.search().unwrap_or_default(), l.hash().unwrap_or_default())).unwrap_or_default();
    let embed = share::wants_embed(&search, &hash);
    let (link, reason) = match share::from_fragment(&hash).map(share::decode) {
        Some(Ok(shared)) => (Some(shared), None),
        Some(Err(reason)) => (None, Some(reason)),
        None => (None, None),
    };
    let (state, plan_now) = match link {
        Some(shared) if embed => (shared.into_state(), true),
        Some(shared) => {
            // The address is the link of the saved inputs (whose plan is kept), or a reload
            // came before the address caught up with the last edit: the saved inputs are the
            // user's latest then.
            let (saved, nothing_saved) = load();
            if Shared::of(&saved) == shared || (was_reloaded() && !nothing_saved) {
                (saved, nothing_saved)
            } else {
                (shared.into_state(), true)
            }
        }
        None if embed => (State::new(Inputs::example()), true),
        None => load(),
    };
    // What shows instead of a link that cannot be opened: the saved inputs, if any.
    let instead = if embed || plan_now { "the example" } else { "your saved inputs" };
    let link_error = reason.map(|reason| format!("{reason}. Showing {instead} instead."));
    Opening { state, plan_now, link_error, embed }
}

/// The page's address without query or fragment.
fn page_address() -> String {
    location()
        .map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default()))
        .unwrap_or_default()
}

/// The full page's link for `value`.
pub fn full_link(value: &str) -> String {
    format!("{}#s={value}", page_address())
}

fn iframe_snippet(value: &str) -> String {
    format!(
        r#"<iframe src="{}?embed#s={value}" title="migplan: MIG plan" loading="lazy"
  style="width:100%;max-width:760px;border:0" height="640"></iframe>
<script>
  // Sizes each migplan frame to its content: the planner posts its height.
  addEventListener("message", (e) => {{
    if (e.data?.type !== "migplan:height") return;
    for (const f of document.querySelectorAll("iframe"))
      if (f.contentWindow === e.source) f.height = Math.ceil(e.data.height);
  }});
</script>"#,
        page_address()
    )
}

/// Writes the link into the address bar (keeping `?embed` and the rest of the query), or
/// takes the stale fragment away when the inputs are too large for one.
pub fn follow_in_address_bar(value: Option<&str>) {
    let Some(window) = web_sys::window() else { return };
    let search = window.location().search().unwrap_or_default();
    let embed = share::wants_embed("", &window.location().hash().unwrap_or_default());
    let url = match value {
        Some(v) if embed => format!("{search}#s={v}&embed"),
        Some(v) => format!("{search}#s={v}"),
        None => format!("{}{search}", window.location().pathname().unwrap_or_default()),
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Keeps the address bar equal to the share link of the current inputs. Settled like the save
/// (and at once when the page is hidden), so that a reload never finds a saved state newer
/// than the link in the address (the link would win, and the last edit be lost).
/// The link is deflated once the typing pauses (`use_settled`), not on every keystroke: at
/// 1,000 models the inputs are megabytes.
#[hook]
pub fn use_address_follows(state: &State) -> Result<String, usize> {
    let value = use_state_eq(|| link_value(&Shared::of(state)));
    {
        // The address is the link from the first paint on.
        let value = value.clone();
        use_effect_with((), move |_| follow_in_address_bar(value.as_ref().ok().map(String::as_str)));
    }
    let follow = {
        let value = value.clone();
        move |shared: Shared| {
            let link = link_value(&shared);
            follow_in_address_bar(link.as_ref().ok().map(String::as_str));
            value.set(link);
        }
    };
    use_settled(&Shared::of(state), follow);
    (*value).clone()
}

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    pub state: UseReducerHandle<State>,
    /// The inputs' link value (`use_address_follows`), or the size that is too large for one.
    pub link: Result<String, usize>,
    pub link_error: Option<String>,
}

#[function_component(ShareBar)]
pub fn share_bar(props: &ShareBarProps) -> Html {
    let value = props.link.clone();
    let note = use_state(|| None::<String>);
    let show_embed = use_state(|| false);
    let link_error = props.link_error.as_ref().map(|reason| {
        html! {
            <div class="errors" role="alert" data-testid="link-error">
                { format!("The link could not be opened: {reason}") }
            </div>
        }
    });
    let value = match value {
        Ok(value) => value,
        Err(chars) => {
            return html! {
                <div class="share">
                    { for link_error }
                    <div class="errors" role="status" data-testid="link-too-large">
                        { format!(
                            "These inputs are too large for a link (at least {} KB encoded, over {} KB): the address \
                             does not carry them. Download them as JSON to share them instead.",
                            chars / 1024, MAX_LINK_CHARS / 1024
                        ) }
                        <div class="row"><InputsFile state={props.state.clone()} /></div>
                    </div>
                    { inputs_load_result(&props.state) }
                </div>
            };
        }
    };
    let on_copy = {
        let (link, note) = (full_link(&value), note.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(window) = web_sys::window() else { return };
            let copied = window.navigator().clipboard().write_text(&link);
            let note = note.clone();
            wasm_bindgen_futures::spawn_local(async move {
                note.set(Some(match wasm_bindgen_futures::JsFuture::from(copied).await {
                    Ok(_) => "Link copied: it holds every input; no server sees it.".into(),
                    Err(_) => "The browser refused the clipboard: copy the address bar instead.".into(),
                }));
            });
        })
    };
    let on_embed = {
        let show_embed = show_embed.clone();
        Callback::from(move |_: MouseEvent| show_embed.set(!*show_embed))
    };
    html! {
        <div class="share">
            { for link_error }
            <div class="row">
                <button data-testid="copy-link" onclick={on_copy}>{ "Copy link" }</button>
                <button data-testid="embed-button" onclick={on_embed} aria-expanded={show_embed.to_string()}>{ "Embed" }</button>
                <InputsFile state={props.state.clone()} />
                { for note.as_ref().map(|n| html! { <span class="muted" role="status">{ n.clone() }</span> }) }
            </div>
            { inputs_load_result(&props.state) }
            if *show_embed {
                <label class="field embed-snippet">
                    <span>{ "Paste this into a page to show this plan there (the script sizes the frame):" }</span>
                    <textarea readonly=true rows="10" data-testid="embed-snippet" value={iframe_snippet(&value)} />
                </label>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct InputsFileProps {
    state: UseReducerHandle<State>,
}

/// Reads the chosen file and hands it to the reducer, which loads it or says why not.
fn load_inputs_file(input: &HtmlInputElement, dispatch: yew::functional::UseReducerDispatcher<State>) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        dispatch.dispatch(Action::LoadInputs(file_text(&file).await));
    });
}

/// "Download inputs (JSON)" and "Load inputs (JSON)": the inputs as a file, and that file back.
#[function_component(InputsFile)]
fn inputs_file(props: &InputsFileProps) -> Html {
    let picker = use_node_ref();
    let on_download = {
        // Serialised on click, not on every render: at 1,000 models the inputs are megabytes.
        let state = props.state.clone();
        Callback::from(move |_: MouseEvent| {
            download("migplan-inputs.json", "application/json", &Shared::of(&state).to_json())
        })
    };
    let on_load = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_chosen = {
        let dispatch = props.state.dispatcher();
        Callback::from(move |e: Event| load_inputs_file(&e.target_unchecked_into(), dispatch.clone()))
    };
    html! {
        <>
            <button data-testid="download-inputs" onclick={on_download}>{ "Download inputs (JSON)" }</button>
            <button data-testid="load-inputs" onclick={on_load}>{ "Load inputs (JSON)" }</button>
            <input type="file" hidden=true accept=".json,application/json" data-testid="load-inputs-file"
                ref={picker} onchange={on_chosen} />
        </>
    }
}

/// What became of the last inputs file loaded.
fn inputs_load_result(state: &State) -> Html {
    match &state.inputs_load {
        None => html! {},
        Some(Ok(name)) => html! {
            <p class="muted" role="status" data-testid="inputs-loaded">{ format!("Loaded the inputs of {name}.") }</p>
        },
        Some(Err(why)) => html! {
            <div class="errors" role="alert" data-testid="load-inputs-error">
                { format!("The inputs file could not be loaded: {why}. Nothing on the page was changed.") }
            </div>
        },
    }
}

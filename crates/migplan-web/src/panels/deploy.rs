//! Deploying the plan: GPUs per node, which of the plan's GPUs share a node and its
//! mig-parted config, and a download of the plan in every format of core `export::render`
//! (the same text `migplan export` writes). Shown by the results panel beside its GPUs.

use migplan_core::export::{check_format, nodes, render, ExportFormat, ExportOptions};
use migplan_core::plan::Plan;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::plan_use::PlanUse;

#[derive(Properties, PartialEq)]
pub struct DeployProps {
    pub plan: std::rc::Rc<Plan>,
    /// GPUs per node as typed.
    pub gpus_per_node: AttrValue,
    /// The options, or why the GPUs per node are not usable.
    pub options: Result<ExportOptions, String>,
    pub on_gpus_per_node: Callback<String>,
    /// Whether the plan is for the inputs now: every download says so when not.
    pub plan_use: PlanUse,
}

pub fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A plan compared by address: the state shares one plan until a solve replaces it, and
/// comparing thousands of GPUs field by field on every render costs more than grouping them.
#[derive(Clone)]
struct SamePlan(std::rc::Rc<Plan>);

impl PartialEq for SamePlan {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component(Deploy)]
pub fn deploy(props: &DeployProps) -> Html {
    let on_input = {
        let cb = props.on_gpus_per_node.clone();
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    // Grouped again only for another plan or other options: not when only whether the plan
    // is current changes (an edit), which re-renders this panel (tens of ms at 300 models).
    let grouped = use_memo((SamePlan(props.plan.clone()), props.options.clone()), |(plan, options)| {
        options.as_ref().ok().map(|o| nodes::assign(&plan.0, o))
    });
    let grouping = match (&props.options, grouped.as_ref()) {
        (Err(e), _) => html! { <p class="errors" data-testid="nodes-error">{ e.clone() }</p> },
        (Ok(_), None) => html! {},
        (Ok(_), Some(n)) => {
            html! {
                <>
                    <p data-testid="node-summary">{ format!(
                        "{} GPUs on {} node{} ({} GPUs per node), {} distinct node config{}: label each node with its config",
                        n.nodes.iter().map(|node| node.gpus.len()).sum::<usize>(),
                        n.nodes.len(), if n.nodes.len() == 1 { "" } else { "s" }, n.gpus_per_node,
                        n.configs.len(), if n.configs.len() == 1 { "" } else { "s" }
                    ) }</p>
                    // Past a screenful of nodes the table scrolls in its box, which the keyboard
                    // can then focus and scroll.
                    <div class="nodes-scroll" tabindex="0" role="region" aria-label="nodes and their configs">
                    <table class="nodes" data-testid="nodes">
                        <thead><tr><th>{ "node" }</th><th>{ "config" }</th><th>{ "plan GPUs, as devices 0, 1, .." }</th></tr></thead>
                        <tbody>
                            { for n.nodes.iter().map(|node| html! {
                                <tr data-testid="node">
                                    <td>{ node.name.clone() }</td>
                                    <td><code>{ node.config.clone() }</code></td>
                                    <td>{ node.gpus.iter().map(usize::to_string).collect::<Vec<_>>().join(", ") }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    </div>
                </>
            }
        }
    };
    let button = |format: ExportFormat| {
        let plan = props.plan.clone();
        let options = props.options.clone().unwrap_or_default();
        // Past what a picture draws, the SVG is refused (the button says why).
        let too_large = check_format(&plan, format).err();
        let disabled = (ExportFormat::NODE_CONFIGS.contains(&format) && props.options.is_err()) || too_large.is_some();
        let onclick = Callback::from(move |_: MouseEvent| {
            download(&format.file_name(&plan.gpu), format.mime(), &render(&plan, &options, format))
        });
        html! {
            <button data-testid={format!("download-{}", format.name())} {onclick} {disabled} title={too_large}>
                { format.label() }{ props.plan_use.label_suffix() }
            </button>
        }
    };
    html! {
        <div class="deploy" data-testid="deploy">
            <h3 id="deploy-heading" tabindex="-1">{ "Nodes" }</h3>
            <label>{ "GPUs per node " }
                <input data-testid="gpus-per-node" type="number" min="1" max="1024" step="1"
                    value={props.gpus_per_node.clone()} oninput={on_input} />
            </label>
            { grouping }
            <div class={classes!("downloads", (props.plan_use == PlanUse::EarlierInputs).then_some("stale"))}>
                <span data-testid="downloads-lead">{ props.plan_use.downloads_lead() }</span>
                { for ExportFormat::ALL.into_iter().map(button) }
            </div>
        </div>
    }
}

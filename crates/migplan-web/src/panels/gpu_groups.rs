//! The plan's GPUs by layout shape (`layout_groups`): one picture per shape with its count,
//! and a button that opens the shape's model mixes, drawn only when opened and a page at a
//! time, so a 1,000-GPU plan renders a few dozen pictures.

use std::rc::Rc;

use migplan_core::hardware::catalog;
use migplan_core::plan::Plan;
use migplan_core::sorting;
use yew::prelude::*;

use crate::logic::layout_groups::{shape_groups, ShapeGroup};
use crate::panels::gpu::{use_palette, GpuPicture};

/// Model mixes drawn per "show more".
const PAGE: usize = 40;
/// Legend entries shown before "and N more".
const LEGEND: usize = 60;

#[derive(Properties, PartialEq)]
pub struct GpuGroupsProps {
    pub plan: Rc<Plan>,
}

#[function_component(GpuGroups)]
pub fn gpu_groups(props: &GpuGroupsProps) -> Html {
    let plan = &props.plan;
    let palette = use_palette();
    let groups = use_memo(props.plan.clone(), |plan| shape_groups(plan));
    let Some(gpu) = catalog::gpu(&plan.gpu) else {
        return html! { <p class="errors">{ format!("unknown GPU `{}` in the plan", plan.gpu) }</p> };
    };
    let mut models: Vec<&str> = plan.models.iter().map(|m| m.model.as_str()).collect();
    sorting::sort(&mut models);
    html! {
        <div class="gpus-block">
            <h3>{ format!("GPUs ({} layout shape{})", groups.len(), if groups.len() == 1 { "" } else { "s" }) }</h3>
            <div class="gpus" data-testid="plan-gpus">
                { for groups.iter().enumerate().map(|(n, g)| html! {
                    <ShapeRow plan={plan.clone()} group={g.clone()} gpu={gpu.clone()} index={n} />
                }) }
            </div>
            <ul class="legend">
                { for models.iter().take(LEGEND).map(|m| html! {
                    <li><span class="swatch" style={format!("background:{}", palette.color(m).fill)}></span>{ *m }</li>
                }) }
                if models.len() > LEGEND {
                    <li class="muted">{ format!("and {} more models (see the table below)", models.len() - LEGEND) }</li>
                }
                <li><span class="swatch idle"></span>{ "idle" }</li>
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ShapeRowProps {
    plan: Rc<Plan>,
    group: ShapeGroup,
    gpu: migplan_core::hardware::spec::GpuSpec,
    index: usize,
}

#[function_component(ShapeRow)]
fn shape_row(props: &ShapeRowProps) -> Html {
    let shown = use_state(|| 0usize);
    let g = &props.group;
    let first = &props.plan.gpus[g.configs[0].0];
    let mixes = g.configs.len();
    let picture = |(index, count): (usize, usize)| {
        html! {
            <GpuPicture gpu={props.gpu.clone()} instances={props.plan.gpus[index].clone()} label={format!("× {count}")} />
        }
    };
    if mixes == 1 {
        return html! { <div class="shape" data-testid="shape">{ picture(g.configs[0]) }</div> };
    }
    let open = *shown > 0;
    let toggle = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(if open { 0 } else { PAGE }))
    };
    let more = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + PAGE))
    };
    let region = format!("shape-{}", props.index);
    html! {
        <div class="shape" data-testid="shape">
            <GpuPicture gpu={props.gpu.clone()} instances={first.clone()} label={format!("× {}", g.gpus)} />
            <div class="shape-more">
                <button data-testid="open-shape" aria-expanded={open.to_string()} aria-controls={region.clone()} onclick={toggle}>
                    { if open { "Hide the model mixes".to_string() } else { format!("{} GPUs, {mixes} model mixes: show them", g.gpus) } }
                </button>
            </div>
            <div id={region} class="shape-configs">
                if open {
                    { for g.configs.iter().take(*shown).map(|&c| picture(c)) }
                    if *shown < mixes {
                        <button onclick={more}>{ format!("Show {} more of {}", PAGE.min(mixes - *shown), mixes - *shown) }</button>
                    }
                }
            </div>
        </div>
    }
}

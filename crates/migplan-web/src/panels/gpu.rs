//! One GPU drawn as its memory slots, each instance at its start and width, coloured by
//! model: shared by the plan and the move panels. Each instance is a button: clicked or
//! focused, its details (model, profile, slot, batch, processes, throughput) show under the
//! GPU, so nothing is only in a hover tooltip. Labels that do not fit are left out (style.css
//! container queries), never cut mid-word.

use std::rc::Rc;

use migplan_core::export::palette::{Color, Palette};
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::{PlanGpu, PlanInstance};
use yew::prelude::*;

use crate::panels::glossary::{Glossed, Term};

/// The model colours of the plan on screen, provided by the page (`ContextProvider`); a
/// model outside it gets a colour from its name.
#[hook]
pub fn use_palette() -> Rc<Palette> {
    use_context::<Rc<Palette>>().unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct GpuPictureProps {
    pub gpu: GpuSpec,
    pub instances: PlanGpu,
    /// Shown left of the GPU: "× 3" for a group, "GPU 7" for one GPU.
    pub label: AttrValue,
}

/// What an instance is, in a sentence.
fn details(i: &PlanInstance) -> String {
    match &i.model {
        Some(m) => {
            let processes = i.processes.unwrap_or(1);
            format!(
                "{m} on {} at slot {}: batch {}, {processes} process{}, {:.1} req/s",
                i.profile,
                i.start,
                i.batch.map_or("?".into(), |b| b.to_string()),
                if processes == 1 { "" } else { "es" },
                i.throughput.unwrap_or(0.0)
            )
        }
        None => format!("idle {} at slot {}", i.profile, i.start),
    }
}

/// The details as the line under the GPU shows them: "processes" explained.
fn details_shown(i: &PlanInstance) -> Html {
    let Some(m) = &i.model else { return html! { details(i) } };
    let processes = i.processes.unwrap_or(1);
    html! {
        <>
            { format!("{m} on {} at slot {}: batch {}, {processes} ", i.profile, i.start,
                i.batch.map_or("?".into(), |b| b.to_string())) }
            <Glossed term={Term::Processes}>{ if processes == 1 { "process" } else { "processes" } }</Glossed>
            { format!(", {:.1} req/s", i.throughput.unwrap_or(0.0)) }
        </>
    }
}

/// The profile's compute part ("3g" of "3g.20gb"), for instances too narrow for the whole name.
fn short_profile(profile: &str) -> &str {
    profile.split('.').next().unwrap_or(profile)
}

/// One GPU as its memory slots, each instance drawn at its start and width.
#[function_component(GpuPicture)]
pub fn gpu_picture(props: &GpuPictureProps) -> Html {
    let palette = use_palette();
    let chosen = use_state(|| None::<usize>);
    let slots = props.gpu.memory_slots as f64;
    let chosen_details = (*chosen).and_then(|k| props.instances.instances.get(k)).map(details_shown);
    html! {
        <div class="gpu-wrap">
            <div class="gpu" data-testid="gpu">
                <div class="gpu-count">{ props.label.clone() }</div>
                <div class="slots" style={format!("--slot:{:.4}%", 100.0 / slots)}>
                    { for props.instances.instances.iter().enumerate().map(|(k, i)| {
                        let size = props.gpu.profiles.iter().find(|p| p.name == i.profile).map_or(1, |p| p.memory_slots) as f64;
                        let left = 100.0 * i.start as f64 / slots;
                        let width = 100.0 * size / slots;
                        let Color { fill, ink } = match &i.model {
                            Some(m) => palette.color(m),
                            None => Color { fill: "transparent".into(), ink: "#475467" },
                        };
                        let show = {
                            let chosen = chosen.clone();
                            Callback::from(move |_: FocusEvent| chosen.set(Some(k)))
                        };
                        // Not a toggle: the focus that comes with the click has chosen it already.
                        let choose = {
                            let chosen = chosen.clone();
                            Callback::from(move |_: MouseEvent| chosen.set(Some(k)))
                        };
                        html! {
                            <button type="button" class={classes!("instance", i.model.is_none().then_some("idle"), (*chosen == Some(k)).then_some("chosen"))}
                                style={format!("left:{left:.3}%;width:{width:.3}%;background:{fill};color:{ink}")}
                                title={details(i)} aria-pressed={(*chosen == Some(k)).to_string()}
                                onfocus={show} onclick={choose}>
                                <span class="profile"><span class="long">{ i.profile.clone() }</span><span class="short">{ short_profile(&i.profile).to_string() }</span></span>
                                <span class="model">{ i.model.clone().unwrap_or_else(|| "idle".into()) }</span>
                                // The visible labels start the button's name; the rest is for screen readers.
                                <span class="visually-hidden">{ format!(": {}", details(i)) }</span>
                            </button>
                        }
                    }) }
                </div>
            </div>
            if let Some(text) = chosen_details {
                <p class="instance-details" data-testid="instance-details">{ text }</p>
            }
        </div>
    }
}

//! One GPU drawn as its memory slots, each instance at its start and width, coloured by
//! model: shared by the plan and the move panels.

use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::PlanGpu;
use yew::prelude::*;

/// A stable colour per model name: the core's, so the SVG download has the page's colours.
pub use migplan_core::export::svg::model_color;

#[derive(Properties, PartialEq)]
pub struct GpuPictureProps {
    pub gpu: GpuSpec,
    pub instances: PlanGpu,
    /// Shown left of the GPU: "× 3" for a group, "GPU 7" for one GPU.
    pub label: AttrValue,
}

/// One GPU as its memory slots, each instance drawn at its start and width.
#[function_component(GpuPicture)]
pub fn gpu_picture(props: &GpuPictureProps) -> Html {
    let slots = props.gpu.memory_slots as f64;
    html! {
        <div class="gpu" data-testid="gpu">
            <div class="gpu-count">{ props.label.clone() }</div>
            <div class="slots" style={format!("--slot:{:.4}%", 100.0 / slots)}>
                { for props.instances.instances.iter().map(|i| {
                    let size = props.gpu.profiles.iter().find(|p| p.name == i.profile).map_or(1, |p| p.memory_slots) as f64;
                    let left = 100.0 * i.start as f64 / slots;
                    let width = 100.0 * size / slots;
                    let (color, label, tip) = match &i.model {
                        Some(m) => (
                            model_color(m),
                            m.clone(),
                            format!("{m} on {} at slot {}: batch {}, {} process{}, {:.1} req/s",
                                i.profile, i.start,
                                i.batch.map_or("?".into(), |b| b.to_string()),
                                i.processes.unwrap_or(1),
                                if i.processes.unwrap_or(1) == 1 { "" } else { "es" },
                                i.throughput.unwrap_or(0.0)),
                        ),
                        None => ("transparent".into(), "idle".into(), format!("idle {} at slot {}", i.profile, i.start)),
                    };
                    html! {
                        <div class={classes!("instance", i.model.is_none().then_some("idle"))}
                            style={format!("left:{left:.3}%;width:{width:.3}%;background:{color}")} title={tip}>
                            <span class="profile">{ i.profile.clone() }</span>
                            <span class="model">{ label }</span>
                        </div>
                    }
                }) }
            </div>
        </div>
    }
}

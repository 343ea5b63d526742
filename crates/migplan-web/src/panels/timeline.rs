//! The move shown, step by step: a summary, the steps (only those in view drawn, `rows_window`,
//! each a line of its actions and the tightest models it touches), and the step selected in
//! full: its actions, what every model it touches serves after it against its floor, and the
//! GPUs it acts on before and after, a few at a time. Everything comes from the worker's
//! `MoveView`: the page replays nothing, so a step of a 1,000-model move costs what it shows.

use std::rc::Rc;

use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::plan::transition::Action as Op;
use migplan_core::plan::{PlanGpu, PlanInstance};
use yew::prelude::*;

use crate::logic::rows_window::use_rows_window;
use crate::panels::glossary::{Glossed, Term};
use crate::panels::gpu::{use_palette, GpuPicture};
use crate::state::PlannedMove;
use crate::worker::move_view::{MoveView, Serves};

/// Every step row's height in pixels (style.css sets it), and the height of the scrolled view.
const ROW_PX: f64 = 48.0;
const VIEW_PX: f64 = 560.0;
/// Actions described in a step's row (all of them in the step's details), and models in it.
const ACTIONS_IN_ROW: usize = 4;
const CHIPS_IN_ROW: usize = 3;
/// Actions, models and GPUs of the selected step drawn at first, and added by each "show more".
const DETAILS_PER_PAGE: usize = 40;
const GPUS_PER_PAGE: usize = 8;

fn describe(op: &Op) -> String {
    match op {
        Op::AddGpu { gpu, gpu_type: None } => format!("add GPU {gpu}"),
        Op::AddGpu { gpu, gpu_type: Some(t) } => format!("add GPU {gpu} ({t})"),
        Op::RemoveGpu { gpu } => format!("remove GPU {gpu}"),
        Op::Create { gpu, profile, start, model, .. } => {
            format!("create {profile}@{start} {} on GPU {gpu}", model.as_deref().unwrap_or("(idle)"))
        }
        Op::Delete { gpu, start } => format!("delete the instance at slot {start} on GPU {gpu}"),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a model serves after the step against its floor, as a chip with a bar.
fn chip(serves: &Serves, fill: &str) -> Html {
    let Serves { model, capacity, floor } = serves;
    let ratio = serves.margin().min(2.0) / 2.0;
    html! {
        <span class="chip" title={format!("{model}: {capacity:.1}/s after this step, must keep {floor:.1}/s")}>
            <span class="swatch" style={format!("background:{fill}")}></span>
            { format!("{model} {capacity:.0}/{floor:.0}") }
            <span class="bar"><span style={format!("width:{:.0}%", 100.0 * ratio)}></span></span>
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub planned: PlannedMove,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let planned = &props.planned;
    let m = &planned.shown;
    let t = &m.transition;
    let selected = use_state(|| 0usize);
    let palette = use_palette();
    // One view per step, as the worker makes them (a move saved otherwise shows no steps).
    let steps = if m.steps.len() == t.steps.len() { t.steps.len() } else { 0 };
    let (window, on_scroll) = use_rows_window(steps, ROW_PX, VIEW_PX);
    let Some(gpu) = catalog::gpu(&m.target.gpu) else { return html! {} };
    let step = (*selected).min(steps.saturating_sub(1));
    let spacer =
        |px: f64| (px > 0.0).then(|| html! { <div aria-hidden="true" style={format!("height:{px}px")}></div> });
    html! {
        <div class="timeline" data-testid="move">
            <p data-testid="move-summary">
                { format!("{} → {} GPUs in {} steps: {} instances created, {} deleted, {} GPUs touched, {} borrowed. ",
                    planned.running.gpu_count, m.target.gpu_count, t.steps.len(), t.instances_created, t.instances_deleted,
                    t.touched_gpus, plural(t.spare_used, "spare GPU", "spare GPUs")) }
                { format!("Drain and rebuild: {} created, {} deleted, {} GPUs touched.",
                    t.naive.instances_created, t.naive.instances_deleted, t.naive.touched_gpus) }
            </p>
            <p data-testid="move-running-touched" data-touched={t.running_touched.to_string()}>
                { format!("{} ", t.running_touched) }
                <Glossed term={Term::RunningTouched}>{ if t.running_touched == 1 { "running GPU touched" } else { "running GPUs touched" } }</Glossed>
                { " (to drain)" }
                { m.disruption.as_ref().map(|d| format!("; no move within {} GPUs touches fewer than {}{}.",
                    d.optimal_gpus + d.extra_gpus, d.touched_lower_bound,
                    if d.touched_lower_bound == t.running_touched { " (optimal)" } else { "" })).unwrap_or_default() }
            </p>
            if t.spare_used > m.spare_allowed {
                <p class="errors" data-testid="move-needs-spares">
                    { format!("This move needs {} to keep every model at its floor; you allowed {}. Lend more spares, or accept the risk of dropping below demand.",
                        plural(t.spare_used, "spare GPU", "spare GPUs"), m.spare_allowed) }
                </p>
            }
            <div class="timeline-grid">
                <div class="steps-scroll" onscroll={on_scroll} data-testid="move-steps" tabindex="0" role="region" aria-label="steps of the move">
                    { for spacer(window.above_px) }
                    <ol class="steps" start={(window.first + 1).to_string()}>
                        { for (window.first..window.end).map(|n| {
                            let (s, view) = (&t.steps[n], &m.steps[n]);
                            let selected = selected.clone();
                            let mut line: Vec<String> = s.actions.iter().take(ACTIONS_IN_ROW).map(describe).collect();
                            if s.actions.len() > ACTIONS_IN_ROW {
                                line.push(format!("… {} more", s.actions.len() - ACTIONS_IN_ROW));
                            }
                            let ids: Vec<String> = view.gpus.iter().map(|g| g.id.to_string()).collect();
                            html! {
                                <li class={classes!((n == step).then_some("selected"))} data-gpus={ids.join(" ")}
                                    onclick={Callback::from(move |_| selected.set(n))}>
                                    // A button, so the keyboard selects a step too (its click reaches the item).
                                    <button type="button" class="step-actions" data-testid="move-step" aria-pressed={(n == step).to_string()}
                                        aria-controls="move-step-gpus">
                                        { line.join("; ") }
                                    </button>
                                    <div class="step-capacity">
                                        { for view.serves.iter().take(CHIPS_IN_ROW).map(|s| chip(s, &palette.color(&s.model).fill)) }
                                        if view.serves.len() > CHIPS_IN_ROW {
                                            <span class="muted">{ format!("+{} more", view.serves.len() - CHIPS_IN_ROW) }</span>
                                        }
                                    </div>
                                </li>
                            }
                        }) }
                    </ol>
                    { for spacer(window.below_px) }
                </div>
                if step < steps {
                    <StepDetails key={step} {step} shown={m.clone()} {gpu} />
                }
            </div>
        </div>
    }
}

#[derive(Properties)]
struct StepDetailsProps {
    step: usize,
    shown: Rc<MoveView>,
    gpu: GpuSpec,
}

// The move compared by address: the same move is the same, and a new one arrives as a new Rc.
impl PartialEq for StepDetailsProps {
    fn eq(&self, other: &Self) -> bool {
        self.step == other.step && Rc::ptr_eq(&self.shown, &other.shown) && self.gpu == other.gpu
    }
}

/// "Show N more" for a list drawn `shown` items at a time, if some are left.
fn more(shown: &UseStateHandle<usize>, len: usize, per_page: usize, what: &str, testid: &'static str) -> Html {
    if len <= **shown {
        return html! {};
    }
    let onclick = {
        let shown = shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + per_page))
    };
    html! { <button type="button" data-testid={testid} {onclick}>{ format!("Show {} more {what} of {}", per_page.min(len - **shown), len - **shown) }</button> }
}

/// The selected step in full, each long list a page at a time.
#[function_component(StepDetails)]
fn step_details(props: &StepDetailsProps) -> Html {
    let palette = use_palette();
    let (actions, models, gpus) =
        (use_state(|| DETAILS_PER_PAGE), use_state(|| DETAILS_PER_PAGE), use_state(|| GPUS_PER_PAGE));
    let (step, view) = (&props.shown.transition.steps[props.step], &props.shown.steps[props.step]);
    let ops = &step.actions;
    let after = view.after(step);
    let picture = |id: usize, instances: &Option<Vec<PlanInstance>>| match instances {
        Some(instances) => html! {
            <GpuPicture gpu={props.gpu.clone()} instances={PlanGpu { id, gpu: None, node: None, device: None, instances: instances.clone() }} label={format!("GPU {id}")} />
        },
        None => {
            html! { <div class="gpu absent"><div class="gpu-count">{ format!("GPU {id}") }</div><div class="muted">{ "not running" }</div></div> }
        }
    };
    html! {
        <div class="before-after" data-testid="move-gpus" id="move-step-gpus" aria-live="polite">
            <h3>{ format!("Step {}: GPUs it touches", props.step + 1) }</h3>
            <ul class="step-ops" data-testid="step-ops">
                { for ops.iter().take(*actions).map(|op| html! { <li>{ describe(op) }</li> }) }
            </ul>
            { more(&actions, ops.len(), DETAILS_PER_PAGE, "actions", "more-ops") }
            <div class="step-capacity">
                { for view.serves.iter().take(*models).map(|s| chip(s, &palette.color(&s.model).fill)) }
            </div>
            { more(&models, view.serves.len(), DETAILS_PER_PAGE, "models", "more-models") }
            <div class="pair">
                <div><h4>{ "before" }</h4>{ for view.gpus.iter().take(*gpus).map(|g| picture(g.id, &g.instances)) }</div>
                <div><h4>{ "after" }</h4>{ for after.iter().take(*gpus).map(|g| picture(g.id, &g.instances)) }</div>
            </div>
            { more(&gpus, view.gpus.len(), GPUS_PER_PAGE, "GPUs", "more-gpus") }
        </div>
    }
}

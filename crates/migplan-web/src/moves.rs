//! Moving a running cluster to the plan of the current inputs: the running plan (the one the
//! user marked deployed, or uploaded, with when), the spare GPUs to lend, and see the steps as a timeline
//! with each step's capacity against each model's floor and the GPUs it touches, before and
//! after; above it, the trade-off of extra GPUs against running GPUs touched, whose rows pick
//! the move the timeline shows.

use std::rc::Rc;

use migplan_core::hardware::catalog;
use migplan_core::moves::replay::replay;
use migplan_core::plan::transition::Action as Op;
use migplan_core::plan::PlanGpu;
use migplan_core::sorting;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::cluster_read::ClusterRead;
use crate::file_text::file_text;
use crate::gpu::{use_palette, GpuPicture};
use crate::move_deploy::MoveDeploy;
use crate::progress::Progress;
use crate::protocol::{PlannedMove, Request, TransitionRequest};
use crate::state::move_use::MoveUse;
use crate::state::{Action, State};
use crate::worker_client::{stop, talk, WorkerSlot};

#[derive(Properties)]
pub struct MovePanelProps {
    pub state: UseReducerHandle<State>,
    pub worker: WorkerSlot,
}

impl PartialEq for MovePanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.worker, &other.worker)
    }
}

#[function_component(MovePanel)]
pub fn move_panel(props: &MovePanelProps) -> Html {
    let state = &props.state;
    let dispatch = state.dispatcher();
    let running = state.running_plan().cloned();
    let now_iso = || String::from(js_sys::Date::new_0().to_iso_string());
    let on_upload = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let dispatch = dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch.dispatch(Action::UploadRunning { source: file_text(&file).await, at: now_iso() });
                });
            }
            input.set_value("");
        })
    };
    let on_spare = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::SetSpare(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_plan_move = {
        let (state, worker, running) = (state.clone(), props.worker.clone(), running.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(running) = running.clone() else { return };
            let dispatch = state.dispatcher();
            dispatch.dispatch(Action::MoveStarted { at_ms: js_sys::Date::now() });
            let spare = state.move_inputs.spare.clone();
            talk(
                Request::Transition(TransitionRequest { inputs: state.inputs.request(), running, spare }),
                &dispatch,
                &worker,
            );
        })
    };
    let source = html! {
        <>
            { match &state.move_inputs.deployed {
                Some(d) => html! {
                    <span data-testid="running-plan">{ format!("{} GPUs, {} at {}", d.plan.gpu_count, d.from, d.when()) }</span>
                },
                None => html! {
                    <span class="muted" data-testid="running-plan">
                        { "none yet: mark a plan deployed (under the plan above), or upload the running plan" }
                    </span>
                },
            } }
            if let Some(e) = &state.move_inputs.upload_error {
                <div class="errors" data-testid="running-plan-error" role="alert">{ e.clone() }</div>
            }
        </>
    };
    let on_cancel = {
        let (dispatch, worker) = (dispatch.clone(), props.worker.clone());
        Callback::from(move |_: MouseEvent| {
            stop(&worker);
            dispatch.dispatch(Action::MoveCancelled { at_ms: js_sys::Date::now() });
        })
    };
    let run = &state.move_run;
    let busy = state.busy();
    let move_use = state.move_use().unwrap_or(MoveUse::Current);
    html! {
        <section class="moves">
            <h2>{ "Move a running cluster to the new plan" }</h2>
            <p class="muted">
                { "Change the workload above (edit the table or upload a new file), then plan the move from the running plan. \
                   After every step each GPU's layout is legal and no model drops below min(old, new) demand." }
            </p>
            <div class="row">
                <div class="field">
                    <span>{ "Running plan" }</span>
                    { source }
                </div>
                <label class="field">
                    <span>{ "Upload a running plan (JSON)" }</span>
                    <input type="file" accept=".json,application/json" data-testid="running-plan-input" onchange={on_upload} />
                </label>
                <label class="field small">
                    <span>{ "Spare GPUs" }</span>
                    <input type="number" min="0" step="1" data-testid="spare" value={state.move_inputs.spare.clone()} oninput={on_spare} />
                </label>
                <button class="primary" data-testid="plan-move" onclick={on_plan_move}
                    disabled={busy || running.is_none()}>
                    { if run.running { "Planning the move…" } else { "Plan the move" } }
                </button>
                <button data-testid="cancel-move" onclick={on_cancel} disabled={!run.running}>{ "Cancel" }</button>
            </div>
            <ClusterRead state={state.clone()} />
            <Progress run={run.clone()} what="planning the move" idle={run.note.clone().map(AttrValue::from)} testid="move-status" />
            if let Some(planned) = &state.planned_move {
                if let Some(note) = move_use.note() {
                    <p class="stale" data-testid="move-earlier-inputs" role="status">{ note }</p>
                }
                <TradeOff planned={planned.clone()} on_pick={{
                    let dispatch = dispatch.clone();
                    Callback::from(move |picked| dispatch.dispatch(Action::MoveDone(picked)))
                }} />
                <MoveDeploy planned={planned.clone()} options={state.export_options()} {move_use} />
                <Timeline planned={planned.clone()} />
            }
        </section>
    }
}

/// Steps drawn at first, and added by each "show more".
const STEPS_PER_PAGE: usize = 100;

#[derive(Properties, PartialEq)]
struct TradeOffProps {
    planned: PlannedMove,
    on_pick: Callback<PlannedMove>,
}

/// Extra GPUs against running GPUs touched: each row a checked move, the one shown marked;
/// picking a row shows its move.
#[function_component(TradeOff)]
fn trade_off(props: &TradeOffProps) -> Html {
    let planned = &props.planned;
    if planned.front.len() < 2 {
        return html! {};
    }
    let shown = planned.planned.disruption.as_ref().map_or(0, |d| d.extra_gpus);
    let most = planned.front.iter().map(|p| p.transition.running_touched).max().unwrap_or(0).max(1);
    html! {
        <div class="tradeoff">
            <h3>{ "Fewer running GPUs touched for more GPUs" }</h3>
            <table data-testid="tradeoff">
                <thead><tr>
                    <th>{ "extra GPUs" }</th><th>{ "GPUs" }</th><th>{ "running GPUs touched" }</th>
                    <th>{ "proven minimum" }</th><th></th>
                </tr></thead>
                <tbody>
                    { for planned.front.iter().enumerate().map(|(k, point)| {
                        let touched = point.transition.running_touched;
                        let pick = {
                            let (on_pick, planned) = (props.on_pick.clone(), planned.clone());
                            Callback::from(move |_: MouseEvent| {
                                if let Some(picked) = planned.pick(k) {
                                    on_pick.emit(picked);
                                }
                            })
                        };
                        html! {
                            <tr class={classes!((point.extra_gpus == shown).then_some("selected"))}
                                data-testid="tradeoff-point" data-extra={point.extra_gpus.to_string()}
                                data-touched={touched.to_string()}>
                                <td>{ format!("+{}", point.extra_gpus) }</td>
                                <td>{ point.target.gpu_count }</td>
                                <td>
                                    <span class="bar"><span style={format!("width:{:.0}%", 100.0 * touched as f64 / most as f64)}></span></span>
                                    { format!(" {touched}") }
                                </td>
                                <td>{ point.touched_lower_bound }</td>
                                <td><button data-testid={format!("pick-{k}")} onclick={pick}
                                    disabled={point.extra_gpus == shown}>{ "Show this move" }</button></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TimelineProps {
    planned: PlannedMove,
}

fn describe(op: &Op) -> String {
    match op {
        Op::AddGpu { gpu } => format!("add GPU {gpu}"),
        Op::RemoveGpu { gpu } => format!("remove GPU {gpu}"),
        Op::Create { gpu, profile, start, model, .. } => {
            format!("create {profile}@{start} {} on GPU {gpu}", model.as_deref().unwrap_or("(idle)"))
        }
        Op::Delete { gpu, start } => format!("delete the instance at slot {start} on GPU {gpu}"),
    }
}

#[function_component(Timeline)]
fn timeline(props: &TimelineProps) -> Html {
    let spare_allowed = props.planned.spare_allowed;
    let m = &props.planned.planned;
    let t = &m.transition;
    let selected = use_state(|| 0usize);
    // Steps drawn: a 1,000-model move has thousands; more are drawn on request.
    let drawn = use_state(|| STEPS_PER_PAGE);
    // The GPUs after each drawn step, once per move and page of steps: selecting a step
    // replays nothing, and a 2,000-step move replays only what is drawn.
    let states = use_memo((props.planned.clone(), *drawn), |(p, drawn)| {
        let steps = &p.planned.transition.steps;
        replay(&p.planned.running, &steps[..(*drawn).min(steps.len())])
    });
    let palette = use_palette();

    let Some(gpu) = catalog::gpu(&m.target.gpu) else { return html! {} };
    let capacity = |n: usize, model: &str| -> f64 {
        states[n]
            .values()
            .flatten()
            .filter(|i| i.model.as_deref() == Some(model))
            .map(|i| i.throughput.unwrap_or(0.0))
            .sum()
    };
    let step = (*selected).min(t.steps.len().saturating_sub(1));
    let touched: Vec<usize> = {
        let mut ids: Vec<usize> =
            t.steps.get(step).map(|s| s.actions.iter().map(Op::gpu).collect()).unwrap_or_default();
        sorting::sort(&mut ids);
        ids.dedup();
        ids
    };
    let picture = |n: usize, id: usize| match states[n].get(&id) {
        Some(instances) => html! {
            <GpuPicture gpu={gpu.clone()} instances={PlanGpu { id, gpu: None, node: None, device: None, instances: instances.clone() }} label={format!("GPU {id}")} />
        },
        None => {
            html! { <div class="gpu absent"><div class="gpu-count">{ format!("GPU {id}") }</div><div class="muted">{ "not running" }</div></div> }
        }
    };
    html! {
        <div class="timeline" data-testid="move">
            <p data-testid="move-summary">
                { format!("{} → {} GPUs in {} steps: {} instances created, {} deleted, {} GPUs touched, {} spare GPU{} borrowed. ",
                    m.running.gpu_count, m.target.gpu_count, t.steps.len(), t.instances_created, t.instances_deleted,
                    t.touched_gpus, t.spare_used, if t.spare_used == 1 { "" } else { "s" }) }
                { format!("Drain and rebuild: {} created, {} deleted, {} GPUs touched.",
                    t.naive.instances_created, t.naive.instances_deleted, t.naive.touched_gpus) }
            </p>
            <p data-testid="move-running-touched" data-touched={t.running_touched.to_string()}>
                { format!("{} running GPU{} touched (to drain)", t.running_touched, if t.running_touched == 1 { "" } else { "s" }) }
                { m.disruption.as_ref().map(|d| format!("; no move within {} GPUs touches fewer than {}{}.",
                    d.optimal_gpus + d.extra_gpus, d.touched_lower_bound,
                    if d.touched_lower_bound == t.running_touched { " (optimal)" } else { "" })).unwrap_or_default() }
            </p>
            if t.spare_used > spare_allowed {
                <p class="errors" data-testid="move-needs-spares">
                    { format!("This move needs {} spare GPU{} to keep every model at its floor; you allowed {}. Lend more spares, or accept the risk of dropping below demand.",
                        t.spare_used, if t.spare_used == 1 { "" } else { "s" }, spare_allowed) }
                </p>
            }
            <div class="timeline-grid">
                <div class="steps-column">
                <ol class="steps">
                    { for t.steps.iter().enumerate().take(*drawn).map(|(n, s)| {
                        let selected = selected.clone();
                        let models: Vec<String> = {
                            let mut ms: Vec<String> = s.actions.iter().filter_map(|a| match a {
                                Op::Create { model: Some(m), .. } => Some(m.clone()),
                                Op::Delete { gpu, start } => states[n].get(gpu)
                                    .and_then(|g| g.iter().find(|i| i.start == *start)).and_then(|i| i.model.clone()),
                                _ => None,
                            }).collect();
                            sorting::sort(&mut ms);
                            ms.dedup();
                            ms
                        };
                        html! {
                            <li class={classes!((n == step).then_some("selected"))} onclick={Callback::from(move |_| selected.set(n))}>
                                // A button, so the keyboard selects a step too (its click reaches the item).
                                <button type="button" class="step-actions" data-testid="move-step" aria-pressed={(n == step).to_string()}
                                    aria-controls="move-step-gpus">
                                    { s.actions.iter().map(describe).collect::<Vec<_>>().join("; ") }
                                </button>
                                <div class="step-capacity">
                                    { for models.iter().map(|model| {
                                        let floor = m.floors.iter().find(|f| &f.model == model).map_or(0.0, |f| f.floor);
                                        let have = capacity(n + 1, model);
                                        let ratio = if floor > 0.0 { (have / floor).min(2.0) / 2.0 } else { 1.0 };
                                        html! {
                                            <span class="chip" title={format!("{model}: {have:.1}/s after this step, must keep {floor:.1}/s")}>
                                                <span class="swatch" style={format!("background:{}", palette.color(model).fill)}></span>
                                                { format!("{model} {have:.0}/{floor:.0}") }
                                                <span class="bar"><span style={format!("width:{:.0}%", 100.0 * ratio)}></span></span>
                                            </span>
                                        }
                                    }) }
                                </div>
                            </li>
                        }
                    }) }
                </ol>
                if t.steps.len() > *drawn {
                    <button data-testid="more-steps" onclick={{
                        let drawn = drawn.clone();
                        Callback::from(move |_: MouseEvent| drawn.set(*drawn + STEPS_PER_PAGE))
                    }}>{ format!("Show {} more steps of {}", STEPS_PER_PAGE.min(t.steps.len() - *drawn), t.steps.len() - *drawn) }</button>
                }
                </div>
                <div class="before-after" data-testid="move-gpus" id="move-step-gpus" aria-live="polite">
                    <h3>{ format!("Step {}: GPUs it touches", step + 1) }</h3>
                    <div class="pair">
                        <div><h4>{ "before" }</h4>{ for touched.iter().map(|&id| picture(step, id)) }</div>
                        <div><h4>{ "after" }</h4>{ for touched.iter().map(|&id| picture(step + 1, id)) }</div>
                    </div>
                </div>
            </div>
        </div>
    }
}

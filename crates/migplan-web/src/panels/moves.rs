//! Moving a running cluster to the plan of the current inputs: the running plan (the one the
//! user marked deployed, or uploaded, with when), the spare GPUs to lend, and see the steps as a timeline
//! with each step's capacity against each model's floor and the GPUs it touches, before and
//! after (`timeline`); above it, the trade-off of extra GPUs against running GPUs touched,
//! whose rows pick the move the timeline shows (`trade_off`, each pick asked of the worker).

use std::rc::Rc;

use migplan_core::workflow::settings::{Key, Path};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::panels::cluster_read::ClusterRead;
use crate::panels::file_text::file_text;
use crate::panels::guide::focus_on;
use crate::panels::move_deploy::MoveDeploy;
use crate::panels::progress::Progress;
use crate::panels::timeline::Timeline;
use crate::panels::trade_off::TradeOff;
use crate::state::move_use::MoveUse;
use crate::state::{Action, State};
use crate::worker::protocol::{MoveTimes, Request, ShowMoveRequest, TransitionRequest};
use crate::worker::worker_client::{stop, talk, Dispatch, WorkerSlot};

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
    let running = state.move_inputs.deployed.as_ref().map(|d| d.plan.clone());
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
            let at_ms = js_sys::Date::now();
            dispatch.dispatch(Action::MoveStarted { at_ms });
            let settings = state.move_inputs.settings();
            // The time it was asked names the trade-off: one a millisecond at most.
            let request =
                TransitionRequest { inputs: state.inputs.request(), running, settings, front_id: at_ms as u64 };
            talk(Request::Transition(request), &dispatch, &worker);
            // The button is disabled while the move is planned: the focus goes to the panel's
            // heading, above where the move appears, rather than to the page's body.
            focus_on("move-heading");
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
            { other_gpu(state.running_plan().map(|p| p.gpu.as_str()), &state.inputs.gpu, &dispatch) }
        </>
    };
    // A move plans one GPU type: the running plan's must be the one chosen above.
    let gpu_differs = state.running_plan().is_some_and(|p| p.gpu != state.inputs.gpu);
    let on_cancel = {
        let (dispatch, worker) = (dispatch.clone(), props.worker.clone());
        Callback::from(move |_: MouseEvent| {
            stop(&worker);
            dispatch.dispatch(Action::MoveCancelled { at_ms: js_sys::Date::now() });
        })
    };
    let on_pick = {
        let (state, worker) = (state.clone(), props.worker.clone());
        Callback::from(move |point: usize| {
            let Some(front_id) = state.planned_move.as_ref().and_then(|m| m.front_id) else { return };
            let dispatch = state.dispatcher();
            dispatch.dispatch(Action::PickMove(point));
            talk(Request::ShowMove(ShowMoveRequest { front_id, point }), &dispatch, &worker);
        })
    };
    let run = &state.move_run;
    let busy = state.busy();
    let move_use = state.move_use().unwrap_or(MoveUse::Current);
    html! {
        <section class="moves">
            <h2 id="move-heading" tabindex="-1">{ "Move a running cluster to the new plan" }</h2>
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
                    <span>{ Key::Spare.name(Path::Page) }</span>
                    <input type="number" min="0" step="1" data-testid="spare" value={state.move_inputs.spare.clone()} oninput={on_spare} />
                </label>
                <button class="primary" data-testid="plan-move" onclick={on_plan_move}
                    disabled={busy || running.is_none() || gpu_differs}>
                    { if run.running { "Planning the move…" } else { "Plan the move" } }
                </button>
                <button data-testid="cancel-move" onclick={on_cancel} disabled={!run.running}>{ "Cancel" }</button>
            </div>
            <ClusterRead state={state.clone()} />
            <Progress run={run.clone()} what="planning the move" idle={run.note.clone().map(AttrValue::from)} testid="move-status" />
            if let (Some(times), false) = (run.move_times, run.running) {
                { worker_times(times) }
            }
            if let Some(planned) = &state.planned_move {
                if let Some(note) = move_use.note() {
                    <p class="stale" data-testid="move-earlier-inputs" role="status">{ note }</p>
                }
                <TradeOff front={planned.front.clone()} shown={planned.extra_gpus()} spare_allowed={planned.shown.spare_allowed}
                    can_pick={planned.front_id.is_some() && !busy} picking={state.move_picking} on_pick={on_pick} />
                <MoveDeploy planned={planned.clone()} options={state.export_options()} {move_use} />
                <Timeline planned={planned.clone()} />
            }
        </section>
    }
}

/// Said under the running plan at once when it is for another GPU than the one chosen above
/// (a move plans one GPU type), with a button that chooses its GPU.
fn other_gpu(running: Option<&str>, chosen: &str, dispatch: &Dispatch) -> Html {
    let Some(gpu) = running.filter(|gpu| *gpu != chosen) else { return html! {} };
    let on_switch = {
        let (dispatch, gpu) = (dispatch.clone(), gpu.to_string());
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SetGpu(gpu.clone())))
    };
    html! {
        <div class="errors" data-testid="running-plan-gpu" role="alert">
            { format!(
                "This running plan is for {}, but the GPU chosen above is {}: a move stays on one GPU type. \
                 Choose {} above (its profiles with it), or upload the running plan of the {} GPUs.",
                gpu.to_uppercase(), chosen.to_uppercase(), gpu.to_uppercase(), chosen.to_uppercase()
            ) }
            <div class="hint">
                <button data-testid="running-plan-switch-gpu" onclick={on_switch}>{ format!("Switch to {}", gpu.to_uppercase()) }</button>
            </div>
        </div>
    }
}

/// Where the worker's time went, for the benchmark and the curious.
fn worker_times(t: MoveTimes) -> Html {
    html! {
        <p class="muted phases" data-testid="move-phases" data-read={format!("{:.1}", t.read_ms)}
            data-plan={format!("{:.1}", t.plan_ms)} data-streaming={format!("{:.1}", t.streaming_ms)}
            data-answer={format!("{:.1}", t.answer_ms)}>
            { format!("in the browser: reading the inputs {:.0} ms, planning the move and its trade-off {:.0} ms \
                (of which sending the moves found on the way {:.0} ms), summing up {:.0} ms",
                t.read_ms, t.plan_ms, t.streaming_ms, t.answer_ms) }
        </p>
    }
}

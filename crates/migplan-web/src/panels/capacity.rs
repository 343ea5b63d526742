//! Capacity planning on the current inputs: the GPU types compared (each alone and the
//! cheapest mix: GPUs, cost, bound, whole-GPU baseline) and the growth chart (GPUs against
//! the demand multiplier, the whole-GPU baseline as a second line, and where the plan for
//! the measured demand stops sufficing). It runs a worker of its own, so a plan or a move
//! keeps running beside it; what it shows lives here, not in the page's saved state.

use std::cell::RefCell;
use std::rc::Rc;

use migplan_core::workflow::capacity::{Comparison, GrowthPoint};
use migplan_core::workflow::settings::{Key, Path};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::logic::error_text::in_one_line;
use crate::state::State;
use crate::worker::protocol::{CapacityRequest, Request, WorkerMessage};
use crate::worker::worker_client::WorkerClient;

#[derive(Properties, PartialEq)]
pub struct CapacityPanelProps {
    pub state: UseReducerHandle<State>,
}

/// What the panel shows: nothing yet, running, an answer, or why there is none.
#[derive(Clone, PartialEq)]
enum Shown {
    Nothing,
    Running,
    Answer(Vec<Comparison>, Vec<GrowthPoint>),
    Failed(Vec<String>),
}

fn text_field(label: &str, testid: &str, value: &UseStateHandle<String>) -> Html {
    let on_input = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| value.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <label class="field small">
            <span>{ label }</span>
            <input data-testid={testid.to_string()} value={(**value).clone()} oninput={on_input} />
        </label>
    }
}

#[function_component(CapacityPanel)]
pub fn capacity_panel(props: &CapacityPanelProps) -> Html {
    let types = use_state(String::new);
    let default = |key: Key| key.setting().default.to_string();
    let from = use_state(|| default(Key::From));
    let to = use_state(|| default(Key::To));
    let steps = use_state(|| default(Key::Steps));
    let shown = use_state(|| Shown::Nothing);
    let worker: Rc<RefCell<Option<WorkerClient>>> = use_mut_ref(|| None);
    let on_run = {
        let (state, shown, worker) = (props.state.clone(), shown.clone(), worker.clone());
        let (types, from, to, steps) = (types.clone(), from.clone(), to.clone(), steps.clone());
        Callback::from(move |_: MouseEvent| {
            let request = Request::Capacity(CapacityRequest::new(state.inputs.request(), &types, &from, &to, &steps));
            shown.set(Shown::Running);
            let on_message = {
                let shown = shown.clone();
                move |message| match message {
                    WorkerMessage::Capacity { compare, growth } => shown.set(Shown::Answer(compare, growth)),
                    WorkerMessage::Failed { errors } => {
                        shown.set(Shown::Failed(errors.iter().map(in_one_line).collect()))
                    }
                    WorkerMessage::Crashed { message } => shown.set(Shown::Failed(vec![message])),
                    _ => {}
                }
            };
            let on_error = {
                let shown = shown.clone();
                move |message: String| shown.set(Shown::Failed(vec![format!("the planner stopped: {message}")]))
            };
            match WorkerClient::start(request, on_message, on_error) {
                // Replacing the old client terminates its worker.
                Ok(client) => *worker.borrow_mut() = Some(client),
                Err(message) => shown.set(Shown::Failed(vec![message])),
            }
        })
    };
    let body = match &*shown {
        Shown::Nothing => html! { <p class="muted">{ "Press Compare and sweep." }</p> },
        Shown::Running => {
            html! { <p class="status running" data-testid="capacity-status">{ "planning every type and multiplier…" }</p> }
        }
        Shown::Failed(errors) => html! {
            <div class="errors" data-testid="capacity-errors">{ for errors.iter().map(|e| html! { <p>{ e.clone() }</p> }) }</div>
        },
        Shown::Answer(compare, growth) => html! { <>{ comparison_table(compare) }{ growth_chart(growth) }</> },
    };
    html! {
        <section class="capacity" data-testid="capacity-panel">
            <h2>{ "Compare GPU types and plan for growth" }</h2>
            <p class="muted">
                { "GPU types to compare, each with what one GPU costs (e.g. a100-40gb=1, h100-80gb=2.2; profile rows \
                   count for the GPU their file was measured on, as the file table says, or their gpu column names). \
                   Empty: the GPU above. The growth chart plans the GPU above for every rate times each multiplier." }
            </p>
            <div class="row">
                { text_field(Key::Gpu.name(Path::Page), "capacity-types", &types) }
                { text_field(Key::From.name(Path::Page), "capacity-from", &from) }
                { text_field(Key::To.name(Path::Page), "capacity-to", &to) }
                { text_field(Key::Steps.name(Path::Page), "capacity-steps", &steps) }
                <button class="primary" data-testid="capacity-run" onclick={on_run}
                    disabled={*shown == Shown::Running}>{ "Compare and sweep" }</button>
            </div>
            { body }
        </section>
    }
}

fn comparison_table(rows: &[Comparison]) -> Html {
    let row = |r: &Comparison| match &r.refused {
        Some(reason) => html! {
            <tr data-testid="compare-row" data-fleet={r.fleet.clone()}>
                <td>{ r.fleet.clone() }</td><td colspan="5" class="muted">{ format!("cannot serve the workload: {reason}") }</td>
            </tr>
        },
        None => {
            let used: Vec<String> =
                r.per_type.iter().filter(|(_, &n)| n > 0).map(|(t, n)| format!("{n} × {t}")).collect();
            html! {
                <tr data-testid="compare-row" data-fleet={r.fleet.clone()} data-gpus={r.gpus.to_string()}
                    data-cost={r.cost.to_string()} data-lower-cost={r.lower_cost.to_string()}
                    data-whole={r.whole_gpus.map(|n| n.to_string()).unwrap_or_default()}>
                    <td>{ r.fleet.clone() }</td>
                    <td>{ r.gpus }</td>
                    <td>{ format!("{:.2}", r.cost) }</td>
                    <td>{ if r.proven_optimal { "optimal".to_string() } else { format!("{:.2}", r.lower_cost) } }</td>
                    <td>{ r.whole_gpus.map_or("-".to_string(), |n| n.to_string()) }</td>
                    <td>{ used.join(" + ") }</td>
                </tr>
            }
        }
    };
    html! {
        <table class="compare" data-testid="compare-table">
            <thead><tr><th>{ "fleet" }</th><th>{ "GPUs" }</th><th>{ "cost" }</th><th>{ "bound" }</th>
                <th>{ "whole GPUs" }</th><th>{ "GPUs per type" }</th></tr></thead>
            <tbody>{ for rows.iter().map(row) }</tbody>
        </table>
    }
}

/// GPUs against the demand multiplier: the plans, the whole-GPU baseline, and a mark at the
/// first multiplier the measured demand's plan no longer serves.
fn growth_chart(points: &[GrowthPoint]) -> Html {
    let (Some(first), Some(last)) = (points.first(), points.last()) else { return html! {} };
    let (w, h, pad) = (480.0, 220.0, 34.0);
    let top = points.iter().map(|p| p.whole_gpus.unwrap_or(p.gpus).max(p.gpus)).max().unwrap_or(1).max(1) as f64;
    let span = (last.factor - first.factor).max(1e-9);
    let x = |f: f64| pad + (w - 2.0 * pad) * (f - first.factor) / span;
    let y = |n: f64| h - pad - (h - 2.0 * pad) * n / top;
    let line = |values: Vec<(f64, f64)>| {
        values.iter().map(|&(f, n)| format!("{:.1},{:.1}", x(f), y(n))).collect::<Vec<_>>().join(" ")
    };
    let plans = line(points.iter().map(|p| (p.factor, p.gpus as f64)).collect());
    let whole = line(points.iter().filter_map(|p| Some((p.factor, p.whole_gpus? as f64))).collect());
    let stops = points.iter().find(|p| !p.current_suffices);
    html! {
        <figure class="chart growth" data-testid="growth-chart">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label="GPUs against the demand multiplier">
                <polyline class="whole-line" points={whole} fill="none" />
                <polyline class="plan-line" points={plans} fill="none" />
                { for points.iter().map(|p| html! {
                    <circle class="plan-point" data-testid="growth-point" data-factor={p.factor.to_string()}
                        data-gpus={p.gpus.to_string()} data-lower={p.lower_gpus.to_string()}
                        data-whole={p.whole_gpus.map(|n| n.to_string()).unwrap_or_default()}
                        cx={format!("{:.1}", x(p.factor))} cy={format!("{:.1}", y(p.gpus as f64))} r="3">
                        <title>{ format!("×{:.2}: {} GPUs (bound {})", p.factor, p.gpus, p.lower_gpus) }</title>
                    </circle>
                }) }
                if let Some(p) = stops {
                    <line class="limit-line" data-testid="current-limit" data-factor={p.factor.to_string()}
                        x1={format!("{:.1}", x(p.factor))} x2={format!("{:.1}", x(p.factor))}
                        y1={pad.to_string()} y2={(h - pad).to_string()} />
                    <text class="axis" x={format!("{:.1}", x(p.factor) + 3.0)} y={(pad + 10.0).to_string()}>
                        { format!("today's plan stops sufficing at ×{:.2}", p.factor) }
                    </text>
                }
                <text class="axis" x={pad.to_string()} y={(h - 8.0).to_string()}>{ format!("×{:.2}", first.factor) }</text>
                <text class="axis" x={(w - pad).to_string()} y={(h - 8.0).to_string()} text-anchor="end">{ format!("×{:.2}", last.factor) }</text>
                <text class="axis" x="2" y={(pad - 6.0).to_string()}>{ format!("{top} GPUs") }</text>
            </svg>
            <figcaption>{ "GPUs for the demand times each multiplier (solid), every model on whole GPUs (dashed)" }</figcaption>
        </figure>
    }
}

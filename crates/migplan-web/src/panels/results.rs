//! The results: summary, progress chart, a picture of every GPU with the node grouping and
//! the downloads beside it, the per-model table.

use std::rc::Rc;

use migplan_core::plan::Plan;
use yew::prelude::*;

use crate::logic::baseline;
use crate::logic::profile_files::import_all;
use crate::panels::deploy::Deploy;
use crate::panels::glossary::{Glossed, Term};
use crate::panels::gpu_groups::GpuGroups;
use crate::panels::guide::WhatNext;
use crate::panels::model_table::ModelTable;
use crate::panels::progress::{Progress, RunChart};
use crate::state::plan_use::PlanUse;
use crate::state::{Action, State};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub state: UseReducerHandle<State>,
    /// In another page's iframe: no "what next" line (the frame links to the full page).
    #[prop_or_default]
    pub embedded: bool,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let state = &props.state;
    let run = &state.run;
    let embedded = props.embedded;
    // Why the plan has no whole-GPU baseline, worked out only when it has none (it imports the
    // profiles again) and again only when the plan or the inputs change.
    let baseline_gap = {
        let plan = state.plan.clone().filter(|p| p.baseline.whole_gpus.is_none());
        let current = state.plan_is_current();
        // The handle, not the inputs: cloning megabytes of profiles on every render would cost.
        let state = props.state.clone();
        use_memo((plan.as_ref().map(|p| Rc::as_ptr(p) as usize), state.inputs_key), move |_| {
            let Some(plan) = plan else { return AttrValue::default() };
            if !current {
                return AttrValue::from("some model has no whole-GPU capacity in the profiles this plan was made with");
            }
            let inputs = &state.inputs;
            match import_all(&inputs.profiles, &inputs.gpu, inputs.latency) {
                Ok((rows, _)) => AttrValue::from(baseline::missing(&plan, &rows)),
                Err(_) => AttrValue::default(),
            }
        })
    };
    let idle = if let Some(note) = &run.note {
        note.clone()
    } else if let Some(plan) = &state.plan {
        format!(
            "{} in {} ms ({})",
            plan.solver.name,
            plan.solver.elapsed_ms,
            plan.solver.termination.as_str().replace('_', " ")
        )
    } else {
        "no plan yet: press Solve".into()
    };
    let on_gpus_per_node = {
        let dispatch = state.dispatcher();
        Callback::from(move |n: String| dispatch.dispatch(Action::SetGpusPerNode(n)))
    };
    let plan_use = state.plan_use().unwrap_or(PlanUse::Current);
    let on_deployed = {
        let dispatch = state.dispatcher();
        let question = state.plan.as_ref().and_then(|plan| plan_use.deploy_question(plan.gpu_count));
        Callback::from(move |_: MouseEvent| {
            let sure = question.as_ref().is_none_or(|question| {
                web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
            });
            if sure {
                dispatch.dispatch(Action::MarkDeployed { at: String::from(js_sys::Date::new_0().to_iso_string()) })
            }
        })
    };
    // Shared when marked here: compared by address first, since a 1,000-model plan is deep.
    let deployed_here = match (&state.move_inputs.deployed, &state.plan) {
        (Some(running), Some(plan)) => Rc::ptr_eq(&running.plan, plan) || running.plan == *plan,
        _ => false,
    };
    html! {
        <section class="results">
            <h2 id="plan-heading" tabindex="-1">{ "Plan" }</h2>
            <Progress run={run.clone()} what="solving" idle={Some(AttrValue::from(idle))} testid="status" />
            if let (Some(t), false) = (run.phases, run.running) {
                <p class="muted phases" data-testid="phases"
                    data-build={format!("{:.1}", t.build_ms)} data-bound={format!("{:.1}", t.bound_ms)}
                    data-search={format!("{:.1}", t.search_ms)} data-validate={format!("{:.1}", t.validate_ms)}
                    data-stream={format!("{:.1}", t.stream_ms)}>
                    { format!("in the browser: build {:.0} ms, bound {:.0} ms, search {:.0} ms, check {:.0} ms; \
                        showing the plans found on the way {:.0} ms",
                        t.build_ms, t.bound_ms, t.search_ms, t.validate_ms, t.stream_ms) }
                </p>
            }
            { match &state.plan {
                Some(plan) => html! {
                    <>
                        if !state.plan_is_current() {
                            <p class="stale">{ if run.running {
                                "Solving for the new inputs: the plan below is the previous one."
                            } else {
                                "The inputs changed since this plan was made: press Solve for a new one."
                            } }</p>
                        }
                        <Summary plan={plan.clone()} baseline_gap={(*baseline_gap).clone()} />
                        if !run.running && state.plan_is_current() && !embedded {
                            <WhatNext />
                        }
                        <RunChart run={run.clone()} />
                        <p class="deployed-row">
                            <button data-testid="mark-deployed" onclick={on_deployed}
                                disabled={run.running || deployed_here}>
                                { "Mark this plan deployed" }{ plan_use.label_suffix() }
                            </button>
                            <span class="muted" data-testid="deployed-note">{ match &state.move_inputs.deployed {
                                Some(d) if deployed_here => format!(" This plan is the running plan (since {}).", d.when()),
                                Some(d) => format!(" The running plan is another one ({} GPUs, since {}).", d.plan.gpu_count, d.when()),
                                None => " No running plan yet: mark this one once it is deployed, to plan moves from it.".into(),
                            } }</span>
                        </p>
                        <div class="gpus-and-nodes">
                            <GpuGroups plan={plan.clone()} />
                            <Deploy plan={plan.clone()} gpus_per_node={state.gpus_per_node.clone()}
                                options={state.export_options()} on_gpus_per_node={on_gpus_per_node.clone()}
                                plan_use={plan_use} />
                        </div>
                        <ModelTable plan={plan.clone()} />
                    </>
                },
                None => html! { <RunChart run={run.clone()} /> },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlanProps {
    plan: Rc<Plan>,
    /// Why the plan has no whole-GPU baseline (`baseline::missing`), when it has none.
    baseline_gap: AttrValue,
}

#[function_component(Summary)]
fn summary(props: &PlanProps) -> Html {
    let plan = &props.plan;
    let bound = if plan.bound.proven_optimal {
        html! { <Glossed term={Term::ProvenOptimal}>{ "proven optimal" }</Glossed> }
    } else {
        html! {
            <>
                <Glossed term={Term::LowerBound}>{ "lower bound" }</Glossed>
                { format!(" {} (gap {})", plan.bound.lower, plan.gpu_count.saturating_sub(plan.bound.lower)) }
            </>
        }
    };
    let whole = |words: String| html! { <Glossed term={Term::WholeGpus}>{ words }</Glossed> };
    let baseline = match plan.baseline.whole_gpus {
        Some(w) if w > 0 => {
            let saving = 100.0 * (w as f64 - plan.gpu_count as f64) / w as f64;
            html! { <span>{ whole(format!("{w} whole GPUs")) }{ " without MIG: " }<strong>{ format!("{saving:.1}% saved") }</strong></span> }
        }
        _ => {
            html! { <span data-testid="no-baseline">{ "no " }{ whole("whole-GPU".into()) }{ " baseline: " }{ props.baseline_gap.clone() }</span> }
        }
    };
    html! {
        <div class="summary">
            <div class="big"><span data-testid="gpu-count">{ plan.gpu_count }</span>{ format!(" × {}", plan.gpu) }</div>
            <div data-testid="bound" class={classes!("bound", plan.bound.proven_optimal.then_some("optimal"))}>{ bound }</div>
            <div class="baseline">{ baseline }</div>
            if let Some(h) = &plan.headroom {
                // What the headroom costs, as `migplan plan --headroom` reports it.
                <div data-testid="headroom-summary">{ format!(
                    "headroom {}%: {} GPUs against {} for the measured demand",
                    h.percent, plan.gpu_count, h.gpus_without
                ) }</div>
            }
        </div>
    }
}

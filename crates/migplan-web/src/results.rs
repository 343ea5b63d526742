//! The results: summary, progress chart, a picture of every GPU with the node grouping and
//! the downloads beside it, the per-model table.

use std::rc::Rc;

use migplan_core::plan::Plan;
use yew::prelude::*;

use crate::deploy::Deploy;
use crate::gpu_groups::GpuGroups;
use crate::model_table::ModelTable;
use crate::progress::Progress;
use crate::state::plan_use::PlanUse;
use crate::state::{Action, State};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub state: UseReducerHandle<State>,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let state = &props.state;
    let run = &state.run;
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
            <h2>{ "Plan" }</h2>
            <Progress run={run.clone()} what="solving" idle={Some(AttrValue::from(idle))} testid="status" chart={true} />
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
                        <Summary plan={plan.clone()} />
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
                None => html! {},
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlanProps {
    plan: Rc<Plan>,
}

#[function_component(Summary)]
fn summary(props: &PlanProps) -> Html {
    let plan = &props.plan;
    let bound = if plan.bound.proven_optimal {
        "proven optimal".to_string()
    } else {
        format!("lower bound {} (gap {})", plan.bound.lower, plan.gpu_count.saturating_sub(plan.bound.lower))
    };
    let baseline = match plan.baseline.whole_gpus {
        Some(w) if w > 0 => {
            let saving = 100.0 * (w as f64 - plan.gpu_count as f64) / w as f64;
            html! { <span>{ format!("{w} whole GPUs without MIG: ") }<strong>{ format!("{saving:.1}% saved") }</strong></span> }
        }
        _ => html! { <span>{ "some model misses its SLO on a whole GPU: no whole-GPU baseline" }</span> },
    };
    html! {
        <div class="summary">
            <div class="big"><span data-testid="gpu-count">{ plan.gpu_count }</span>{ format!(" × {}", plan.gpu) }</div>
            <div data-testid="bound" class={classes!("bound", plan.bound.proven_optimal.then_some("optimal"))}>{ bound }</div>
            <div class="baseline">{ baseline }</div>
        </div>
    }
}

//! The results: summary, progress chart, a picture of every GPU with the node grouping and
//! the downloads beside it, the per-model table.

use migplan_core::hardware::catalog;
use migplan_core::plan::{Plan, PlanGpu};
use yew::prelude::*;

use crate::deploy::Deploy;
use crate::gpu::{model_color, GpuPicture};
use crate::state::Action;
use crate::state::{ProgressPoint, State};

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub state: UseReducerHandle<State>,
}

#[function_component(Results)]
pub fn results(props: &ResultsProps) -> Html {
    let state = &props.state;
    let run = &state.run;
    let status = if run.running {
        run.describe("solving")
    } else if let Some(note) = &run.note {
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
    html! {
        <section class="results">
            <h2>{ "Plan" }</h2>
            <p class={classes!("status", run.running.then_some("running"))} data-testid="status">{ status }</p>
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
                        <Chart points={run.points.clone()} bound={run.lower_bound} running={run.running} />
                        <div class="gpus-and-nodes">
                            <GpuPictures plan={plan.clone()} />
                            <Deploy plan={plan.clone()} gpus_per_node={state.gpus_per_node.clone()}
                                options={state.export_options()} on_gpus_per_node={on_gpus_per_node.clone()} />
                        </div>
                        <ModelTable plan={plan.clone()} />
                    </>
                },
                None => html! { <Chart points={run.points.clone()} bound={run.lower_bound} running={run.running} /> },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlanProps {
    plan: Plan,
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

#[derive(Properties, PartialEq)]
struct ChartProps {
    points: Vec<ProgressPoint>,
    bound: Option<usize>,
    running: bool,
}

/// The best GPU count over time during solving, with the lower bound as a dashed line.
#[function_component(Chart)]
fn chart(props: &ChartProps) -> Html {
    if props.points.is_empty() {
        return html! {};
    }
    let (w, h, pad) = (320.0, 110.0, 24.0);
    let t_max = props.points.iter().map(|p| p.elapsed_ms).max().unwrap_or(1).max(1) as f64;
    let hi = props.points.iter().map(|p| p.gpus).max().unwrap_or(1) as f64;
    let lo = props.bound.unwrap_or(0).min(props.points.iter().map(|p| p.gpus).min().unwrap_or(0)) as f64;
    let span = (hi - lo).max(1.0);
    let x = |t: u64| pad + (w - 2.0 * pad) * t as f64 / t_max;
    let y = |g: f64| pad / 2.0 + (h - pad) * (hi - g) / span;
    let first = props.points[0];
    let mut path = format!("M {:.1} {:.1}", x(first.elapsed_ms), y(first.gpus as f64));
    for p in &props.points[1..] {
        path += &format!(" H {:.1} V {:.1}", x(p.elapsed_ms), y(p.gpus as f64));
    }
    path += &format!(" H {:.1}", x(t_max as u64));
    let last = props.points.last().map_or(0, |p| p.gpus);
    html! {
        <figure class="chart" data-testid="progress-chart">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label="best GPU count over time">
                if let Some(b) = props.bound {
                    <line class="bound-line" x1={pad.to_string()} x2={(w - pad).to_string()} y1={y(b as f64).to_string()} y2={y(b as f64).to_string()} />
                    <text class="axis" x={(w - pad).to_string()} y={(y(b as f64) - 3.0).to_string()} text-anchor="end">{ format!("bound {b}") }</text>
                }
                <path class="best-line" d={path} />
                <text class="axis" x={pad.to_string()} y={(h - 2.0).to_string()}>{ "0 s" }</text>
                <text class="axis" x={(w - pad).to_string()} y={(h - 2.0).to_string()} text-anchor="end">{ format!("{:.1} s", t_max / 1000.0) }</text>
            </svg>
            <figcaption>{ format!("best so far: {last} GPUs{}", if props.running { " (solving)" } else { "" }) }</figcaption>
        </figure>
    }
}

fn gpu_key(g: &PlanGpu) -> Vec<(String, u8, Option<String>)> {
    g.instances.iter().map(|i| (i.profile.clone(), i.start, i.model.clone())).collect()
}

#[function_component(GpuPictures)]
fn gpu_pictures(props: &PlanProps) -> Html {
    let plan = &props.plan;
    let Some(gpu) = catalog::gpu(&plan.gpu) else {
        return html! { <p class="errors">{ format!("unknown GPU `{}` in the plan", plan.gpu) }</p> };
    };
    let mut groups: Vec<(&PlanGpu, usize)> = Vec::new();
    for g in &plan.gpus {
        match groups.iter_mut().find(|(first, _)| gpu_key(first) == gpu_key(g)) {
            Some((_, n)) => *n += 1,
            None => groups.push((g, 1)),
        }
    }
    let mut models: Vec<&str> = plan.models.iter().map(|m| m.model.as_str()).collect();
    models.sort_unstable();
    html! {
        <div class="gpus-block">
            <h3>{ format!("GPUs ({} distinct layouts)", groups.len()) }</h3>
            <div class="gpus" data-testid="plan-gpus">
                { for groups.iter().map(|(g, n)| html! { <GpuPicture gpu={gpu.clone()} instances={(*g).clone()} label={format!("× {n}")} /> }) }
            </div>
            <ul class="legend">
                { for models.iter().map(|m| html! {
                    <li><span class="swatch" style={format!("background:{}", model_color(m))}></span>{ *m }</li>
                }) }
                <li><span class="swatch idle"></span>{ "idle" }</li>
            </ul>
        </div>
    }
}

#[function_component(ModelTable)]
fn model_table(props: &PlanProps) -> Html {
    html! {
        <table class="models">
            <thead><tr><th>{ "model" }</th><th>{ "demand /s" }</th><th>{ "capacity /s" }</th><th>{ "headroom" }</th></tr></thead>
            <tbody>
                { for props.plan.models.iter().map(|m| {
                    let headroom = if m.rate > 0.0 { format!("{:+.1}%", 100.0 * (m.capacity - m.rate) / m.rate) } else { "-".into() };
                    html! {
                        <tr>
                            <td><span class="swatch" style={format!("background:{}", model_color(&m.model))}></span>{ m.model.clone() }</td>
                            <td class="num">{ format!("{:.1}", m.rate) }</td>
                            <td class="num">{ format!("{:.1}", m.capacity) }</td>
                            <td class="num">{ headroom }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

//! A run's progress as it goes: the status line with the time ticking between the worker's
//! reports, and the chart of the best GPU count and the lower bound over time, its time axis
//! running to now. Only this component re-renders on each tick, never the plan's views.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{ProgressPoint, Run};

/// The page's clock (`Date.now()`, ms), refreshed four times a second while `active`.
#[hook]
pub fn use_now(active: bool) -> f64 {
    let now = use_state(js_sys::Date::now);
    {
        let now = now.clone();
        use_effect_with(active, move |&active| {
            let window = web_sys::window();
            let ticking = match (&window, active) {
                (Some(window), true) => {
                    let tick = Closure::<dyn Fn()>::new(move || now.set(js_sys::Date::now()));
                    let id = window
                        .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), 250)
                        .ok();
                    Some((tick, id))
                }
                _ => None,
            };
            move || {
                if let (Some(window), Some((_tick, Some(id)))) = (window, ticking) {
                    window.clear_interval_with_handle(id);
                }
            }
        });
    }
    *now
}

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub run: Run,
    /// What runs, for the status line: "solving", "planning the move".
    pub what: AttrValue,
    /// The status line once the run has stopped.
    pub idle: Option<AttrValue>,
    pub testid: AttrValue,
    /// Draw the chart under the status line.
    #[prop_or_default]
    pub chart: bool,
}

/// A run shorter than this draws no chart: a plan found at once has no progress to show,
/// only an empty frame from "0 s" to "0.0 s".
const CHART_AFTER_MS: u64 = 1000;

#[derive(Properties, PartialEq)]
pub struct RunChartProps {
    pub run: Run,
}

/// The chart of a run alone, once it has run for a second: the results draw it under the
/// answer, not above it.
#[function_component(RunChart)]
pub fn run_chart(props: &RunChartProps) -> Html {
    let run = &props.run;
    let now = use_now(run.running);
    let elapsed = run.elapsed_at(now);
    if elapsed < CHART_AFTER_MS {
        return html! {};
    }
    html! { <Chart points={run.points.clone()} bounds={run.bounds.clone()} elapsed_ms={elapsed} running={run.running} /> }
}

/// The status line (and chart) of a run.
#[function_component(Progress)]
pub fn progress(props: &ProgressProps) -> Html {
    let run = &props.run;
    let now = use_now(run.running);
    let elapsed = run.elapsed_at(now);
    let status =
        if run.running { Some(AttrValue::from(run.describe(&props.what, elapsed))) } else { props.idle.clone() };
    // What a screen reader hears: the status without the ticking time, so it speaks on
    // each new best plan and when the run ends, not four times a second.
    let announce = match (run.running, run.points.last()) {
        (true, Some(p)) => format!("{}: best so far {} GPUs", props.what, p.gpus),
        (true, None) => format!("{}…", props.what),
        (false, _) => props.idle.as_deref().unwrap_or_default().to_string(),
    };
    html! {
        <>
            <p class="visually-hidden" role="status" data-testid={format!("{}-live", props.testid)}>{ announce }</p>
            if let Some(status) = status {
                <p class={classes!("status", run.running.then_some("running"))} data-testid={props.testid.clone()}
                    data-elapsed-ms={elapsed.to_string()}>{ status }</p>
            }
            if props.chart {
                <Chart points={run.points.clone()} bounds={run.bounds.clone()} elapsed_ms={elapsed} running={run.running} />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ChartProps {
    points: Vec<ProgressPoint>,
    bounds: Vec<ProgressPoint>,
    elapsed_ms: u64,
    running: bool,
}

/// A step line through `points`, held level to `t_end`, and a dot at each point.
fn steps(points: &[ProgressPoint], t_end: f64, x: impl Fn(f64) -> f64, y: impl Fn(f64) -> f64, class: &str) -> Html {
    let Some(first) = points.first() else { return html! {} };
    let mut path = format!("M {:.1} {:.1}", x(first.elapsed_ms as f64), y(first.gpus as f64));
    for p in &points[1..] {
        path += &format!(" H {:.1} V {:.1}", x(p.elapsed_ms as f64), y(p.gpus as f64));
    }
    path += &format!(" H {:.1}", x(t_end));
    html! {
        <g class={class.to_string()}>
            <path class="line" d={path} />
            { for points.iter().map(|p| html! {
                <circle class="point" cx={format!("{:.1}", x(p.elapsed_ms as f64))} cy={format!("{:.1}", y(p.gpus as f64))} r="2.5">
                    <title>{ format!("{} GPUs at {:.1} s", p.gpus, p.elapsed_ms as f64 / 1000.0) }</title>
                </circle>
            }) }
        </g>
    }
}

/// The best GPU count over time during solving, and the lower bound as a dashed line.
#[function_component(Chart)]
fn chart(props: &ChartProps) -> Html {
    if props.points.is_empty() && props.bounds.is_empty() {
        return html! {};
    }
    let (w, h, pad, left) = (320.0, 110.0, 14.0, 30.0);
    let all = || props.points.iter().chain(&props.bounds);
    let t_max = all().map(|p| p.elapsed_ms).max().unwrap_or(0).max(props.elapsed_ms).max(1) as f64;
    let hi = all().map(|p| p.gpus).max().unwrap_or(1) as f64;
    let lo = all().map(|p| p.gpus).min().unwrap_or(0) as f64;
    let span = (hi - lo).max(1.0);
    let x = |t: f64| left + (w - left - pad) * t / t_max;
    let y = |g: f64| pad + (h - 2.5 * pad) * (hi - g) / span;
    let best = props.points.last().map(|p| p.gpus);
    let bound = props.bounds.last().map(|p| p.gpus);
    let caption = format!(
        "best so far: {} · lower bound: {}{}",
        best.map_or("none yet".into(), |b| format!("{b} GPUs")),
        bound.map_or("not yet".into(), |b| format!("{b} GPUs")),
        if props.running { " (solving)" } else { "" }
    );
    html! {
        <figure class="chart" data-testid="progress-chart">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={format!("Progress over {:.1} s: {caption}", t_max / 1000.0)}>
                <text class="axis" x={(left - 4.0).to_string()} y={(y(hi) + 3.0).to_string()} text-anchor="end">{ hi.to_string() }</text>
                if span > 0.0 && hi != lo {
                    <text class="axis" x={(left - 4.0).to_string()} y={(y(lo) + 3.0).to_string()} text-anchor="end">{ lo.to_string() }</text>
                }
                { steps(&props.bounds, t_max, x, y, "bound-line") }
                { steps(&props.points, t_max, x, y, "best-line") }
                <text class="axis" x={left.to_string()} y={(h - 3.0).to_string()}>{ "0 s" }</text>
                <text class="axis" x={(w - pad).to_string()} y={(h - 3.0).to_string()} text-anchor="end">{ format!("{:.1} s", t_max / 1000.0) }</text>
            </svg>
            <figcaption>
                <span class="key best"></span>{ "best plan " }<span class="key bound"></span>{ "lower bound · " }{ caption }
            </figcaption>
        </figure>
    }
}

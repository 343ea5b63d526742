//! Extra GPUs against running GPUs touched: each row a point of the trade-off the worker
//! planned (a summary; the worker keeps its move), the one shown marked. Picking a row asks
//! the worker for that point's move. Only the rows in view are drawn (`rows_window`).

use std::rc::Rc;

use yew::prelude::*;

use crate::logic::rows_window::use_rows_window;
use crate::panels::glossary::{Glossed, Term};
use crate::worker::move_view::FrontPoint;

/// Every row's height in pixels (style.css sets it), and the height of the scrolled view.
const ROW_PX: f64 = 34.0;
const VIEW_PX: f64 = 310.0;

#[derive(Properties, PartialEq)]
pub struct TradeOffProps {
    pub front: Rc<Vec<FrontPoint>>,
    /// Extra GPUs of the point shown.
    pub shown: usize,
    /// Spare GPUs the user allows a move to borrow: a point needing more says so.
    pub spare_allowed: usize,
    /// Whether a point can be picked now: the worker holds the moves and is idle.
    pub can_pick: bool,
    /// The point whose move was asked for, until it arrives.
    pub picking: Option<usize>,
    pub on_pick: Callback<usize>,
}

#[function_component(TradeOff)]
pub fn trade_off(props: &TradeOffProps) -> Html {
    let front = &props.front;
    let (window, on_scroll) = use_rows_window(front.len(), ROW_PX, VIEW_PX);
    if front.len() < 2 {
        return html! {};
    }
    let most = front.iter().map(|p| p.running_touched).max().unwrap_or(0).max(1);
    let spacer = |px: f64| {
        (px > 0.0).then(|| html! { <tr class="spacer" aria-hidden="true" style={format!("height:{px}px")}><td colspan="6"></td></tr> })
    };
    html! {
        <div class="tradeoff">
            <h3>{ "Fewer " }<Glossed term={Term::RunningTouched}>{ "running GPUs touched" }</Glossed>{ " for more GPUs" }</h3>
            <p class="muted">
                { "Each row: GPUs beyond the new optimum, the GPUs its plan uses, the running GPUs its move touches, the " }
                <Glossed term={Term::ProvenMinimum}>{ "proven minimum" }</Glossed>{ " any plan of that size must touch, and the spare GPUs its move borrows." }
            </p>
            // Focusable, so the keyboard scrolls it even while its buttons are disabled.
            <div class="tradeoff-scroll" onscroll={on_scroll} tabindex="0" role="region" aria-label="trade-off of extra GPUs against running GPUs touched">
            <table data-testid="tradeoff" aria-rowcount={(front.len() + 1).to_string()}>
                <thead><tr aria-rowindex="1">
                    <th>{ "extra GPUs" }</th><th>{ "GPUs" }</th><th>{ "running GPUs touched" }</th>
                    <th>{ "proven minimum" }</th><th>{ "spare GPUs" }</th><th></th>
                </tr></thead>
                <tbody>
                    { for spacer(window.above_px) }
                    { for (window.first..window.end).map(|k| {
                        let point = &front[k];
                        let touched = point.running_touched;
                        let shown = point.extra_gpus == props.shown;
                        let pick = props.on_pick.reform(move |_: MouseEvent| k);
                        html! {
                            <tr class={classes!(shown.then_some("selected"))} aria-rowindex={(k + 2).to_string()}
                                data-testid="tradeoff-point" data-extra={point.extra_gpus.to_string()}
                                data-touched={touched.to_string()}>
                                <td>{ format!("+{}", point.extra_gpus) }</td>
                                <td>{ point.gpu_count }</td>
                                <td>
                                    <span class="bar"><span style={format!("width:{:.0}%", 100.0 * touched as f64 / most as f64)}></span></span>
                                    { format!(" {touched}") }
                                </td>
                                <td>{ point.touched_lower_bound }</td>
                                <td data-testid="tradeoff-spare">
                                    { point.spare_used }
                                    if point.spare_used > props.spare_allowed {
                                        <span class="over-spare">{ format!(" (you allow {})", props.spare_allowed) }</span>
                                    }
                                </td>
                                <td><button data-testid={format!("pick-{k}")} onclick={pick}
                                    disabled={shown || !props.can_pick}>
                                    { if props.picking == Some(k) { "Fetching…" } else { "Show this move" } }
                                </button></td>
                            </tr>
                        }
                    }) }
                    { for spacer(window.below_px) }
                </tbody>
            </table>
            </div>
        </div>
    }
}

//! The per-model table of a plan (demand, capacity, headroom), drawing only the rows in view
//! (`rows_window`) so a 1,000-model plan costs a screenful of rows.

use std::rc::Rc;

use migplan_core::plan::Plan;
use yew::prelude::*;

use crate::logic::rows_window::use_rows_window;
use crate::panels::gpu::use_palette;

/// Every row's height in pixels (style.css sets it), and the height of the scrolled view.
const ROW_PX: f64 = 26.0;
const VIEW_PX: f64 = 360.0;

#[derive(Properties, PartialEq)]
pub struct ModelTableProps {
    pub plan: Rc<Plan>,
}

#[function_component(ModelTable)]
pub fn model_table(props: &ModelTableProps) -> Html {
    let palette = use_palette();
    let models = &props.plan.models;
    let (window, on_scroll) = use_rows_window(models.len(), ROW_PX, VIEW_PX);
    let spacer = |px: f64| {
        (px > 0.0).then(|| html! { <tr class="spacer" aria-hidden="true" style={format!("height:{px}px")}><td colspan="4"></td></tr> })
    };
    html! {
        <div class="models-scroll" onscroll={on_scroll} tabindex="0" aria-label="models of the plan">
            <table class="models" aria-rowcount={(models.len() + 1).to_string()}>
                <thead><tr aria-rowindex="1"><th scope="col">{ "model" }</th><th scope="col" class="num">{ "demand /s" }</th><th scope="col" class="num">{ "capacity /s" }</th><th scope="col" class="num">{ "headroom" }</th></tr></thead>
                <tbody>
                    { for spacer(window.above_px) }
                    { for models[window.first..window.end].iter().enumerate().map(|(k, m)| {
                        let headroom = if m.rate > 0.0 { format!("{:+.1}%", 100.0 * (m.capacity - m.rate) / m.rate) } else { "-".into() };
                        html! {
                            <tr aria-rowindex={(window.first + k + 2).to_string()}>
                                <th scope="row"><span class="swatch" style={format!("background:{}", palette.color(&m.model).fill)}></span>{ m.model.clone() }</th>
                                <td class="num">{ format!("{:.1}", m.rate) }</td>
                                <td class="num">{ format!("{:.1}", m.capacity) }</td>
                                <td class="num">{ headroom }</td>
                            </tr>
                        }
                    }) }
                    { for spacer(window.below_px) }
                </tbody>
            </table>
        </div>
    }
}

//! The workload as an editable table: each edit writes the CSV back, so parse errors still
//! name a line and nothing typed is lost. Only the rows in view are drawn (`rows_window`),
//! so typing costs the same at 1,000 models as at 10; a cell with an error is marked and
//! says so to screen readers, and every input and button names its row's model.

use std::rc::Rc;

use migplan_core::problem::input::InputError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::rows_window::use_rows_window;
use crate::state::{workload_text, Action, Source, WorkloadRows};
use crate::worker_client::Dispatch;

/// Every row's height in pixels (style.css sets it), and the height of the scrolled view.
const ROW_PX: f64 = 34.0;
const VIEW_PX: f64 = 320.0;
const COLUMNS: [&str; 3] = ["model", "rate", "slo_ms"];

/// A change to the table's rows.
type Edit = Box<dyn Fn(&mut Vec<[String; 3]>)>;

#[derive(Properties, PartialEq)]
pub struct WorkloadTableProps {
    pub rows: Rc<WorkloadRows>,
    pub name: AttrValue,
    /// The workload file's errors, to mark their cells.
    pub errors: Rc<Vec<InputError>>,
    pub dispatch: Dispatch,
}

#[function_component(WorkloadTable)]
pub fn workload_table(props: &WorkloadTableProps) -> Html {
    let update = {
        let (rows, name, dispatch) = (props.rows.clone(), props.name.to_string(), props.dispatch.clone());
        move |edit: Edit| {
            let mut cells = rows.cells.clone();
            edit(&mut cells);
            dispatch.dispatch(Action::SetWorkload(Source { name: name.clone(), text: workload_text(&cells) }));
        }
    };
    let problem = |line: u64, col: usize| {
        props.errors.iter().find(|e| {
            e.line == Some(line) && (e.column.as_deref() == Some(COLUMNS[col]) || (e.column.is_none() && col == 0))
        })
    };
    let cells = &props.rows.cells;
    let (window, on_scroll) = use_rows_window(cells.len(), ROW_PX, VIEW_PX);
    let on_add = {
        let update = update.clone();
        Callback::from(move |_: MouseEvent| {
            update(Box::new(|rows: &mut Vec<[String; 3]>| {
                rows.push([format!("model-{}", rows.len() + 1), "100".into(), "100".into()])
            }))
        })
    };
    let spacer = |px: f64| {
        (px > 0.0).then(|| html! { <tr class="spacer" aria-hidden="true" style={format!("height:{px}px")}><td colspan="4"></td></tr> })
    };
    html! {
        <div class="workload-scroll" onscroll={on_scroll} data-testid="workload-table">
            <table class="workload" aria-rowcount={(cells.len() + 1).to_string()}>
                <thead><tr aria-rowindex="1"><th scope="col">{ "model" }</th><th scope="col">{ "rate /s" }</th><th scope="col">{ "SLO ms" }</th><th scope="col"><span class="visually-hidden">{ "remove" }</span></th></tr></thead>
                <tbody>
                    { for spacer(window.above_px) }
                    { for (window.first..window.end).map(|r| {
                        let row = &cells[r];
                        let line = props.rows.lines[r];
                        let model = if row[0].is_empty() { format!("row {}", r + 1) } else { row[0].clone() };
                        let cell = |col: usize| {
                            let update = update.clone();
                            let oninput = Callback::from(move |e: InputEvent| {
                                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                                update(Box::new(move |rows: &mut Vec<[String; 3]>| rows[r][col] = value.clone()));
                            });
                            let label = match col { 0 => format!("model name, row {}", r + 1), 1 => format!("rate of {model}, requests per second"), _ => format!("SLO of {model}, milliseconds") };
                            let bad = problem(line, col);
                            html! {
                                <td class={classes!(bad.is_some().then_some("bad"))} title={bad.map(|e| e.message.clone())}>
                                    <input type="text" value={row[col].clone()} {oninput} aria-label={label}
                                        aria-invalid={bad.is_some().then_some("true")} />
                                </td>
                            }
                        };
                        let update = update.clone();
                        let on_remove = Callback::from(move |_: MouseEvent| update(Box::new(move |rows: &mut Vec<[String; 3]>| { rows.remove(r); })));
                        html! {
                            <tr aria-rowindex={(r + 2).to_string()}>
                                { cell(0) }{ cell(1) }{ cell(2) }
                                <td><button class="icon" title={format!("remove {model}")} aria-label={format!("remove {model}")} onclick={on_remove}>{ "×" }</button></td>
                            </tr>
                        }
                    }) }
                    { for spacer(window.below_px) }
                </tbody>
                <tfoot><tr><td colspan="4"><button onclick={on_add}>{ "Add model" }</button></td></tr></tfoot>
            </table>
        </div>
    }
}

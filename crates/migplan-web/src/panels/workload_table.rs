//! The workload as an editable table: each edit writes the CSV back, so parse errors still
//! name a line and nothing typed is lost. Only the rows in view are drawn (`rows_window`),
//! so typing costs the same at 1,000 models as at 10; a cell with an error is marked and
//! says so to screen readers, and every input and button names its row's model.
//!
//! The table is one stop of the Tab key, as a grid is: the arrow keys move between its cells
//! (left and right once the caret is at the end of the text), and Tab goes on past it, to
//! Solve, instead of through every cell of every row (`grid_keys`).

use std::rc::Rc;

use migplan_core::problem::input::InputError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::logic::rows_window::use_rows_window;
use crate::state::{workload_text, Action, Source, WorkloadRows};
use crate::worker::worker_client::Dispatch;

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
    // The cell Tab enters the table at: the last one focused, if it is drawn, else the
    // first row drawn (its rate).
    let active = use_state_eq(|| Cell { row: 0, col: 1 });
    let entry =
        if (window.first..window.end).contains(&active.row) { *active } else { Cell { row: window.first, col: 1 } };
    let table = use_node_ref();
    let on_key = {
        let (table, rows) = (table.clone(), cells.len());
        Callback::from(move |e: KeyboardEvent| grid_keys(&e, &table, rows))
    };
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
        <>
        <div class="workload-scroll" onscroll={on_scroll} data-testid="workload-table">
            <table class="workload" aria-rowcount={(cells.len() + 1).to_string()} ref={table} onkeydown={on_key}
                aria-describedby="workload-keys">
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
                            let at = Cell { row: r, col };
                            let onfocus = { let active = active.clone(); Callback::from(move |_: FocusEvent| active.set(at)) };
                            let label = match col { 0 => format!("model name, row {}", r + 1), 1 => format!("rate of {model}, requests per second"), _ => format!("SLO of {model}, milliseconds") };
                            let bad = problem(line, col);
                            html! {
                                <td class={classes!(bad.is_some().then_some("bad"))} title={bad.map(|e| e.message.clone())}>
                                    <input type="text" value={row[col].clone()} {oninput} {onfocus} aria-label={label}
                                        aria-invalid={bad.is_some().then_some("true")} data-cell={at.key()}
                                        tabindex={if at == entry { "0" } else { "-1" }} />
                                </td>
                            }
                        };
                        let update = update.clone();
                        let on_remove = Callback::from(move |_: MouseEvent| update(Box::new(move |rows: &mut Vec<[String; 3]>| { rows.remove(r); })));
                        let remove_at = Cell { row: r, col: 3 };
                        let on_remove_focus = { let active = active.clone(); Callback::from(move |_: FocusEvent| active.set(remove_at)) };
                        html! {
                            <tr aria-rowindex={(r + 2).to_string()}>
                                { cell(0) }{ cell(1) }{ cell(2) }
                                <td><button class="icon" title={format!("remove {model}")} aria-label={format!("remove {model}")} onclick={on_remove}
                                    onfocus={on_remove_focus} data-cell={remove_at.key()} tabindex={if remove_at == entry { "0" } else { "-1" }}>{ "×" }</button></td>
                            </tr>
                        }
                    }) }
                    { for spacer(window.below_px) }
                </tbody>
                <tfoot><tr><td colspan="4"><button onclick={on_add}>{ "Add model" }</button></td></tr></tfoot>
            </table>
        </div>
        <p class="field-note" id="workload-keys">{ "In the table, the arrow keys move between cells; Tab goes on to the next control." }</p>
        </>
    }
}

/// A cell of the table: its row and column (0 model, 1 rate, 2 SLO, 3 the remove button).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cell {
    row: usize,
    col: usize,
}

impl Cell {
    fn key(self) -> String {
        format!("{}:{}", self.row, self.col)
    }
}

/// The arrow keys in the table: up and down to the same column of the row above or below,
/// left and right to the cell beside once the caret is at the start or end of the text (so
/// they still move the caret while typing). The cell moved to is drawn: a row next to one in
/// view always is.
fn grid_keys(e: &KeyboardEvent, table: &NodeRef, rows: usize) {
    use wasm_bindgen::JsCast;
    let Some(target) = e.target_dyn_into::<web_sys::HtmlElement>() else { return };
    let Some((row, col)) = target.get_attribute("data-cell").and_then(|k| {
        let (r, c) = k.split_once(':')?;
        Some((r.parse::<usize>().ok()?, c.parse::<usize>().ok()?))
    }) else {
        return;
    };
    let caret = target.dyn_ref::<HtmlInputElement>().map(|i| {
        let at = |p: Result<Option<u32>, _>| p.ok().flatten().unwrap_or(0);
        (at(i.selection_start()), at(i.selection_end()), i.value().encode_utf16().count() as u32)
    });
    let to = match e.key().as_str() {
        "ArrowUp" if row > 0 => Cell { row: row - 1, col },
        "ArrowDown" if row + 1 < rows => Cell { row: row + 1, col },
        "ArrowLeft" if col > 0 && caret.is_none_or(|(start, end, _)| start == 0 && end == 0) => {
            Cell { row, col: col - 1 }
        }
        "ArrowRight" if col < 3 && caret.is_none_or(|(start, end, len)| start == len && end == len) => {
            Cell { row, col: col + 1 }
        }
        _ => return,
    };
    let found = table
        .cast::<web_sys::Element>()
        .and_then(|t| t.query_selector(&format!("[data-cell=\"{}\"]", to.key())).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(cell) = found {
        e.prevent_default();
        let _ = cell.focus();
    }
}

//! The inputs panel: GPU, the two files (picker or drop), the editable workload table, the
//! problems found in them, the solver settings and the buttons that start and stop a solve.

use migplan_core::hardware::catalog;
use std::rc::Rc;

use migplan_core::problem::import::Percentile;
use migplan_core::solve::registry::SolverKind;
use migplan_core::workflow::settings::{Key, Path};
use web_sys::{DragEvent, File, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::panels::error_list::ErrorList;
use crate::panels::file_text::file_source;
use crate::panels::glossary::{Glossed, Term};
use crate::panels::profile_table::ProfileTable;
use crate::panels::scenario_input::ScenarioInput;
use crate::panels::workload_table::WorkloadTable;
use crate::state::{workload_rows, Action, NoTable, State};
use crate::worker::worker_client::Dispatch;

#[derive(Properties, PartialEq)]
pub struct InputsProps {
    pub state: UseReducerHandle<State>,
    pub on_solve: Callback<MouseEvent>,
    pub on_cancel: Callback<MouseEvent>,
}

/// Which input a file is for.
#[derive(Clone, Copy, PartialEq)]
enum FileKind {
    Profiles,
    Workload,
}

/// Reads the files chosen or dropped together, then hands them over: the files it refused
/// (not UTF-8, unreadable) first, each by name, then the others: all of them as the profiles
/// files, the first as the workload. A refused file takes no good one with it.
fn read_files(files: web_sys::FileList, dispatch: Dispatch, kind: FileKind) {
    let files: Vec<File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    if files.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let (mut sources, mut refused) = (Vec::new(), Vec::new());
        for file in files {
            match file_source(&file).await {
                Ok(source) => sources.push(source),
                Err(e) => refused.push(e),
            }
        }
        dispatch.dispatch(Action::Uploaded { refused });
        if sources.is_empty() {
            return;
        }
        dispatch.dispatch(match kind {
            FileKind::Profiles => Action::SetProfiles(sources),
            FileKind::Workload => Action::SetWorkload(sources.swap_remove(0)),
        });
    });
}

#[derive(Properties, PartialEq)]
struct FileDropProps {
    label: AttrValue,
    testid: AttrValue,
    /// What the input holds now, in words.
    summary: String,
    dispatch: Dispatch,
    kind: FileKind,
}

/// A file picker that also takes a dropped file.
#[function_component(FileDrop)]
fn file_drop(props: &FileDropProps) -> Html {
    let over = use_state(|| false);
    let on_change = {
        let (dispatch, kind) = (props.dispatch.clone(), props.kind);
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(files) = input.files() {
                read_files(files, dispatch.clone(), kind);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let (dispatch, kind, over) = (props.dispatch.clone(), props.kind, over.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(false);
            if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
                read_files(files, dispatch.clone(), kind);
            }
        })
    };
    let on_drag_over = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(true);
        })
    };
    let on_drag_leave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    let multiple = props.kind == FileKind::Profiles;
    let hint = if multiple {
        "choose or drop one or more files: migplan CSV or JSON, perf_analyzer, Model Analyzer, MIGPerf, ParvaGPU"
    } else {
        "choose or drop a CSV or JSON file"
    };
    html! {
        <label class={classes!("drop", (*over).then_some("over"))}
            ondrop={on_drop} ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <span class="drop-label">{ props.label.clone() }</span>
            <span class="drop-file">{ props.summary.clone() }</span>
            <span class="drop-hint">{ hint }</span>
            <input type="file" accept=".csv,.json,text/csv,application/json" multiple={multiple}
                data-testid={props.testid.clone()} onchange={on_change} />
        </label>
    }
}

#[function_component(InputsPanel)]
pub fn inputs_panel(props: &InputsProps) -> Html {
    let state = &props.state;
    let dispatch = state.dispatcher();
    let i = &state.inputs;
    let on_gpu = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(Action::SetGpu(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_solver = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(Action::SetSolver(e.target_unchecked_into::<HtmlSelectElement>().value()))
        })
    };
    let on_time = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::SetTimeLimit(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::SetSeed(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_headroom = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::SetHeadroom(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    // The seed stays the fixed one (the same plan every time) until the user asks for
    // another; a new one comes from the browser's crypto source.
    let on_new_seed = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| match getrandom::u32() {
            Ok(seed) => dispatch.dispatch(Action::SetSeed(seed.to_string())),
            Err(e) => dispatch.dispatch(Action::WorkerError(format!("no random seed from the browser: {e}"))),
        })
    };
    let on_example = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::LoadExample))
    };
    let on_clear = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message("Clear your inputs and plan, and load the example again?").ok())
                .unwrap_or(true);
            if sure {
                dispatch.dispatch(Action::Clear);
            }
        })
    };
    let on_latency = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch.dispatch(Action::SetLatency(Percentile::parse(&value).unwrap_or_default()))
        })
    };
    let profiles_summary = match i.profiles.as_slice() {
        [one] => one.name.clone(),
        files => format!("{} files", files.len()),
    };
    let rows = workload_rows(&i.workload.name, &i.workload.text);
    let workload_summary = match &rows {
        Ok(rows) => format!("{} ({} rows)", i.workload.name, rows.cells.len()),
        Err(_) => i.workload.name.clone(),
    };
    let workload_errors: Rc<Vec<_>> =
        Rc::new(state.errors.iter().filter(|e| e.file == i.workload.name).cloned().collect());
    html! {
        <section class="inputs">
            <h2 id="inputs-heading" tabindex="-1">{ "Inputs" }</h2>
            <label class="field">
                <span>{ "GPU" }</span>
                <select data-testid="gpu-select" onchange={on_gpu}>
                    // A GPU this page does not know (from a link or an inputs file) shows as
                    // such, never as the first GPU of the list, which it is not.
                    if catalog::gpu(&i.gpu).is_none() {
                        <option value={i.gpu.clone()} selected=true>{ format!("{} (unknown: choose a GPU)", i.gpu) }</option>
                    }
                    { for catalog::all_gpus().into_iter().map(|g| html! {
                        <option value={g.id} selected={g.id == i.gpu}>
                            { format!("{}{}", g.name, if g.placements_assumed() { " (placements assumed)" } else { "" }) }
                        </option>
                    }) }
                </select>
            </label>
            <FileDrop label="Profiles" testid="profiles-input" summary={profiles_summary}
                dispatch={dispatch.clone()} kind={FileKind::Profiles} />
            <ProfileTable files={i.profiles.clone()} gpu={i.gpu.clone()} latency={i.latency} dispatch={dispatch.clone()} />
            <label class="field small">
                <span>{ Key::Latency.name(Path::Page) }</span>
                <select data-testid="latency-select" onchange={on_latency}>
                    { for Percentile::ALL.iter().map(|p| html! {
                        <option value={p.name()} selected={*p == i.latency}>{ p.name() }</option>
                    }) }
                </select>
            </label>
            <p class="field-note">
                <Glossed term={Term::Percentile}>{ "p99" }</Glossed>
                { " and the others: which latency of a profiler's file the SLO limits." }
            </p>
            <FileDrop label="Workload" testid="workload-input" summary={workload_summary}
                dispatch={dispatch.clone()} kind={FileKind::Workload} />
            { match rows {
                Ok(rows) => html! {
                    <WorkloadTable rows={Rc::new(rows)} name={i.workload.name.clone()} errors={workload_errors} dispatch={dispatch.clone()} />
                },
                Err(why) => html! { <p class="muted" data-testid="no-table">{ match why {
                    NoTable::Json => "This workload is JSON: edit the file, or upload a CSV to edit it here.",
                    NoTable::Columns => "This workload cannot be shown as a table: its first line must name the columns model, rate, slo_ms (see the problems below).",
                    NoTable::Ragged => "This workload cannot be shown as a table: a row has more or fewer fields than the header, often a number written with a thousands separator such as 2,500 (see the problems below).",
                } }</p> },
            } }
            <ScenarioInput state={state.clone()} />
            <ErrorList errors={[state.upload_errors.clone(), state.errors.clone()].concat()} dispatch={dispatch.clone()} />
            <div class="row">
                <label class="field">
                    <span>{ Key::Solver.name(Path::Page) }</span>
                    <select data-testid="solver-select" onchange={on_solver}>
                        { for SolverKind::ALL.iter().map(|k| html! {
                            <option value={k.name()} selected={k.name() == i.solver}>{ k.name() }</option>
                        }) }
                    </select>
                </label>
                <label class="field small">
                    <span>{ Key::TimeLimit.name(Path::Page) }</span>
                    <input data-testid="time-limit" type="text" inputmode="decimal" value={i.time_limit_s.clone()} oninput={on_time} />
                </label>
                <label class="field small">
                    <span>{ Key::Seed.name(Path::Page) }</span>
                    <input data-testid="seed" type="text" inputmode="numeric" value={i.seed.clone()} oninput={on_seed} />
                </label>
                <button data-testid="new-seed" title="draw a random seed: another plan of the same size, maybe a better one"
                    onclick={on_new_seed} disabled={state.busy()}>{ "New seed" }</button>
                <label class="field small" title="plan for every rate raised by this percent; the plan without it is shown beside">
                    <span>{ Key::Headroom.name(Path::Page) }</span>
                    <input data-testid="headroom" type="text" inputmode="decimal" value={i.headroom.clone()} oninput={on_headroom} />
                </label>
            </div>
            <div class="row buttons">
                <button class="primary" id="solve" data-testid="solve" onclick={props.on_solve.clone()} disabled={state.busy()}>{ "Solve" }</button>
                <button data-testid="cancel" onclick={props.on_cancel.clone()} disabled={!state.run.running}>{ "Cancel" }</button>
                <button onclick={on_example} disabled={state.busy()}>{ "Load example" }</button>
                <button data-testid="clear" onclick={on_clear} disabled={state.busy()}>{ "Clear saved state" }</button>
            </div>
        </section>
    }
}

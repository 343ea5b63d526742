//! The profiles files as a table: each file, the format recognised, the GPU type it was
//! measured on, its model, profile and batch (editable where the format leaves them to the
//! user), rows kept and skipped. Every edit is an action; the state keeps the files verbatim
//! with what was typed.

use migplan_core::hardware::catalog;
use migplan_core::problem::import::{Format, Percentile};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::logic::error_text::in_one_line;
use crate::logic::profile_files::{FileField, ProfileFile};
use crate::state::Action;
use crate::worker::worker_client::Dispatch;

#[derive(Properties, PartialEq)]
pub struct ProfileTableProps {
    pub files: Vec<ProfileFile>,
    pub gpu: AttrValue,
    pub latency: Percentile,
    pub dispatch: Dispatch,
}

fn format_name(format: Option<Format>) -> &'static str {
    match format {
        Some(Format::Migplan) => "migplan",
        Some(Format::PerfAnalyzer) => "perf_analyzer",
        Some(Format::ModelAnalyzer) => "Model Analyzer",
        Some(Format::Migperf) => "MIGPerf",
        Some(Format::Parvagpu) => "ParvaGPU",
        None => "not recognised",
    }
}

const FIELDS: [(FileField, &str); 3] =
    [(FileField::Model, "model"), (FileField::Profile, "profile"), (FileField::Batch, "batch")];

/// The GPU type the file was measured on: the plan's GPU (empty), or a type of the catalog.
fn measured_on(index: usize, file: &ProfileFile, dispatch: &Dispatch) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            dispatch.dispatch(Action::EditProfileFile { index, field: FileField::MeasuredOn, value });
        })
    };
    let chosen = file.measured_on.trim();
    html! {
        <select data-testid="file-measured-on" aria-label={format!("GPU {} was measured on", file.name)}
            title="the GPU type this file was measured on: a plan for another type leaves its rows out" {onchange}>
            <option value="" selected={chosen.is_empty()}>{ "plan's GPU" }</option>
            // A type this page does not know (from a link) shows as such; the file's error says why.
            if !chosen.is_empty() && catalog::gpu(chosen).is_none() {
                <option value={chosen.to_string()} selected=true>{ format!("{chosen} (unknown)") }</option>
            }
            { for catalog::all_gpus().into_iter().map(|g| html! {
                <option value={g.id} title={g.name} selected={g.id.eq_ignore_ascii_case(chosen)}>{ g.id }</option>
            }) }
        </select>
    }
}

/// What the files marked measured on another GPU than the plan's mean for the plan.
fn left_out(files: &[ProfileFile], gpu: &str) -> Option<String> {
    let other: Vec<String> = files
        .iter()
        .filter(|f| !f.measured_on.trim().is_empty() && !f.measured_on.trim().eq_ignore_ascii_case(gpu))
        .map(|f| format!("{} ({})", f.name, f.measured_on.trim()))
        .collect();
    (!other.is_empty()).then(|| {
        format!(
            "Measured on another GPU: {}. A plan for {gpu} leaves their rows out; the capacity panel's \
             comparison uses them for their own GPU type.",
            other.join(", ")
        )
    })
}

#[function_component(ProfileTable)]
pub fn profile_table(props: &ProfileTableProps) -> Html {
    let rows = props.files.iter().enumerate().map(|(index, file)| {
        let imported = file.import(&props.gpu, props.latency);
        let editable = file.editable();
        let cells = FIELDS.iter().map(|&(field, label)| {
            if !editable.contains(&field) {
                return html! { <td class="muted">{ "per row" }</td> };
            }
            // What the file or its name says, greyed; a file that says it row by row (MIGPerf's
            // mig_profile or instance_memory column) reads without one.
            let said = match &imported {
                Ok(i) => match field {
                    FileField::Model => i.report.model.clone(),
                    FileField::Profile => i.report.profile.clone(),
                    FileField::Batch => i.report.batch.map(|b| b.to_string()),
                    // A choice of its own (`measured_on`), not one of these text cells.
                    FileField::MeasuredOn => None,
                }
                .unwrap_or_else(|| "per row".into()),
                Err(_) => format!("{label}?"),
            };
            let dispatch = props.dispatch.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                dispatch.dispatch(Action::EditProfileFile { index, field, value });
            });
            html! {
                <td>
                    <input type="text" value={file.field(field).to_string()} placeholder={said}
                        aria-label={format!("{label} of {}", file.name)} data-testid={format!("file-{label}")} {oninput} />
                </td>
            }
        });
        let (kept, skipped, title, bad) = match &imported {
            Ok(i) => {
                let reasons: Vec<String> = i.report.skipped.iter().take(20).map(ToString::to_string).collect();
                (i.report.kept.to_string(), i.report.skipped.len().to_string(), reasons.join("\n"), false)
            }
            Err(e) => ("—".to_string(), "—".to_string(), e.0.iter().map(in_one_line).collect::<Vec<_>>().join("\n"), true),
        };
        let on_remove = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::RemoveProfileFile(index)))
        };
        html! {
            <tr data-testid="profile-file" class={classes!(bad.then_some("bad"))} title={bad.then(|| title.clone())}>
                <td class="file-name" title={file.name.clone()}>
                    <span class="name">{ file.name.clone() }</span>
                    <span class="format" data-testid="file-format">{ format_name(file.format()) }</span>
                    { measured_on(index, file, &props.dispatch) }
                </td>
                { for cells }
                <td class="rows" title={(!bad && !title.is_empty()).then_some(title)}>
                    <span data-testid="file-kept">{ kept }</span>{ " kept" }<br />
                    <span data-testid="file-skipped">{ skipped }</span>{ " skipped" }
                </td>
                <td class="remove"><button class="icon" title="remove this file" aria-label={format!("remove {}", file.name)} onclick={on_remove}>{ "×" }</button></td>
            </tr>
        }
    });
    html! {
        <>
        <div class="profile-files-scroll">
            <table class="profile-files" data-testid="profile-files">
                <thead>
                    <tr>
                        <th scope="col">{ "file, format, measured on" }</th><th scope="col">{ "model" }</th><th scope="col">{ "profile" }</th>
                        <th scope="col">{ "batch" }</th><th scope="col">{ "rows" }</th><th scope="col"><span class="visually-hidden">{ "remove" }</span></th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
        if let Some(note) = left_out(&props.files, &props.gpu) {
            <p class="field-note" data-testid="measured-elsewhere" role="status">{ note }</p>
        }
        </>
    }
}

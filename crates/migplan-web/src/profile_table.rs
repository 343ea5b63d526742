//! The profiles files as a table: each file, the format recognised, its model, profile and
//! batch (editable where the format leaves them to the user), rows kept and skipped. Every
//! edit is an action; the state keeps the files verbatim with what was typed.

use migplan_core::problem::import::{Format, Percentile};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::error_text::in_one_line;
use crate::profile_files::{FileField, ProfileFile};
use crate::state::Action;
use crate::worker_client::Dispatch;

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
        <div class="profile-files-scroll">
            <table class="profile-files" data-testid="profile-files">
                <thead>
                    <tr>
                        <th scope="col">{ "file, format" }</th><th scope="col">{ "model" }</th><th scope="col">{ "profile" }</th>
                        <th scope="col">{ "batch" }</th><th scope="col">{ "rows" }</th><th scope="col"><span class="visually-hidden">{ "remove" }</span></th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

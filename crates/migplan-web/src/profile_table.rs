//! The profiles files as a table: each file, the format recognised, its model, profile and
//! batch (editable where the format leaves them to the user), rows kept and skipped. Every
//! edit is an action; the state keeps the files verbatim with what was typed.

use migplan_core::problem::import::{Format, Percentile};
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
            let said = imported.as_ref().ok().and_then(|i| match field {
                FileField::Model => i.report.model.clone(),
                FileField::Profile => i.report.profile.clone(),
                FileField::Batch => i.report.batch.map(|b| b.to_string()),
            });
            let dispatch = props.dispatch.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                dispatch.dispatch(Action::EditProfileFile { index, field, value });
            });
            html! {
                <td>
                    <input type="text" value={file.field(field).to_string()} placeholder={said.unwrap_or_else(|| format!("{label}?"))}
                        aria-label={format!("{label} of {}", file.name)} data-testid={format!("file-{label}")} {oninput} />
                </td>
            }
        });
        let (kept, skipped, title, bad) = match &imported {
            Ok(i) => {
                let reasons: Vec<String> = i.report.skipped.iter().take(20).map(ToString::to_string).collect();
                (i.report.kept.to_string(), i.report.skipped.len().to_string(), reasons.join("\n"), false)
            }
            Err(e) => ("—".to_string(), "—".to_string(), e.to_string(), true),
        };
        let on_remove = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::RemoveProfileFile(index)))
        };
        html! {
            <tr data-testid="profile-file" class={classes!(bad.then_some("bad"))} title={bad.then(|| title.clone())}>
                <td class="file-name">{ file.name.clone() }</td>
                <td data-testid="file-format">{ format_name(file.format()) }</td>
                { for cells }
                <td data-testid="file-kept">{ kept }</td>
                <td data-testid="file-skipped" title={(!bad && !title.is_empty()).then_some(title)}>{ skipped }</td>
                <td><button class="icon" title="remove this file" aria-label={format!("remove {}", file.name)} onclick={on_remove}>{ "×" }</button></td>
            </tr>
        }
    });
    html! {
        <table class="profile-files" data-testid="profile-files">
            <thead>
                <tr>
                    <th>{ "file" }</th><th>{ "format" }</th><th>{ "model" }</th><th>{ "profile" }</th>
                    <th>{ "batch" }</th><th>{ "kept" }</th><th>{ "skipped" }</th><th></th>
                </tr>
            </thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

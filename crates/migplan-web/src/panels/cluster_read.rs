//! "Read the running cluster": the files kubectl and the GPU Operator give (nodes, the
//! mig-parted config, pods, optionally `nvidia-smi mig -lgi` per node) read as the running
//! plan (`running_cluster::read_running`, set as an uploaded running plan is), and, once a
//! move is planned, its runbook to download. The files stay in this component: the MIG config
//! is needed again for the runbook of a plan read from a cluster.

use std::rc::Rc;

use migplan_core::export::ExportFormat;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::logic::error_text::in_one_line;
use crate::logic::running_cluster::{move_texts, read_running, ClusterFiles, MoveTexts, NEEDS_CONFIG};
use crate::panels::deploy::download;
use crate::panels::file_text::file_text;
use crate::state::move_use::MoveUse;
use crate::state::{Action, Source, State};

#[derive(Properties, PartialEq)]
pub struct ClusterReadProps {
    pub state: UseReducerHandle<State>,
}

#[derive(Clone, Copy, PartialEq)]
enum Slot {
    Nodes,
    MigConfig,
    Pods,
    Smi,
}

fn put(files: &ClusterFiles, slot: Slot, chosen: Vec<Source>) -> ClusterFiles {
    let mut files = files.clone();
    let first = chosen.first().cloned();
    match slot {
        Slot::Nodes => files.nodes = first,
        Slot::MigConfig => files.mig_config = first,
        Slot::Pods => files.pods = first,
        Slot::Smi => files.smi = chosen,
    }
    files
}

#[function_component(ClusterRead)]
pub fn cluster_read(props: &ClusterReadProps) -> Html {
    let files = use_state(ClusterFiles::default);
    // What the last read said: its errors, or the notes of what it left out.
    let said = use_state(|| Rc::new((false, Vec::<String>::new())));
    let choose = |slot: Slot| {
        let (files, said) = (files.clone(), said.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let picked: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            let (files, said) = (files.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut chosen = Vec::new();
                for file in &picked {
                    match file_text(file).await {
                        Ok(source) => chosen.push(source),
                        Err(e) => return said.set(Rc::new((true, vec![e]))),
                    }
                }
                files.set(put(&files, slot, chosen));
            });
        })
    };
    let on_read = {
        let (files, said, state) = (files.clone(), said.clone(), props.state.clone());
        Callback::from(move |_: MouseEvent| match read_running(&state.inputs, &files) {
            Ok((source, notes)) => {
                said.set(Rc::new((false, notes)));
                let at = String::from(js_sys::Date::new_0().to_iso_string());
                state.dispatch(Action::UploadRunning { source: Ok(source), at });
            }
            Err(errors) => said.set(Rc::new((true, errors.iter().map(in_one_line).collect()))),
        })
    };
    let state = &props.state;
    // The move's files. A running plan read from a cluster names its nodes: its mig-parted
    // config and ConfigMap are here too (they keep the cluster's configs), not beside the move.
    // Each is written when its button is pressed: writing them is tenths of a second at 300
    // models, too long for every render while a move is being planned.
    let downloads = state.planned_move.as_ref().map(|planned| {
        let suffix = state.move_use().unwrap_or(MoveUse::Current).label_suffix();
        let named = planned.running.gpus.iter().any(|g| g.node.is_some());
        let options = match state.export_options() {
            Ok(options) => options,
            Err(reason) => return html! { <p class="muted" data-testid="move-runbook-unavailable">{ reason }</p> },
        };
        if named && files.mig_config.is_none() {
            return html! { <p class="muted" data-testid="move-runbook-unavailable">{ NEEDS_CONFIG }</p> };
        }
        let button = |label: &'static str, file: String, mime: &'static str, pick: fn(MoveTexts) -> String, testid: String| {
            let (planned, options, config, said) = (planned.clone(), options.clone(), files.mig_config.clone(), said.clone());
            let onclick = Callback::from(move |_: MouseEvent| {
                match move_texts(&planned.running, &planned.shown, &options, config.as_ref()) {
                    Ok(texts) => download(&file, mime, &pick(texts)),
                    Err(reason) => said.set(Rc::new((true, vec![reason]))),
                }
            });
            html! { <button data-testid={testid} {onclick}>{ label }{ suffix }</button> }
        };
        let config_button = |format: ExportFormat, pick: fn(MoveTexts) -> String| {
            button(format.label(), format.file_name("move"), format.mime(), pick, format!("cluster-move-{}", format.name()))
        };
        html! {
            <div class="row">
                { button("Runbook (bash)", "migplan-move-runbook.sh".into(), "text/x-shellscript", |t| t.runbook, "move-runbook".into()) }
                if named {
                    { config_button(ExportFormat::MigParted, |t| t.mig_parted) }
                    { config_button(ExportFormat::GpuOperator, |t| t.config_map) }
                }
                <span class="muted">{ "The runbook: kubectl, node by node (cordon, restart the pods that must leave, relabel, wait, uncordon), then scale; DRY_RUN=1 prints it." }</span>
            </div>
        }
    });
    let field = |label: &'static str, slot: Slot, testid: &'static str, multiple: bool| {
        let chosen = match slot {
            Slot::Nodes => files.nodes.as_ref().map(|s| s.name.clone()),
            Slot::MigConfig => files.mig_config.as_ref().map(|s| s.name.clone()),
            Slot::Pods => files.pods.as_ref().map(|s| s.name.clone()),
            Slot::Smi => (!files.smi.is_empty())
                .then(|| files.smi.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")),
        };
        html! {
            <label class="field">
                <span>{ label }{ chosen.map(|c| format!(": {c}")).unwrap_or_default() }</span>
                <input type="file" data-testid={testid} {multiple} onchange={choose(slot)} />
            </label>
        }
    };
    html! {
        <details class="cluster-read" open={files.nodes.is_some()}>
            <summary data-testid="cluster-read-summary">{ "Read the running cluster" }</summary>
            <p class="muted">
                { "A cluster partitioned by hand or by the GPU Operator: its nodes, the mig-parted config the operator applies \
                   and, for the models, its pods. Each serving instance's throughput comes from the profiles above at the \
                   workload's SLO, taken as the demand the cluster serves now: read the cluster first, then change the \
                   workload and plan the move. Only nodes of the GPU chosen above are read." }
            </p>
            <div class="row">
                { field("Nodes (kubectl get nodes -o json)", Slot::Nodes, "cluster-nodes", false) }
                { field("MIG config (mig-parted file or ConfigMap)", Slot::MigConfig, "cluster-mig-config", false) }
                { field("Pods (kubectl get pods -A -o json), optional", Slot::Pods, "cluster-pods", false) }
                { field("nvidia-smi mig -lgi per node (NODE.txt), optional", Slot::Smi, "cluster-smi", true) }
                <button data-testid="cluster-read" onclick={on_read}>{ "Read the running cluster" }</button>
            </div>
            if !said.1.is_empty() {
                <ul class={if said.0 { "errors" } else { "muted" }} data-testid="cluster-read-said" role="status">
                    { for said.1.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
                </ul>
            }
            { downloads.unwrap_or_default() }
        </details>
    }
}

//! The move's deploy configs: mig-parted's config, or the GPU Operator's ConfigMap, keeping the
//! running plan's configs and adding those the move's steps give the nodes it repartitions (and
//! new nodes), so an operator relabels and drains just those.

use migplan_core::cluster::move_config::move_config;
use migplan_core::export::{ExportFormat, ExportOptions};
use yew::prelude::*;

use crate::panels::deploy::download;
use crate::state::move_use::MoveUse;
use crate::state::PlannedMove;

#[derive(Properties, PartialEq)]
pub struct MoveDeployProps {
    pub planned: PlannedMove,
    /// The page's GPUs per node, or why they cannot be used.
    pub options: Result<ExportOptions, String>,
    /// Whether the move is for the inputs now, said on each download.
    pub move_use: MoveUse,
}

#[function_component(MoveDeploy)]
pub fn move_deploy(props: &MoveDeployProps) -> Html {
    if props.planned.running.gpus.iter().any(|g| g.node.is_some()) {
        return html! {
            <p class="muted" data-testid="move-deploy-cluster">
                { "The running plan was read from a cluster: the move's configs keep the cluster's, under Read the running cluster above." }
            </p>
        };
    }
    let options = match &props.options {
        Ok(options) => options.clone(),
        Err(reason) => return html! { <p class="errors" data-testid="move-deploy-error">{ reason.clone() }</p> },
    };
    let button = |format: ExportFormat| {
        let (planned, options) = (props.planned.clone(), options.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            let config = move_config(&planned.running, &planned.shown.transition, &options, None);
            let text = config.render(format == ExportFormat::GpuOperator);
            download(&format.file_name("move"), format.mime(), &text);
        });
        html! {
            <button data-testid={format!("move-{}", format.name())} {onclick}>
                { format.label() }{ props.move_use.label_suffix() }
            </button>
        }
    };
    html! {
        <div class={classes!("row", "move-deploy", (props.move_use != MoveUse::Current).then_some("stale"))}>
            <span class="muted">{ "Configs for the nodes this move repartitions:" }</span>
            { for ExportFormat::NODE_CONFIGS.into_iter().map(button) }
        </div>
    }
}

use std::collections::BTreeSet;

use crate::cluster::move_config::move_config;
use crate::cluster::rollout::rollout;
use crate::cluster::runbook::{runbook, RunbookNotes};
use crate::cluster::tests::plan_of;
use crate::export::ExportOptions;
use crate::plan::transition::{Action, NaiveMove, Step, Transition};
use crate::plan::{Plan, PlanGpu, PlanInstance};

fn instance(profile: &str, start: u8, model: &str) -> PlanInstance {
    PlanInstance {
        profile: profile.into(),
        start,
        model: Some(model.into()),
        batch: Some(8),
        processes: None,
        throughput: Some(100.0),
    }
}

/// One node of two GPUs: [3g bert, 3g bert] and [4g gpt, 2g resnet, 1g tiny].
fn running() -> Plan {
    let gpu = |id, instances| PlanGpu { id, gpu: None, node: None, device: None, instances };
    plan_of(vec![
        gpu(0, vec![instance("3g.20gb", 0, "bert"), instance("3g.20gb", 4, "bert")]),
        gpu(1, vec![instance("4g.20gb", 0, "gpt"), instance("2g.10gb", 4, "resnet"), instance("1g.5gb", 6, "tiny")]),
    ])
}

/// `tiny` leaves GPU 1, then `small` takes its slot.
fn transition() -> Transition {
    let create = Action::create(1, &instance("1g.5gb", 6, "small"));
    Transition {
        steps: vec![Step { actions: vec![Action::Delete { gpu: 1, start: 6 }] }, Step { actions: vec![create] }],
        spare_used: 0,
        touched_gpus: 1,
        running_touched: 1,
        instances_created: 1,
        instances_deleted: 1,
        naive: NaiveMove { instances_created: 5, instances_deleted: 5, touched_gpus: 2 },
        target_gpu_ids: vec![0, 1],
    }
}

#[test]
fn a_step_repartitions_only_the_gpus_whose_counts_change_and_restarts_their_profiles() {
    let options = ExportOptions { gpus_per_node: 2, ..ExportOptions::default() };
    let taken = BTreeSet::from(["migplan-a".to_string(), "all-disabled".to_string()]);
    let r = rollout(&running(), &transition(), &options, &taken);
    assert_eq!(r.nodes.len(), 1);
    let first = &r.steps[0].nodes[0];
    assert_eq!((first.devices.clone(), first.config.as_str()), (vec![1], "migplan-b"));
    assert_eq!(first.restart, ["gpt-4g-20gb-b8", "resnet-2g-10gb-b8", "tiny-1g-5gb-b8"], "bert's GPU stays");
    assert_eq!(r.steps[0].replicas["tiny-1g-5gb-b8"], 0);
    assert_eq!(r.steps[1].replicas["small-1g-5gb-b8"], 1);
    assert_eq!(r.steps[1].nodes[0].config, "migplan-c");
    assert_eq!(r.replicas_before["bert-3g-20gb-b8"], 2);
}

#[test]
fn the_runbook_relabels_restarts_and_scales_each_step_and_keeps_the_running_configs() {
    let options = ExportOptions { gpus_per_node: 2, ..ExportOptions::default() };
    let config = move_config(&running(), &transition(), &options, None);
    let file = crate::cluster::mig_config::read("move.yaml", &config.file).unwrap();
    let names: Vec<&str> = file.configs.keys().map(String::as_str).collect();
    assert_eq!(names, ["all-disabled", "migplan-a", "migplan-b", "migplan-c"]);
    let floors = [("bert".to_string(), 100.0)];
    let text = runbook(&config, &options, &RunbookNotes { gpu: "a100-40gb", floors: &floors });
    for line in [
        "set -euo pipefail",
        "  repartition node-1 migplan-b gpt-4g-20gb-b8 resnet-2g-10gb-b8 tiny-1g-5gb-b8\n  scale tiny-1g-5gb-b8 0\n",
        "  repartition node-1 migplan-c gpt-4g-20gb-b8 resnet-2g-10gb-b8\n  scale small-1g-5gb-b8 1\n",
        "  if ! has deployment.apps/small-1g-5gb-b8 \"$deployments\"; then",
        "  has deployment.apps/bert-3g-20gb-b8 \"$deployments\" || fail",
        "#   bert: 100.0/s",
        "STEPS=2",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(config.render(true).starts_with("# migplan move: 1 node to repartition (of 1 running"));
}

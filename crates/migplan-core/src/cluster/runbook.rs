//! A move as a bash script an operator runs: per step and node, cordon, restart the pods that
//! must leave the GPUs being repartitioned, label the node with its config, wait for the MIG
//! manager's `success`, uncordon; then scale the Deployments to the step's replicas and wait
//! for them. It checks before it changes anything, says what it does, can be run again (a
//! node already at its config with `success` is left alone), and `DRY_RUN=1` prints the
//! commands that change the cluster instead of running them.

use std::fmt::Write;

use crate::cluster::move_config::MoveConfig;
use crate::export::kubernetes::deployment;
use crate::export::options::ExportOptions;

/// What the script says about the move besides its steps: the GPU type and each model's
/// floor, min(old demand, new demand).
pub struct RunbookNotes<'a> {
    pub gpu: &'a str,
    pub floors: &'a [(String, f64)],
}

/// A line of a comment: no newline of a model's name can end the comment.
fn comment(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

const HELPERS: &str = r#"say() { printf 'migplan runbook: %s\n' "$*"; }
fail() { printf 'migplan runbook: %s\n' "$*" >&2; exit 1; }

# Runs a command that changes the cluster, or prints it under DRY_RUN=1.
run() {
  if [[ "$DRY_RUN" == 1 ]]; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

label_of() { kubectl get node "$1" -o "jsonpath={.metadata.labels.$2}"; }

# has NAME LIST: LIST (one name a line, as `kubectl get -o name` prints) holds NAME.
has() { grep -qxF -- "$1" <<<"$2"; }

# Waits until the MIG manager reports success for NODE, failing on `failed` or after TIMEOUT.
wait_success() {
  local node=$1 config=$2 state deadline=$((SECONDS + TIMEOUT))
  if [[ "$DRY_RUN" == 1 ]]; then
    say "(dry run) then wait for node $node to report nvidia.com/mig.config.state=success"
    return 0
  fi
  while true; do
    state=$(label_of "$node" 'nvidia\.com/mig\.config\.state')
    case "$state" in
      success)
        say "node $node: $config applied"
        return 0
        ;;
      failed)
        fail "node $node: the MIG manager failed to apply $config (nvidia.com/mig.config.state=failed); the node stays cordoned. See kubectl logs -n $OPERATOR_NAMESPACE -l app=nvidia-mig-manager, fix the cause, label the node back to its previous config and run this step again."
        ;;
    esac
    if ((SECONDS >= deadline)); then
      fail "node $node: nvidia.com/mig.config.state is '$state', not success, after ${TIMEOUT}s; the node stays cordoned. See kubectl logs -n $OPERATOR_NAMESPACE -l app=nvidia-mig-manager, then run this step again (TIMEOUT=seconds waits longer)."
    fi
    sleep "$POLL"
  done
}

# repartition NODE CONFIG [DEPLOYMENT...]: cordon NODE, delete the listed Deployments' pods on
# it (their ReplicaSets start them again elsewhere or, once it is back, there), label it with
# CONFIG, wait for the MIG manager, uncordon it. A node already at CONFIG is left alone.
repartition() {
  local node=$1 config=$2 current state selector
  shift 2
  current=$(label_of "$node" 'nvidia\.com/mig\.config')
  state=$(label_of "$node" 'nvidia\.com/mig\.config\.state')
  if [[ "$current" == "$config" && "$state" == success ]]; then
    say "node $node already has $config"
    if [[ "$(kubectl get node "$node" -o 'jsonpath={.spec.unschedulable}')" == true ]]; then
      run kubectl uncordon "$node"
    fi
    return 0
  fi
  run kubectl cordon "$node"
  if (($# > 0)); then
    selector="app in ($(IFS=,; echo "$*"))"
    run kubectl delete pods -n "$NAMESPACE" --field-selector "spec.nodeName=$node" -l "$selector" --wait=true
  fi
  if [[ "$current" != "$config" ]]; then
    run kubectl label node "$node" "nvidia.com/mig.config=$config" nvidia.com/mig.config.state=pending --overwrite
  fi
  wait_success "$node" "$config"
  run kubectl uncordon "$node"
}

scale() { run kubectl scale deployment "$1" -n "$NAMESPACE" --replicas="$2"; }

# The last step of this move done, as the annotation migplan.io/move of the ConfigMap records it
# (MOVE:STEP); 0 before the first.
done_steps() {
  local marked
  marked=$(kubectl get configmap "$CONFIG_MAP" -n "$OPERATOR_NAMESPACE" -o 'jsonpath={.metadata.annotations.migplan\.io/move}' 2>/dev/null) || marked=""
  if [[ "$marked" =~ ^$MOVE:([0-9]+)$ ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo 0
  fi
}

mark_done() { run kubectl annotate configmap "$CONFIG_MAP" -n "$OPERATOR_NAMESPACE" "migplan.io/move=$MOVE:$1" --overwrite; }

# Waits until every listed Deployment has all its replicas available.
settle() {
  local d
  for d in "$@"; do
    run kubectl rollout status "deployment/$d" -n "$NAMESPACE" --timeout="${TIMEOUT}s"
  done
}
"#;

/// The MIG manager must read the ConfigMap the runbook applies (`OPERATOR_CHECK=0` skips this,
/// for a MIG manager installed without the GPU Operator's ClusterPolicy).
const OPERATOR_CHECK: &str = r#"  if [[ "$OPERATOR_CHECK" == 1 ]]; then
    local reads fix
    reads=$(kubectl get clusterpolicies.nvidia.com -o 'jsonpath={.items[0].spec.migManager.config.name}') || reads="(no ClusterPolicy)"
    fix="helm upgrade gpu-operator nvidia/gpu-operator -n $OPERATOR_NAMESPACE --reuse-values --set migManager.config.name=$CONFIG_MAP"
    if [[ "$reads" != "$CONFIG_MAP" ]]; then
      if [[ "$DRY_RUN" == 1 ]]; then
        say "(dry run) the MIG manager reads '$reads', not $CONFIG_MAP: first $fix"
      else
        fail "the MIG manager reads ConfigMap '$reads', not $CONFIG_MAP, which holds the move's configs; run: $fix (and wait for the mig-manager pods to restart), then run this again (OPERATOR_CHECK=0 skips this check)"
      fi
    fi
  fi
"#;

/// Checks STEP, then runs the steps asked for that are not done yet, recording each when done.
const MAIN: &str = r#"
if [[ "$STEP" != all ]] && ! [[ "$STEP" =~ ^[0-9]+$ && "$STEP" -ge 1 && "$STEP" -le "$STEPS" ]]; then
  fail "STEP is '$STEP'; give a step from 1 to $STEPS, or leave it out for all"
fi
preflight
finished=$(done_steps)
for ((step = 1; step <= STEPS; step++)); do
  if [[ "$STEP" == all || "$STEP" == "$step" ]]; then
    if ((step <= finished)); then
      say "step $step of $STEPS was done before"
      continue
    fi
    "step_$step"
    mark_done "$step"
  fi
done
say "done"
"#;

/// FNV-1a: a name for the move that changes when any of its steps does.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The runbook of a move.
pub fn runbook(config: &MoveConfig, options: &ExportOptions, notes: &RunbookNotes) -> String {
    let r = &config.rollout;
    let (config_map, namespace) = &config.config_map;
    let mut s = String::from("#!/usr/bin/env bash\n");
    let steps = r.steps.len();
    let _ = writeln!(
        s,
        "# migplan runbook: move {} x {} in {steps} step{}, repartitioning {} node{} ({}).",
        r.nodes.iter().map(|n| n.devices.len()).sum::<usize>(),
        notes.gpu,
        if steps == 1 { "" } else { "s" },
        config.repartitioned().len(),
        if config.repartitioned().len() == 1 { "" } else { "s" },
        config.repartitioned().join(", ")
    );
    s += "#\n# Each step, node by node: cordon, delete the pods that must leave the GPUs it repartitions\n\
          # (Kubernetes does not say which GPU a pod's MIG device is on, so every pod of a profile those\n\
          # GPUs hold restarts), label the node with its config, wait for the MIG manager, uncordon;\n\
          # then scale the Deployments to the step's replicas and wait until they are available.\n\
          # After each step every model keeps at least min(old, new) demand:\n";
    for (model, floor) in notes.floors {
        let _ = writeln!(s, "#   {}: {floor:.1}/s", comment(model));
    }
    s += "#\n# Usage:  bash runbook.sh              every step (run it again after a failure: done work is kept)\n\
          #         DRY_RUN=1 bash runbook.sh    print the commands that change the cluster, change nothing\n\
          #         STEP=2 bash runbook.sh       one step only (the steps before it done)\n\
          # Settings: NAMESPACE of the Deployments (default), TIMEOUT seconds per wait (900), POLL seconds (10),\n\
          #           OPERATOR_CHECK=0 when no GPU Operator ClusterPolicy says which ConfigMap the MIG manager reads.\n";
    s += "set -euo pipefail\n\n";
    s += "DRY_RUN=\"${DRY_RUN:-0}\"\nSTEP=\"${STEP:-all}\"\nNAMESPACE=\"${NAMESPACE:-default}\"\nTIMEOUT=\"${TIMEOUT:-900}\"\nPOLL=\"${POLL:-10}\"\nOPERATOR_CHECK=\"${OPERATOR_CHECK:-1}\"\n";
    let _ = writeln!(s, "CONFIG_MAP={config_map}\nOPERATOR_NAMESPACE={namespace}\nSTEPS={steps}");
    let _ = writeln!(
        s,
        "# This move, as recorded on the ConfigMap: a second run skips the steps done.\nMOVE={:012x}\n",
        fnv1a(&format!("{r:?}")) >> 16
    );
    s += HELPERS;
    s += "\npreflight() {\n  command -v kubectl >/dev/null || fail \"kubectl is not on PATH\"\n  local nodes deployments\n";
    s += "  nodes=$(kubectl get nodes -o name) || fail \"kubectl cannot list the cluster's nodes\"\n";
    s += "  deployments=$(kubectl get deployments -n \"$NAMESPACE\" -o name) || fail \"kubectl cannot list the Deployments of namespace $NAMESPACE\"\n";
    for n in &r.nodes {
        let why = if n.new {
            format!("the move adds it: join a node with {} {} GPUs under this name (or give --node-names), then run this again", n.devices.len(), notes.gpu)
        } else {
            "the move repartitions it: check the node names of the running plan".to_string()
        };
        let _ =
            writeln!(s, "  has node/{} \"$nodes\" || fail \"node {} is not in the cluster; {why}\"", n.name, n.name);
    }
    for (name, kind) in &r.deployments {
        if r.replicas_before.get(name).copied().unwrap_or(0) > 0 {
            let _ = writeln!(s, "  has deployment.apps/{name} \"$deployments\" || fail \"Deployment {name} ({} on {}) is not in namespace $NAMESPACE; the runbook scales the Deployments of migplan's k8s export (migplan export --format k8s)\"", comment(&kind.model).replace('"', ""), kind.profile);
        }
    }
    s += "  say \"the MIG manager's configs: the cluster's own and the move's, in ConfigMap $CONFIG_MAP\"\n";
    s += "  run kubectl apply -f - <<'MIGPLAN_CONFIG_MAP'\n";
    s += &config.config_map_yaml();
    s += "MIGPLAN_CONFIG_MAP\n";
    s += OPERATOR_CHECK;
    for (name, kind) in &r.deployments {
        if r.replicas_before.get(name).copied().unwrap_or(0) == 0 {
            let manifest =
                yaml_serde::to_string(&deployment(notes.gpu, options, kind, 0, name)).expect("a Deployment is YAML");
            let _ = write!(s, "  if ! has deployment.apps/{name} \"$deployments\"; then\n    run kubectl apply -n \"$NAMESPACE\" -f - <<'MIGPLAN_DEPLOYMENT'\n{manifest}MIGPLAN_DEPLOYMENT\n  fi\n");
        }
    }
    s += "}\n";
    let mut before = r.replicas_before.clone();
    for (k, step) in r.steps.iter().enumerate() {
        let _ = writeln!(s, "\nstep_{}() {{", k + 1);
        let names: Vec<&str> = step.nodes.iter().map(|c| r.nodes[c.node].name.as_str()).collect();
        let _ = writeln!(
            s,
            "  say \"step {} of {steps}: {}\"",
            k + 1,
            if names.is_empty() {
                "no node repartitioned".to_string()
            } else {
                format!("repartition {}", names.join(", "))
            }
        );
        for c in &step.nodes {
            let _ = writeln!(
                s,
                "  repartition {} {}{}",
                r.nodes[c.node].name,
                c.config,
                c.restart.iter().map(|d| format!(" {d}")).collect::<String>()
            );
        }
        let changed: Vec<(&String, usize)> =
            step.replicas.iter().filter(|(d, n)| before.get(*d) != Some(n)).map(|(d, n)| (d, *n)).collect();
        let down = changed.iter().filter(|(d, n)| before.get(*d).copied().unwrap_or(0) > *n);
        let up = changed.iter().filter(|(d, n)| before.get(*d).copied().unwrap_or(0) < *n);
        for (d, n) in down.chain(up) {
            let _ = writeln!(s, "  scale {d} {n}");
        }
        let mut settle: Vec<&str> = changed.iter().filter(|(_, n)| *n > 0).map(|(d, _)| d.as_str()).collect();
        settle.extend(
            step.nodes
                .iter()
                .flat_map(|c| c.restart.iter().map(String::as_str))
                .filter(|d| step.replicas.get(*d).is_some_and(|n| *n > 0)),
        );
        settle.sort_unstable();
        settle.dedup();
        if !settle.is_empty() {
            let _ = writeln!(s, "  settle {}", settle.join(" "));
        }
        s += "}\n";
        before = step.replicas.clone();
    }
    s += MAIN;

    s
}

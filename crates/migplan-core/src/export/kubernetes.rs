//! Kubernetes Deployments for a plan: one per model and instance kind (profile, batch, MPS
//! processes), `replicas` = that many instances, each pod asking for one MIG device of its
//! profile as the GPU Operator's *mixed* strategy names it (`nvidia.com/mig-<profile>`).
//! A plan over several GPU types has each type's Deployments apart (named with the type),
//! each asking for its type's profiles on nodes labelled with the type ([`GPU_LABEL`]): two
//! types may share a profile name (`1g.10gb`) at different throughputs.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::export::options::{dns_label, ExportOptions};
use crate::plan::Plan;

/// The node label a mixed plan's pods select their GPU type by: `kubectl label node NODE
/// migplan/gpu=TYPE`.
pub const GPU_LABEL: &str = "migplan/gpu";

/// One kind of instance the plan runs a model on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InstanceKind {
    pub model: String,
    pub profile: String,
    pub batch: Option<u32>,
    pub processes: u32,
}

/// Every kind of instance serving a model, with how many instances of it the plan has.
/// Idle instances serve nothing and get no Deployment.
pub fn instance_kinds(plan: &Plan) -> BTreeMap<InstanceKind, usize> {
    let mut kinds = BTreeMap::new();
    for g in &plan.gpus {
        for i in &g.instances {
            let Some(model) = &i.model else { continue };
            let kind = InstanceKind {
                model: model.clone(),
                profile: i.profile.clone(),
                batch: i.batch,
                processes: i.processes.unwrap_or(1),
            };
            *kinds.entry(kind).or_default() += 1;
        }
    }
    kinds
}

/// The Deployment name of each kind: `<model>-<profile>[-b<batch>][-p<processes>]` as a DNS
/// label, numbered when two kinds would share one (in the kinds' order, so the same kinds
/// always get the same names).
pub fn deployment_names<'a>(kinds: impl IntoIterator<Item = &'a InstanceKind>) -> BTreeMap<InstanceKind, String> {
    let mut names: BTreeMap<InstanceKind, String> = BTreeMap::new();
    let mut sorted: Vec<&InstanceKind> = kinds.into_iter().collect();
    sorted.sort();
    sorted.dedup();
    for kind in sorted {
        let mut base = format!("{}-{}", kind.model, kind.profile);
        if let Some(b) = kind.batch {
            base += &format!("-b{b}");
        }
        if kind.processes > 1 {
            base += &format!("-p{}", kind.processes);
        }
        let mut name = dns_label(&base);
        let mut n = 2;
        while names.values().any(|taken| *taken == name) {
            name = dns_label(&format!("{base}-{n}"));
            n += 1;
        }
        names.insert(kind.clone(), name);
    }
    names
}

/// The plan's GPU types, in order of their first GPU, each with the plan of its GPUs alone.
pub fn parts_by_type(plan: &Plan) -> Vec<(String, Plan)> {
    let mut parts: Vec<(String, Plan)> = Vec::new();
    for g in &plan.gpus {
        let t = g.gpu.as_deref().unwrap_or(&plan.gpu).to_ascii_lowercase();
        let at = match parts.iter().position(|(u, _)| *u == t) {
            Some(at) => at,
            None => {
                let part = Plan { gpu: t.clone(), gpu_count: 0, gpus: Vec::new(), cost: None, ..plan.clone() };
                parts.push((t, part));
                parts.len() - 1
            }
        };
        parts[at].1.gpus.push(g.clone());
        parts[at].1.gpu_count += 1;
    }
    parts
}

/// The Deployments, as one multi-document YAML stream.
pub fn deployments(plan: &Plan, options: &ExportOptions) -> String {
    let parts = parts_by_type(plan);
    let mixed = parts.len() > 1;
    let mut documents: Vec<Value> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (gpu, part) in &parts {
        let kinds = instance_kinds(part);
        let names = deployment_names(kinds.keys());
        for (kind, replicas) in &kinds {
            if !mixed {
                documents.push(deployment(gpu, options, kind, *replicas, &names[kind]));
                continue;
            }
            let mut name = dns_label(&format!("{}-{gpu}", names[kind]));
            let mut n = 2;
            while taken.contains(&name) {
                name = dns_label(&format!("{}-{gpu}-{n}", names[kind]));
                n += 1;
            }
            let mut doc = deployment(gpu, options, kind, *replicas, &name);
            doc["spec"]["template"]["spec"]["nodeSelector"] = json!({ GPU_LABEL: gpu });
            taken.push(name);
            documents.push(doc);
        }
    }
    let mut fleet: Vec<String> = parts.iter().map(|(t, p)| format!("{} x {t}", p.gpus.len())).collect();
    if fleet.is_empty() {
        fleet.push(format!("0 x {}", plan.gpu));
    }
    let mut text = format!(
        "# migplan: {} Deployment{} for {} (GPU Operator mixed strategy: one MIG device per pod).\n\
         # Replace the image ({}) with your server's; BATCH_SIZE and MPS_PROCESSES say how it must run.\n",
        documents.len(),
        if documents.len() == 1 { "" } else { "s" },
        fleet.join(" + "),
        options.image
    );
    if mixed {
        text += &format!(
            "# Several GPU types: each pod selects its type's nodes; label every node with its GPU type,\n\
             #   kubectl label node NODE {GPU_LABEL}=TYPE --overwrite   (TYPE: {})\n",
            parts.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    for (i, doc) in documents.iter().enumerate() {
        if i > 0 {
            text.push_str("---\n");
        }
        text.push_str(&yaml_serde::to_string(doc).expect("a Deployment always serializes"));
    }
    text
}

/// The Deployment of `replicas` pods of one kind, named `name`, for GPUs of type `gpu`.
pub fn deployment(gpu: &str, options: &ExportOptions, kind: &InstanceKind, replicas: usize, name: &str) -> Value {
    let model_label = dns_label(&kind.model);
    let image = options.image.replace("{model}", &model_label);
    let resource = format!("nvidia.com/mig-{}", kind.profile);
    let mut env = vec![json!({"name": "MODEL_NAME", "value": kind.model})];
    let mut annotations = json!({
        "migplan/model": kind.model,
        "migplan/gpu": gpu,
        "migplan/profile": kind.profile,
    });
    if let Some(b) = kind.batch {
        env.push(json!({"name": "BATCH_SIZE", "value": b.to_string()}));
        annotations["migplan/batch"] = json!(b.to_string());
    }
    if kind.processes > 1 {
        env.push(json!({"name": "MPS_PROCESSES", "value": kind.processes.to_string()}));
        annotations["migplan/mps-processes"] = json!(format!(
            "{} MPS processes share each {} instance: run {} server processes per pod (the plan's throughput counts them all)",
            kind.processes, kind.profile, kind.processes
        ));
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "labels": {"app.kubernetes.io/name": model_label, "app.kubernetes.io/managed-by": "migplan"},
            "annotations": annotations,
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name, "app.kubernetes.io/name": model_label}},
                "spec": {
                    "containers": [{
                        "name": "server",
                        "image": image,
                        "env": env,
                        "resources": {"limits": {resource: 1}},
                    }],
                },
            },
        },
    })
}

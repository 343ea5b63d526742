//! A running plan that leaves out what a cluster cannot say (as `migplan cluster` reads it):
//! each serving instance's throughput, batch and processes, and the demand. A move needs them,
//! so they are taken from the profiles and the running workload, as a plan migplan made would
//! state them.

use super::refusal::Refusal;
use crate::hardware::fleet::Fleet;
use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::plan::{Plan, PlanModel};
use crate::problem::input::{InputError, ProfileRow, WorkloadRow};

fn refusal(message: String, hint: &str) -> Refusal {
    Refusal::Inputs(
        InputError { file: String::new(), line: None, column: None, character: None, message, hint: Some(hint.into()) }
            .into(),
    )
}

/// The best row of `model` on `profile` within the SLO, at the batch and processes given
/// (any, where not given).
fn best_row<'a>(
    gpu: &GpuSpec,
    rows: &'a [ProfileRow],
    w: &WorkloadRow,
    profile: &str,
    batch: Option<u32>,
    processes: Option<u32>,
) -> Option<&'a ProfileRow> {
    let plain = gpu.profiles.iter().find(|p| p.name == profile && p.kind == ProfileKind::Plain);
    let names = |written: &str| {
        written.eq_ignore_ascii_case(profile)
            || plain.is_some_and(|p| written.eq_ignore_ascii_case(&format!("{}g", p.compute)))
    };
    rows.iter()
        .filter(|r| r.model == w.model && r.latency_ms <= w.slo_ms && names(&r.profile))
        .filter(|r| r.gpu.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(gpu.id)))
        .filter(|r| batch.is_none_or(|b| r.batch == b) && processes.is_none_or(|p| r.processes == p))
        .max_by(|a, b| a.throughput.total_cmp(&b.throughput))
}

/// `plan` with every serving instance's throughput (and its batch and processes, where the
/// plan leaves them out) from the profile rows measured on its GPU's type, and its model list
/// from `workload` when it has none. A plan that already states them is returned as it is.
/// Refused: a plan with GPUs naming a type the fleet lacks, or one with no demand and no
/// workload given. A plan whose own `gpu` the fleet lacks is left to the plan checker, which
/// says so once.
pub fn measured_running(
    fleet: &Fleet,
    profiles: &[ProfileRow],
    workload: Option<&[WorkloadRow]>,
    plan: &Plan,
) -> Result<Plan, Refusal> {
    let type_of = |g: &crate::plan::PlanGpu| fleet.named(g.gpu.as_deref().unwrap_or(&plan.gpu)).map(|(_, t)| &t.spec);
    let others: Vec<String> = plan
        .gpus
        .iter()
        .filter(|g| g.gpu.is_some() && type_of(g).is_none())
        .map(|g| {
            format!(
                "GPU {} ({}{})",
                g.id,
                g.gpu.as_deref().unwrap_or_default(),
                g.node.as_deref().map(|n| format!(" on {n}")).unwrap_or_default()
            )
        })
        .collect();
    if !others.is_empty() {
        return Err(refusal(
            format!(
                "the running plan has GPUs of a type not planned on ({}): {}",
                fleet.ids().join(", "),
                others.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
            ),
            "give every GPU type the running plan has (--gpu TYPE for each), or read only the nodes of the types \
             given with `migplan cluster --gpu TYPE`",
        ));
    }
    let mut filled = plan.clone();
    if filled.models.is_empty() && filled.gpus.iter().flat_map(|g| &g.instances).any(|i| i.model.is_some()) {
        let Some(workload) = workload else {
            return Err(refusal(
                "the running plan states no demand (it was read off a cluster)".into(),
                "give --workload-from, the demand the cluster serves now",
            ));
        };
        filled.models = workload
            .iter()
            .map(|w| PlanModel { model: w.model.clone(), rate: w.rate, slo_ms: w.slo_ms, capacity: 0.0 })
            .collect();
    }
    let demand: Vec<WorkloadRow> = match workload {
        Some(w) => w.to_vec(),
        None => filled
            .models
            .iter()
            .map(|m| WorkloadRow { model: m.model.clone(), rate: m.rate, slo_ms: m.slo_ms, loc: Default::default() })
            .collect(),
    };
    let mut measured = false;
    let types: Vec<Option<&GpuSpec>> = filled.gpus.iter().map(type_of).collect();
    for (g, gpu) in filled.gpus.iter_mut().zip(types) {
        let Some(gpu) = gpu else { continue };
        for i in &mut g.instances {
            let (Some(model), None) = (&i.model, i.throughput) else { continue };
            let Some(w) = demand.iter().find(|w| w.model == *model) else { continue };
            if let Some(row) = best_row(gpu, profiles, w, &i.profile, i.batch, i.processes) {
                i.batch = Some(row.batch);
                i.processes = Some(row.processes);
                i.throughput = Some(row.throughput);
                measured = true;
            }
        }
    }
    if measured || plan.models.is_empty() {
        for m in &mut filled.models {
            let instances = filled.gpus.iter().flat_map(|g| &g.instances);
            m.capacity = instances.filter(|i| i.model.as_deref() == Some(&m.model)).filter_map(|i| i.throughput).sum();
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog;
    use crate::plan::{PlanGpu, PlanInstance};
    use crate::problem::input::{parse_profiles, parse_workload};

    fn cluster_plan(types: &[&str]) -> Plan {
        let gpus: Vec<PlanGpu> = types
            .iter()
            .enumerate()
            .map(|(id, t)| PlanGpu {
                id,
                gpu: Some(t.to_string()),
                node: Some(format!("node-{id}")),
                device: Some(0),
                instances: vec![PlanInstance {
                    profile: "3g.20gb".into(),
                    start: 0,
                    model: Some("bert".into()),
                    batch: None,
                    processes: None,
                    throughput: None,
                }],
            })
            .collect();
        let json = serde_json::json!({"gpu": types[0], "gpu_count": types.len(), "gpus": gpus, "models": []});
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_cluster_plan_takes_its_throughputs_and_demand_from_the_rows_and_refuses_another_type() {
        let gpu = Fleet::one(catalog::gpu("a100-40gb").unwrap());
        let rows =
            parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,3g,8,20,300\nbert,3g,32,50,900\n")
                .unwrap();
        let workload = parse_workload("w.csv", "model,rate,slo_ms\nbert,250,30\n").unwrap();
        let plan = cluster_plan(&["a100-40gb"]);
        let filled = measured_running(&gpu, &rows, Some(&workload), &plan).unwrap();
        let i = &filled.gpus[0].instances[0];
        assert_eq!((i.batch, i.throughput), (Some(8), Some(300.0)), "the best row within the 30 ms SLO");
        assert_eq!((filled.models[0].rate, filled.models[0].capacity), (250.0, 300.0));
        let no_demand = measured_running(&gpu, &rows, None, &plan).unwrap_err().to_string();
        assert!(no_demand.contains("states no demand") && no_demand.contains("--workload-from"), "{no_demand}");
        let mixed = measured_running(&gpu, &rows, Some(&workload), &cluster_plan(&["a100-40gb", "h100-80gb"]));
        let said = mixed.unwrap_err().to_string();
        assert!(said.contains("GPU 1 (h100-80gb on node-1)") && said.contains("migplan cluster --gpu TYPE"), "{said}");
        let both = crate::workflow::request::Request::read(
            &[(crate::workflow::settings::Key::Gpu, "a100-40gb, h100-80gb".to_string())].into(),
            crate::workflow::settings::Path::Cli,
        )
        .unwrap()
        .fleet;
        let mut mixed = cluster_plan(&["a100-40gb", "h100-80gb"]);
        mixed.gpus[1].instances[0].profile = "3g.40gb".into();
        let filled = measured_running(&both, &rows, Some(&workload), &mixed).unwrap();
        assert_eq!(filled.gpus[1].instances[0].throughput, Some(300.0), "rows of no GPU type serve every type");
    }
}

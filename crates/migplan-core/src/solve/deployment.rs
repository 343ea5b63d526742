//! The solvers' working form of a plan: a maximal layout per GPU and a model per instance,
//! and its conversion into the plan JSON.

use std::collections::BTreeMap;

use crate::plan::{Baseline, Bound, Cost, NodeCost, Plan, PlanGpu, PlanInstance, PlanModel, SolverInfo};
use crate::problem::Problem;
use crate::sorting;

/// One GPU as a solver builds it: a maximal layout and, per placement, the model it serves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GpuConfig {
    /// Index into `Problem::layouts`.
    pub layout: usize,
    /// Per placement of the layout: the model index, or `None` for an idle instance.
    pub models: Vec<Option<usize>>,
}

/// A list of GPU configurations: what every solver returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deployment {
    pub gpus: Vec<GpuConfig>,
}

impl Deployment {
    pub fn gpu_count(&self) -> usize {
        self.gpus.len()
    }

    /// Summed throughput per model.
    pub fn capacity(&self, problem: &Problem) -> Vec<f64> {
        served(problem, &self.gpus)
    }

    /// Fills GPUs with the given per-model instance counts. `layout_counts[l]` GPUs get
    /// layout `l`; `instances[s][p]` instances of profile `p` serve model `s`. Returns
    /// `None` when the layouts lack slots for the instances.
    pub fn from_counts(problem: &Problem, layout_counts: &[usize], instances: &[Vec<usize>]) -> Option<Deployment> {
        let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); problem.profiles.len()];
        for (s, per_profile) in instances.iter().enumerate() {
            for (p, &n) in per_profile.iter().enumerate() {
                wanted[p].extend(std::iter::repeat_n(s, n));
            }
        }
        // Hand out models from the back so that each model's instances stay together.
        let mut gpus = Vec::new();
        for (l, &n) in layout_counts.iter().enumerate() {
            for _ in 0..n {
                let models = problem.layouts[l].placements.iter().map(|pl| wanted[pl.profile].pop()).collect();
                gpus.push(GpuConfig { layout: l, models });
            }
        }
        if wanted.iter().any(|w| !w.is_empty()) {
            return None;
        }
        Some(Deployment { gpus })
    }

    /// Drops GPUs that serve nothing and orders GPUs so that identical ones sit together.
    pub fn normalized(mut self) -> Deployment {
        self.gpus.retain(|g| g.models.iter().any(Option::is_some));
        sorting::sort(&mut self.gpus);
        self
    }
}

impl Deployment {
    /// What the deployment's GPUs cost, and its nodes when they are priced, in the problem's
    /// unit.
    pub fn cost(&self, problem: &Problem) -> f64 {
        let gpus: f64 = self.gpus.iter().map(|g| problem.layout_cost(g.layout)).sum();
        gpus + problem.node_price.map_or(0.0, |p| p.nodes(&self.gpus_of_type(problem)) as f64 * p.cost)
    }

    /// How many GPUs of each of the fleet's types the deployment uses.
    pub fn gpus_of_type(&self, problem: &Problem) -> Vec<usize> {
        let mut per_type = vec![0; problem.blocks.len()];
        self.gpus.iter().for_each(|g| per_type[problem.layout_type[g.layout]] += 1);
        per_type
    }

    /// The plan JSON of this deployment, with the bounds proven for it (on GPUs, and on cost
    /// for a mixed fleet, `lower_cost` in the problem's unit) and how it was found.
    pub fn to_plan(&self, problem: &Problem, lower_bound: usize, lower_cost: f64, solver: SolverInfo) -> Plan {
        let deployment = self;
        let mixed = problem.is_mixed();
        let type_of = |g: &GpuConfig| &problem.fleet.types()[problem.layout_type[g.layout]];
        let gpus = deployment
            .gpus
            .iter()
            .enumerate()
            .map(|(id, g)| PlanGpu {
                id,
                gpu: mixed.then(|| type_of(g).spec.id.to_string()),
                node: None,
                device: None,
                instances: problem.layouts[g.layout]
                    .placements
                    .iter()
                    .zip(&g.models)
                    .map(|(pl, model)| {
                        let profile = problem.profiles[pl.profile].name.clone();
                        let used = model.and_then(|s| Some((s, problem.capacity[s][pl.profile]?)));
                        match used {
                            Some((s, c)) => PlanInstance {
                                profile,
                                start: pl.start,
                                model: Some(problem.models[s].name.clone()),
                                batch: Some(c.batch),
                                processes: Some(c.processes),
                                throughput: Some(c.throughput),
                            },
                            None => PlanInstance {
                                profile,
                                start: pl.start,
                                model: None,
                                batch: None,
                                processes: None,
                                throughput: None,
                            },
                        }
                    })
                    .collect(),
            })
            .collect();
        let capacity = deployment.capacity(problem);
        let models = problem
            .models
            .iter()
            .zip(capacity)
            .map(|(s, capacity)| PlanModel { model: s.name.clone(), rate: s.rate, slo_ms: s.slo_ms, capacity })
            .collect();
        let gpu_count = deployment.gpu_count();
        // Planned in the problem's unit, stated in the user's prices.
        let unit = problem.price_unit();
        let mut proven_optimal = lower_bound == gpu_count;
        let cost = problem.is_priced().then(|| {
            let mut per_type: BTreeMap<String, f64> =
                sorting::map_of(problem.fleet.types().iter().map(|t| (t.spec.id.to_string(), 0.0)));
            for g in &deployment.gpus {
                *per_type.entry(type_of(g).spec.id.to_string()).or_default() += type_of(g).price;
            }
            let gpus_of_type = deployment.gpus_of_type(problem);
            let nodes = problem.node_price.map(|p| NodeCost {
                gpus_per_node: p.gpus_per_node,
                count: p.nodes(&gpus_of_type),
                cost_each: p.cost * unit,
            });
            proven_optimal = deployment.cost(problem) <= lower_cost * (1.0 + 1e-9);
            let total = per_type.values().sum::<f64>() + nodes.as_ref().map_or(0.0, |n| n.count as f64 * n.cost_each);
            // The bound and the total are summed in different orders: a proven optimum's bound
            // may come out a rounding step above its total, which no plan can be below.
            Cost { total, lower: (lower_cost * unit).min(total), per_type, nodes }
        });
        Plan {
            gpu: problem.fleet.first().id.to_string(),
            gpu_count,
            gpus,
            models,
            bound: Bound { lower: lower_bound, proven_optimal },
            baseline: Baseline { whole_gpus: problem.whole_gpu_baseline() },
            solver,
            cost,
            headroom: None,
        }
    }
}

/// Capacity each model has on `gpus`.
pub fn served(problem: &Problem, gpus: &[GpuConfig]) -> Vec<f64> {
    let mut served = vec![0.0; problem.models.len()];
    for g in gpus {
        add_config(problem, g, &mut served, 1.0);
    }
    served
}

/// Adds (sign 1) or removes (sign -1) a configuration's capacity.
pub fn add_config(problem: &Problem, g: &GpuConfig, served: &mut [f64], sign: f64) {
    for (pl, m) in problem.layouts[g.layout].placements.iter().zip(&g.models) {
        if let Some(m) = *m {
            served[m] += sign * problem.capacity[m][pl.profile].map_or(0.0, |c| c.throughput);
        }
    }
}

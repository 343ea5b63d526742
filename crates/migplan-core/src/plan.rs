//! Plans: the solvers' working form ([`Deployment`]) and the JSON form of contract.md
//! ([`Plan`]) that users read, download, validate and deploy.

use serde::{Deserialize, Serialize};

use crate::problem::Problem;

/// One GPU as a solver builds it: a maximal layout and, per placement, the service it serves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GpuConfig {
    /// Index into `Problem::layouts`.
    pub layout: usize,
    /// Per placement of the layout: the service index, or `None` for an idle instance.
    pub services: Vec<Option<usize>>,
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

    /// Summed throughput per service.
    pub fn capacity(&self, problem: &Problem) -> Vec<f64> {
        crate::heuristic::served(problem, &self.gpus)
    }

    /// Fills GPUs with the given per-service instance counts. `layout_counts[l]` GPUs get
    /// layout `l`; `instances[s][p]` instances of profile `p` serve service `s`. Returns
    /// `None` when the layouts lack slots for the instances.
    pub fn from_counts(problem: &Problem, layout_counts: &[usize], instances: &[Vec<usize>]) -> Option<Deployment> {
        let mut wanted: Vec<Vec<usize>> = vec![Vec::new(); problem.gpu.profiles.len()];
        for (s, per_profile) in instances.iter().enumerate() {
            for (p, &n) in per_profile.iter().enumerate() {
                wanted[p].extend(std::iter::repeat_n(s, n));
            }
        }
        // Hand out services from the back so that each service's instances stay together.
        let mut gpus = Vec::new();
        for (l, &n) in layout_counts.iter().enumerate() {
            for _ in 0..n {
                let services = problem.layouts[l].placements.iter().map(|pl| wanted[pl.profile].pop()).collect();
                gpus.push(GpuConfig { layout: l, services });
            }
        }
        if wanted.iter().any(|w| !w.is_empty()) {
            return None;
        }
        Some(Deployment { gpus })
    }

    /// Drops GPUs that serve nothing and orders GPUs so that identical ones sit together.
    pub fn normalized(mut self) -> Deployment {
        self.gpus.retain(|g| g.services.iter().any(Option::is_some));
        self.gpus.sort();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub gpu: String,
    pub gpu_count: usize,
    pub gpus: Vec<PlanGpu>,
    pub models: Vec<PlanModel>,
    pub bound: Bound,
    pub baseline: Baseline,
    pub solver: SolverInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanGpu {
    pub id: usize,
    pub instances: Vec<PlanInstance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanInstance {
    pub profile: String,
    pub start: u8,
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanModel {
    pub model: String,
    pub rate: f64,
    pub slo_ms: f64,
    pub capacity: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bound {
    /// A proven lower bound on the GPU count.
    pub lower: usize,
    /// True only when the plan's GPU count equals `lower`.
    pub proven_optimal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// GPUs needed when every model runs on whole-GPU instances only; `null` when some model
    /// cannot meet its SLO on a whole GPU.
    pub whole_gpus: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolverInfo {
    pub name: String,
    pub seed: u64,
    pub elapsed_ms: u64,
    /// Why the solver stopped: `optimal`, `finished`, `time_limit`, `iteration_limit` or
    /// `cancelled`.
    #[serde(default)]
    pub termination: String,
}

impl Plan {
    pub fn from_deployment(problem: &Problem, deployment: &Deployment, lower_bound: usize, solver: SolverInfo) -> Plan {
        let gpus = deployment
            .gpus
            .iter()
            .enumerate()
            .map(|(id, g)| PlanGpu {
                id,
                instances: problem.layouts[g.layout]
                    .placements
                    .iter()
                    .zip(&g.services)
                    .map(|(pl, service)| {
                        let profile = problem.gpu.profiles[pl.profile].name.clone();
                        let used = service.and_then(|s| Some((s, problem.capacity[s][pl.profile]?)));
                        match used {
                            Some((s, c)) => PlanInstance {
                                profile,
                                start: pl.start,
                                model: Some(problem.services[s].model.clone()),
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
            .services
            .iter()
            .zip(capacity)
            .map(|(s, capacity)| PlanModel { model: s.model.clone(), rate: s.rate, slo_ms: s.slo_ms, capacity })
            .collect();
        let gpu_count = deployment.gpu_count();
        Plan {
            gpu: problem.gpu.id.to_string(),
            gpu_count,
            gpus,
            models,
            bound: Bound { lower: lower_bound, proven_optimal: lower_bound == gpu_count },
            baseline: Baseline { whole_gpus: problem.whole_gpu_baseline() },
            solver,
        }
    }
}

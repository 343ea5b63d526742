//! Synthetic workloads for benchmarks, property tests and examples.
//!
//! Every generated model is labelled `synthetic-NNN`. Its latency per batch grows linearly
//! with the batch (a fixed overhead plus a per-sample cost), and a profile with `k` of the
//! GPU's `n` compute slices reaches `(k/n)^alpha` of the whole GPU's peak throughput with
//! `alpha` below 1, the sub-linear scaling MIGPerf measured that makes small instances pay
//! off. Some models do not fit the smallest profiles' memory. Same seed, same workload, on
//! every platform.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};

use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::problem::input::{ProfileRow, SourceLoc, WorkloadRow};

pub struct Generated {
    pub profiles: Vec<ProfileRow>,
    pub workload: Vec<WorkloadRow>,
}

const BATCHES: [u32; 7] = [1, 2, 4, 8, 16, 32, 64];

fn log_uniform(rng: &mut impl Rng, low: f64, high: f64) -> f64 {
    rng.random_range(low.ln()..high.ln()).exp()
}

/// `models` synthetic models for `gpu`, reproducible from `seed`.
pub fn synthetic(gpu: &GpuSpec, models: usize, seed: u64) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let plain: Vec<_> = gpu.profiles.iter().filter(|p| p.kind == ProfileKind::Plain).collect();
    let n = gpu.compute_slices as f64;
    let mut profiles = Vec::new();
    let mut workload = Vec::new();
    let loc = |file: &str, line: usize| SourceLoc { file: file.to_string(), line: line as u64 + 2 };
    for i in 0..models {
        let model = format!("synthetic-{i:03}");
        let peak = log_uniform(&mut rng, 400.0, 6000.0);
        let alpha = rng.random_range(0.55..1.0);
        let overhead_ms = rng.random_range(2.0..10.0);
        // Eighths of the GPU's memory the model needs at least.
        let min_eighths = match rng.random_range(0.0..1.0) {
            x if x < 0.08 => 4,
            x if x < 0.30 => 2,
            _ => 1,
        };
        for p in &plain {
            if (p.memory_slots as u32) * 8 / (gpu.memory_slots as u32) < min_eighths {
                continue;
            }
            let share = p.compute as f64 / n;
            let per_sample_ms = 1000.0 / (peak * share.powf(alpha));
            let fixed_ms = overhead_ms * share.powf(-0.3);
            for batch in BATCHES {
                let latency_ms = fixed_ms + per_sample_ms * batch as f64;
                profiles.push(ProfileRow {
                    model: model.clone(),
                    profile: p.name.clone(),
                    batch,
                    latency_ms: round2(latency_ms),
                    throughput: round2(batch as f64 * 1000.0 / latency_ms),
                    processes: 1,
                    gpu: None,
                    loc: loc("synthetic-profiles.csv", profiles.len()),
                });
            }
        }
        let fastest_ms = overhead_ms + 1000.0 / peak;
        let slo_ms = (fastest_ms * rng.random_range(3.0..12.0)).max(20.0).round();
        let rate = (peak * log_uniform(&mut rng, 0.03, 2.5)).round().max(1.0);
        workload.push(WorkloadRow { model, rate, slo_ms, loc: loc("synthetic-workload.csv", i) });
    }
    Generated { profiles, workload }
}

/// `models` synthetic models measured on `base` and, for each `(gpu, speedup)` of `others`,
/// the same models on that GPU at `speedup` times the throughput: every row by its profile's
/// short form (`3g`, which every type has) and naming the GPU it was measured on. A mixed
/// fleet's case, the same for every seed as [`synthetic`] is.
pub fn synthetic_fleet(base: &GpuSpec, others: &[(GpuSpec, f64)], models: usize, seed: u64) -> Generated {
    let generated = synthetic(base, models, seed);
    let mut profiles = Vec::with_capacity(generated.profiles.len() * (1 + others.len()));
    let speedups = std::iter::once((base, 1.0)).chain(others.iter().map(|(g, x)| (g, *x)));
    for r in &generated.profiles {
        let short = r.profile.split('.').next().unwrap_or(&r.profile).to_string();
        for (gpu, speedup) in speedups.clone() {
            let line = profiles.len() + 2;
            profiles.push(ProfileRow {
                profile: short.clone(),
                throughput: if speedup == 1.0 { r.throughput } else { round2(r.throughput * speedup) },
                gpu: Some(gpu.id.to_string()),
                loc: SourceLoc { file: "synthetic-profiles.csv".into(), line: line as u64 },
                ..r.clone()
            });
        }
    }
    Generated { profiles, workload: generated.workload }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// How demand changes between the running plan and the next, for transition tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Up30,
    Down30,
    ModelsAdded,
    ModelsRemoved,
    /// Every rate moved by its own factor between 0.6 and 1.4: some models grow, others shrink.
    Mixed,
}

impl Change {
    pub const ALL: [Change; 5] =
        [Change::Up30, Change::Down30, Change::ModelsAdded, Change::ModelsRemoved, Change::Mixed];

    pub fn name(self) -> &'static str {
        match self {
            Change::Up30 => "demand +30%",
            Change::Down30 => "demand -30%",
            Change::ModelsAdded => "models added",
            Change::ModelsRemoved => "models removed",
            Change::Mixed => "mixed",
        }
    }
}

/// Profiles covering both workloads, the running workload of `models` synthetic models, and
/// the next one after `change` (a fifth of the models added or removed, or every rate moved, together or each its own way).
pub fn demand_change(
    gpu: &GpuSpec,
    models: usize,
    seed: u64,
    change: Change,
) -> (Vec<ProfileRow>, Vec<WorkloadRow>, Vec<WorkloadRow>) {
    let extra = (models / 5).max(1);
    // The generator draws model by model, so the first `models` are the same either way.
    let all = synthetic(gpu, models + extra, seed);
    let old: Vec<WorkloadRow> = all.workload[..models].to_vec();
    let scaled = |factor: f64| -> Vec<WorkloadRow> {
        old.iter().map(|w| WorkloadRow { rate: (w.rate * factor).round().max(1.0), ..w.clone() }).collect()
    };
    let new = match change {
        Change::Up30 => scaled(1.3),
        Change::Down30 => scaled(0.7),
        Change::ModelsAdded => all.workload.clone(),
        Change::ModelsRemoved => old[extra.min(models - 1)..].to_vec(),
        Change::Mixed => {
            // A generator of its own, so the workloads above stay what they were.
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x006d_6978_6564);
            old.iter()
                .map(|w| WorkloadRow { rate: (w.rate * rng.random_range(0.6..1.4)).round().max(1.0), ..w.clone() })
                .collect()
        }
    };
    (all.profiles, old, new)
}

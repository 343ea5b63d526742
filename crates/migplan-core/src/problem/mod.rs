//! A planning problem: one GPU type, the models to serve, and each model's capacity on each
//! profile (the best throughput within its SLO). Built from the rows [`input`] reads.

pub mod generate;
pub mod input;

use crate::hardware::layouts::{maximal_layouts, Layout};
use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::problem::input::{InputError, InputErrors, ProfileRow, WorkloadRow};

/// How a model runs best on one profile within its SLO.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    pub throughput: f64,
    pub batch: u32,
    pub processes: u32,
    pub latency_ms: f64,
}

/// A model to serve: its name, the rate it must serve and its latency SLO.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub rate: f64,
    pub slo_ms: f64,
}

#[derive(Debug, Clone)]
pub struct Problem {
    pub gpu: GpuSpec,
    pub models: Vec<Model>,
    /// `capacity[s][p]`: model `s` on the GPU's profile `p`, if any row meets the SLO.
    pub capacity: Vec<Vec<Option<Capacity>>>,
    /// Profiles at least one model can use, indexes into `gpu.profiles`.
    pub usable_profiles: Vec<usize>,
    /// Maximal layouts over the usable profiles.
    pub layouts: Vec<Layout>,
}

/// Relative slack when comparing summed throughput with a rate, so that float rounding in a
/// sum never turns an exact cover into a shortfall.
pub const RATE_TOLERANCE: f64 = 1e-9;

/// True when `capacity` serves `rate`.
pub fn covers(capacity: f64, rate: f64) -> bool {
    capacity >= rate * (1.0 - RATE_TOLERANCE)
}

impl Problem {
    /// Resolves profile names against `gpu`, picks each model's best row per profile, and
    /// reports every row or model that cannot be used, with where it came from.
    pub fn build(gpu: &GpuSpec, profiles: &[ProfileRow], workload: &[WorkloadRow]) -> Result<Problem, InputErrors> {
        let mut errors = Vec::new();
        let mut resolved = Vec::with_capacity(profiles.len());
        for row in profiles {
            match gpu.resolve_profile(&row.profile) {
                Some(p) => resolved.push((row, p)),
                None => errors.push(
                    InputError::at(
                        &row.loc,
                        Some("profile"),
                        format!("`{}` is not a MIG profile of {}", row.profile, gpu.id),
                    )
                    .with_hint(format!(
                        "{} has {}; the short forms {} mean its plain profiles",
                        gpu.id,
                        gpu.profiles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
                        short_forms(gpu)
                    )),
                ),
            }
        }
        let mut models = Vec::with_capacity(workload.len());
        let mut capacity = Vec::with_capacity(workload.len());
        for (i, w) in workload.iter().enumerate() {
            if let Some(first) = workload[..i].iter().find(|o| o.model == w.model) {
                errors.push(
                    InputError::at(&w.loc, Some("model"), format!("model `{}` appears twice in the workload", w.model))
                        .with_hint(format!("it is first listed on line {}; merge the two rows", first.loc.line)),
                );
                continue;
            }
            let rows: Vec<&(&ProfileRow, usize)> = resolved.iter().filter(|(r, _)| r.model == w.model).collect();
            let mut best: Vec<Option<Capacity>> = vec![None; gpu.profiles.len()];
            for &&(row, p) in &rows {
                if row.latency_ms > w.slo_ms {
                    continue;
                }
                let better = match best[p] {
                    None => true,
                    Some(b) => row.throughput > b.throughput || (row.throughput == b.throughput && row.batch < b.batch),
                };
                if better {
                    best[p] = Some(Capacity {
                        throughput: row.throughput,
                        batch: row.batch,
                        processes: row.processes,
                        latency_ms: row.latency_ms,
                    });
                }
            }
            if w.rate > 0.0 && best.iter().all(Option::is_none) {
                let any_rows = profiles.iter().any(|r| r.model == w.model);
                let error = if !any_rows {
                    InputError::at(&w.loc, Some("model"), format!("model `{}` has no rows in the profiles", w.model))
                        .with_hint(similar_models(&w.model, profiles))
                } else if let Some((fastest, _)) = rows.iter().min_by(|a, b| a.0.latency_ms.total_cmp(&b.0.latency_ms))
                {
                    InputError::at(
                        &w.loc,
                        Some("slo_ms"),
                        format!(
                            "no profile row of `{}` meets its SLO of {} ms: the fastest is {} ms ({} at batch {}, {})",
                            w.model, w.slo_ms, fastest.latency_ms, fastest.profile, fastest.batch, fastest.loc
                        ),
                    )
                    .with_hint("raise the SLO or profile smaller batches")
                } else {
                    // Every row of the model named a profile this GPU lacks: already reported.
                    continue;
                };
                errors.push(error);
                continue;
            }
            models.push(Model { name: w.model.clone(), rate: w.rate, slo_ms: w.slo_ms });
            capacity.push(best);
        }
        if workload.is_empty() {
            errors.push(InputError {
                file: String::new(),
                line: None,
                column: None,
                message: "the workload is empty".into(),
                hint: Some("list at least one model with its rate and SLO".into()),
            });
        }
        if !errors.is_empty() {
            return Err(InputErrors(errors));
        }
        Ok(Problem::from_capacity(gpu.clone(), models, capacity))
    }

    /// Builds a problem from capacities already worked out.
    pub fn from_capacity(gpu: GpuSpec, models: Vec<Model>, capacity: Vec<Vec<Option<Capacity>>>) -> Problem {
        let usable_profiles: Vec<usize> =
            (0..gpu.profiles.len()).filter(|&p| capacity.iter().any(|row| row[p].is_some())).collect();
        let layouts = maximal_layouts(&gpu, &usable_profiles);
        Problem { gpu, models, capacity, usable_profiles, layouts }
    }

    /// Serving every model on whole-GPU instances only: the paper's baseline. `None` when
    /// some model with demand cannot run on a whole GPU within its SLO.
    pub fn whole_gpu_baseline(&self) -> Option<usize> {
        let whole = self.gpu.whole_gpu_profile();
        self.models
            .iter()
            .zip(&self.capacity)
            .map(|(s, caps)| {
                if s.rate <= 0.0 {
                    return Some(0);
                }
                let c = caps[whole]?;
                Some(instances_needed(s.rate, c.throughput))
            })
            .sum()
    }
}

/// How many instances of throughput `each` serve `rate`.
pub fn instances_needed(rate: f64, each: f64) -> usize {
    let n = (rate / each).ceil().max(0.0) as usize;
    // The division can land a hair above an integer; take the smaller count when it covers.
    if n > 0 && covers((n - 1) as f64 * each, rate) {
        n - 1
    } else {
        n
    }
}

fn short_forms(gpu: &GpuSpec) -> String {
    let mut sizes: Vec<u8> = gpu.profiles.iter().filter(|p| p.kind == ProfileKind::Plain).map(|p| p.compute).collect();
    sizes.dedup();
    sizes.iter().map(|c| format!("{c}g")).collect::<Vec<_>>().join(", ")
}

fn similar_models(model: &str, profiles: &[ProfileRow]) -> String {
    let mut known: Vec<&str> = profiles.iter().map(|r| r.model.as_str()).collect();
    known.sort_unstable();
    known.dedup();
    let lower = model.to_ascii_lowercase();
    let close: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| {
            let k = k.to_ascii_lowercase();
            k.contains(&lower) || lower.contains(&k)
        })
        .collect();
    if !close.is_empty() {
        format!("did you mean {}?", close.join(" or "))
    } else if known.is_empty() {
        "the profiles file has no rows".to_string()
    } else {
        format!("the profiles cover {}", known.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::gpu;
    use crate::problem::input::{parse_profiles, parse_workload};

    const PROFILES: &str = "model,profile,batch,latency_ms,throughput\n\
        bert,1g,8,40,200\nbert,1g,16,90,300\nbert,7g.40gb,16,12,1400\nbert,3g.20gb,16,30,700\n\
        resnet,7g,32,20,2500\n";

    fn problem(workload: &str) -> Result<Problem, InputErrors> {
        let g = gpu("a100-40gb").unwrap();
        let p = parse_profiles("p.csv", PROFILES).unwrap();
        let w = parse_workload("w.csv", workload).unwrap();
        Problem::build(&g, &p, &w)
    }

    #[test]
    fn capacity_is_best_throughput_within_slo() {
        let pr = problem("model,rate,slo_ms\nbert,1000,50\n").unwrap();
        let g = &pr.gpu;
        let one = pr.capacity[0][g.profile("1g.5gb").unwrap()].unwrap();
        assert_eq!((one.throughput, one.batch), (200.0, 8));
        let pr = problem("model,rate,slo_ms\nbert,1000,100\n").unwrap();
        assert_eq!(pr.capacity[0][g.profile("1g.5gb").unwrap()].unwrap().batch, 16);
        assert_eq!(pr.usable_profiles.len(), 3);
        assert_eq!(pr.whole_gpu_baseline(), Some(1));
    }

    #[test]
    fn unknown_model_is_named() {
        let e = problem("model,rate,slo_ms\nber,10,100\n").unwrap_err().0.remove(0);
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("`ber`"), "{e}");
        assert!(e.hint.unwrap().contains("bert"));
    }

    #[test]
    fn slo_too_tight_names_best_latency() {
        let e = problem("model,rate,slo_ms\nbert,10,5\n").unwrap_err().0.remove(0);
        assert_eq!(e.column.as_deref(), Some("slo_ms"));
        assert!(e.message.contains("12 ms"), "{e}");
        assert!(e.message.contains("p.csv:4"), "{e}");
    }

    #[test]
    fn duplicate_model_is_an_error() {
        let e = problem("model,rate,slo_ms\nbert,10,100\nbert,5,100\n").unwrap_err().0.remove(0);
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn unknown_profile_names_the_gpu_profiles() {
        let g = gpu("a100-40gb").unwrap();
        let p = parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,3g.40gb,1,10,100\n").unwrap();
        let w = parse_workload("w.csv", "model,rate,slo_ms\nbert,10,100\n").unwrap();
        let errs = Problem::build(&g, &p, &w).unwrap_err().0;
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column.as_deref()), (Some(2), Some("profile")));
        assert!(errs[0].hint.as_ref().unwrap().contains("3g.20gb"));
    }

    #[test]
    fn instances_needed_rounds_up_without_float_noise() {
        assert_eq!(instances_needed(1000.0, 250.0), 4);
        assert_eq!(instances_needed(1000.1, 250.0), 5);
        assert_eq!(instances_needed(0.3, 0.1), 3);
        assert_eq!(instances_needed(0.0, 5.0), 0);
    }
}

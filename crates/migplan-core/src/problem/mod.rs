//! A planning problem: the fleet to plan on (one GPU type, or several with a price each), the
//! models to serve, and each model's capacity on each profile (the best throughput within its
//! SLO). Built from the rows [`input`] reads.

mod counting;
pub mod fleet;
pub mod generate;
mod hints;
pub mod import;
pub mod input;
pub mod notes;

use std::collections::HashMap;
use std::ops::Range;

use crate::hardware::fleet::Fleet;
use crate::hardware::layouts::Layout;
use crate::hardware::spec::{GpuSpec, ProfileSpec};
pub use crate::problem::counting::{covers, instances_needed, still_missing, whole_units, RATE_TOLERANCE};
use crate::problem::fleet::{fleet_layouts, least_fleet_cost_from, profile_blocks, NodePrice};
use crate::problem::hints::{no_rows, unknown_profiles};
use crate::problem::input::limits::readable;
use crate::problem::input::{InputError, InputErrors, ProfileRow, WorkloadRow};
use crate::sorting;

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
    /// The GPU types and their prices.
    pub fleet: Fleet,
    /// Every type's profiles in turn (see [`fleet`]): what a profile index means below.
    pub profiles: Vec<ProfileSpec>,
    /// Each type's block of `profiles`, in the fleet's order.
    pub blocks: Vec<Range<usize>>,
    /// The type of each layout, indexes into the fleet's types.
    pub layout_type: Vec<usize>,
    /// What a node costs, when nodes count in the cost.
    pub node_price: Option<NodePrice>,
    pub models: Vec<Model>,
    /// `capacity[s][p]`: model `s` on profile `p`, if any row meets the SLO.
    pub capacity: Vec<Vec<Option<Capacity>>>,
    /// Profiles at least one model can use, indexes into `profiles`.
    pub usable_profiles: Vec<usize>,
    /// Maximal layouts over the usable profiles.
    pub layouts: Vec<Layout>,
}

/// The most instances one model may need: past this the rate or the throughput is almost
/// certainly in the wrong unit, and the searches would only grow.
pub const MAX_INSTANCES_PER_MODEL: usize = 100_000;
/// The most instances a whole workload may need (about 150,000 GPUs of 7 slices).
pub const MAX_INSTANCES: usize = 1_000_000;

/// Each profile's best row of a model within `slo_ms`: the highest throughput, ties to the
/// smaller batch.
fn best_per_profile(profiles: usize, rows: &[(&ProfileRow, usize)], slo_ms: f64) -> Vec<Option<Capacity>> {
    let mut best: Vec<Option<Capacity>> = vec![None; profiles];
    for &(row, p) in rows {
        if row.latency_ms > slo_ms {
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
    best
}

impl Problem {
    /// Resolves profile names against the fleet's types, picks each model's best row per
    /// profile, and reports every row or model that cannot be used, with where it came from.
    /// A row naming its `gpu` belongs to that type alone (and to none when the type is not
    /// planned on); a row without one belongs to every type that has its profile.
    pub fn build(fleet: &Fleet, profiles: &[ProfileRow], workload: &[WorkloadRow]) -> Result<Problem, InputErrors> {
        let (combined, blocks) = profile_blocks(fleet);
        let mut errors = Vec::new();
        // Rows by model, each with its profile resolved: one pass, so building stays linear.
        let mut rows_of: HashMap<&str, Vec<(&ProfileRow, usize)>> = HashMap::new();
        let mut resolved: HashMap<(&str, usize), Option<usize>> = HashMap::new();
        let mut measured: Vec<&str> = Vec::new();
        // Rows naming a profile their GPU lacks, by name; each model's first row of an unplanned type.
        let mut unknown: Vec<(&str, &GpuSpec, Vec<&ProfileRow>)> = Vec::new();
        let mut elsewhere: HashMap<&str, &ProfileRow> = HashMap::new();
        // A file lists a model's rows together: each run goes in the map once, not each row.
        for run in profiles.chunk_by(|a, b| a.model == b.model) {
            let mut kept = Vec::new();
            for row in run {
                let mut planned = fleet
                    .types()
                    .iter()
                    .zip(&blocks)
                    .filter(|(t, _)| row.gpu.as_deref().is_none_or(|g| g.eq_ignore_ascii_case(t.spec.id)));
                let Some(first) = planned.clone().next() else {
                    elsewhere.entry(&row.model).or_insert(row);
                    continue;
                };
                if measured.last() != Some(&row.model.as_str()) {
                    measured.push(&row.model);
                }
                let mut found = false;
                for (ty, block) in planned.by_ref() {
                    let profile = *resolved
                        .entry((row.profile.as_str(), block.start))
                        .or_insert_with(|| ty.spec.resolve_profile(&row.profile).map(|p| p + block.start));
                    if let Some(p) = profile {
                        kept.push((row, p));
                        found = true;
                    }
                }
                if !found {
                    match unknown.iter_mut().find(|(name, _, _)| *name == row.profile) {
                        Some((_, _, rows)) => rows.push(row),
                        None => unknown.push((&row.profile, &first.0.spec, vec![row])),
                    }
                }
            }
            rows_of.entry(run[0].model.as_str()).or_default().extend(kept);
        }
        errors.extend(unknown_profiles(fleet.first(), &unknown));
        sorting::sort(&mut measured);
        measured.dedup();
        let mut models = Vec::with_capacity(workload.len());
        let mut capacity = Vec::with_capacity(workload.len());
        let mut first_row: HashMap<&str, &WorkloadRow> = HashMap::new();
        let mut instances_at_least = 0usize;
        for w in workload {
            if let Some(first) = first_row.insert(w.model.as_str(), w) {
                first_row.insert(w.model.as_str(), first);
                errors.push(
                    InputError::at(&w.loc, Some("model"), format!("model `{}` appears twice in the workload", w.model))
                        .with_hint(format!("it is first listed on line {}; merge the two rows", first.loc.line)),
                );
                continue;
            }
            let rows = rows_of.get(w.model.as_str()).map_or(&[][..], Vec::as_slice);
            let best = best_per_profile(combined.len(), rows, w.slo_ms);
            if w.rate > 0.0 && best.iter().all(Option::is_none) {
                let error = if measured.binary_search(&w.model.as_str()).is_err() {
                    no_rows(w, &measured, elsewhere.get(w.model.as_str()).copied(), fleet)
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
            let fastest = best.iter().flatten().map(|c| c.throughput).fold(0.0, f64::max);
            let needed = if w.rate > 0.0 { instances_needed(w.rate, fastest) } else { 0 };
            if needed > MAX_INSTANCES_PER_MODEL {
                errors.push(
                    InputError::at(
                        &w.loc,
                        Some("rate"),
                        format!(
                            "`{}` needs at least {needed} instances at its best {}/s each: more than the \
                             {MAX_INSTANCES_PER_MODEL} migplan plans for one model",
                            w.model,
                            readable(fastest)
                        ),
                    )
                    .with_hint("check the units: rate and throughput are both requests per second"),
                );
                continue;
            }
            instances_at_least += needed;
            models.push(Model { name: w.model.clone(), rate: w.rate, slo_ms: w.slo_ms });
            capacity.push(best);
        }
        if workload.is_empty() {
            errors.push(InputError {
                file: String::new(),
                line: None,
                column: None,
                character: None,
                message: "the workload is empty".into(),
                hint: Some("list at least one model with its rate and SLO".into()),
            });
        }
        if instances_at_least > MAX_INSTANCES {
            let file = workload.first().map_or(String::new(), |w| w.loc.file.clone());
            errors.push(InputError {
                file,
                line: None,
                column: Some("rate".into()),
                character: None,
                message: format!(
                    "the workload needs at least {instances_at_least} instances: more than the {MAX_INSTANCES} \
                     migplan plans at once"
                ),
                hint: Some("plan it in parts, or check that the rates are requests per second".into()),
            });
        }
        if !errors.is_empty() {
            return Err(InputErrors(errors));
        }
        Ok(Problem::from_capacity(fleet.clone(), models, capacity))
    }

    /// Builds a problem from capacities already worked out (`capacity[s][p]` over every
    /// type's profiles in turn).
    pub fn from_capacity(fleet: Fleet, models: Vec<Model>, capacity: Vec<Vec<Option<Capacity>>>) -> Problem {
        let (profiles, blocks) = profile_blocks(&fleet);
        let usable_profiles: Vec<usize> =
            (0..profiles.len()).filter(|&p| capacity.iter().any(|row| row[p].is_some())).collect();
        let (layouts, layout_type) = fleet_layouts(&fleet, &blocks, &usable_profiles);
        Problem { fleet, profiles, blocks, layout_type, node_price: None, models, capacity, usable_profiles, layouts }
    }

    pub fn is_mixed(&self) -> bool {
        self.fleet.is_mixed()
    }

    /// Plans are compared by cost, not GPUs: several types, or nodes priced.
    pub fn is_priced(&self) -> bool {
        self.is_mixed() || self.node_price.is_some()
    }

    /// What one GPU of type `t` costs in the problem's unit, the cheapest type's price:
    /// planning works on these, so that a plan, its bound and their proof do not depend on
    /// the currency (the tolerances of the searches are set for numbers near 1).
    pub fn type_cost(&self, t: usize) -> f64 {
        self.fleet.types()[t].price / self.fleet.cheapest()
    }

    /// What one GPU of layout `l` costs.
    pub fn layout_cost(&self, l: usize) -> f64 {
        self.type_cost(self.layout_type[l])
    }

    /// The type whose block holds profile `p`.
    pub fn type_of_profile(&self, p: usize) -> usize {
        self.blocks.iter().position(|b| b.contains(&p)).expect("every profile is in a type's block")
    }

    /// The GPU type `t` is.
    pub fn spec(&self, t: usize) -> &GpuSpec {
        &self.fleet.types()[t].spec
    }

    /// One unit of the problem's costs in the user's prices: the cheapest type's price.
    pub fn price_unit(&self) -> f64 {
        self.fleet.cheapest()
    }

    /// The problem with its nodes priced at `nodes` (the user's price, in the problem's unit).
    pub fn with_nodes(self, nodes: Option<NodePrice>) -> Problem {
        let unit = self.price_unit();
        Problem { node_price: nodes.map(|n| NodePrice { cost: n.cost / unit, ..n }), ..self }
    }

    /// Every type's cost in the problem's unit, in the fleet's order.
    fn type_costs(&self) -> Vec<f64> {
        (0..self.blocks.len()).map(|t| self.type_cost(t)).collect()
    }

    /// A fleet of cost `c` has at least `c / max_cost` GPUs.
    pub fn max_cost(&self) -> f64 {
        self.type_costs().into_iter().fold(0.0, f64::max)
    }

    /// The least cost of whole GPUs at or above `value`, a cost bound proven in floating point.
    pub fn cost_bound(&self, value: f64) -> f64 {
        let costs = self.type_costs();
        if costs.iter().all(|&c| c == costs[0]) {
            costs[0] * crate::problem::whole_units(value / costs[0]) as f64
        } else {
            least_fleet_cost_from(&costs, value)
        }
    }

    /// Only type `t`'s profiles usable, every layout kept (the others then serve nothing);
    /// `None` when some model with demand cannot run on that type.
    pub fn only_type(&self, t: usize) -> Option<Problem> {
        let block = self.blocks[t].clone();
        let capacity: Vec<Vec<_>> = self
            .capacity
            .iter()
            .map(|row| row.iter().enumerate().map(|(p, c)| if block.contains(&p) { *c } else { None }).collect())
            .collect();
        let served = |s: usize| self.models[s].rate <= 0.0 || capacity[s].iter().any(Option::is_some);
        (0..self.models.len()).all(served).then_some(())?;
        Some(Problem {
            usable_profiles: self.usable_profiles.iter().copied().filter(|p| block.contains(p)).collect(),
            capacity,
            ..self.clone()
        })
    }

    /// Every model on whole GPUs only (the paper's baseline; on a mix, its cheapest type's);
    /// `None` when some model misses its SLO on every whole GPU.
    pub fn whole_gpu_baseline(&self) -> Option<usize> {
        self.models
            .iter()
            .zip(&self.capacity)
            .map(|(s, caps)| {
                if s.rate <= 0.0 {
                    return Some(0);
                }
                (0..self.blocks.len())
                    .filter_map(|t| {
                        let c = caps[self.blocks[t].start + self.spec(t).whole_gpu_profile()]?;
                        let n = instances_needed(s.rate, c.throughput);
                        Some((n as f64 * self.type_cost(t), n))
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, n)| n)
            })
            .try_fold(0usize, |total, n| Some(total.saturating_add(n?)))
    }
}

#[cfg(test)]
mod tests;

//! A plan's cost: the stated numbers recomputed from the GPUs and the fleet's prices.

use std::collections::BTreeMap;

use crate::check::violation::Violation;
use crate::hardware::fleet::Fleet;
use crate::hardware::spec::MAX_GPUS_PER_NODE;
use crate::plan::{Cost, Plan};
use crate::problem::input::limits::{Range, PRICE};

/// Relative slack when comparing costs summed in floating point.
const COST_TOLERANCE: f64 = 1e-9;

/// The violations of `plan`'s `cost` at the fleet's prices: each type's spend, the nodes
/// (each type's GPUs in nodes of `gpus_per_node`) when priced, the total, the bound below it
/// and any claim of optimality. A plan over several types must state its cost.
pub(super) fn cost(fleet: &Fleet, plan: &Plan) -> Vec<Violation> {
    let mut found = Vec::new();
    let Some(cost) = &plan.cost else {
        if fleet.is_mixed() {
            found.push(Violation::CostMissing);
        }
        return found;
    };
    // A number no plan can hold is named as such, before any sum is compared with it.
    let out_of_range = cost_out_of_range(cost);
    if !out_of_range.is_empty() {
        found.extend(out_of_range);
        return found;
    }
    let mut spent: BTreeMap<String, f64> = fleet.types().iter().map(|t| (t.spec.id.to_string(), 0.0)).collect();
    for g in &plan.gpus {
        if let Some((_, t)) = fleet.named(g.gpu.as_deref().unwrap_or(&plan.gpu)) {
            *spent.entry(t.spec.id.to_string()).or_default() += t.price;
        }
    }
    // Relative, so that a plan priced in thousands and one priced in thousandths are checked
    // alike.
    let differs = |a: f64, b: f64| (a - b).abs() > COST_TOLERANCE * a.abs().max(b.abs());
    for (gpu_type, &stated) in &cost.per_type {
        let actual = spent.get(gpu_type).copied().unwrap_or(0.0);
        if differs(stated, actual) {
            found.push(Violation::CostWrong { field: format!("per_type.{gpu_type}"), stated, actual });
        }
    }
    for (gpu_type, &actual) in &spent {
        if actual > 0.0 && !cost.per_type.contains_key(gpu_type) {
            found.push(Violation::CostWrong { field: format!("per_type.{gpu_type}"), stated: 0.0, actual });
        }
    }
    let mut total: f64 = spent.values().sum();
    if let Some(nodes) = &cost.nodes {
        // Each type's GPUs fill nodes of their own.
        let mut gpus_of: BTreeMap<&str, usize> = BTreeMap::new();
        for g in &plan.gpus {
            *gpus_of.entry(g.gpu.as_deref().unwrap_or(&plan.gpu)).or_default() += 1;
        }
        let count: usize = gpus_of.values().map(|n| n.div_ceil(nodes.gpus_per_node.max(1))).sum();
        if count != nodes.count {
            let field = "nodes.count".to_string();
            found.push(Violation::CostWrong { field, stated: nodes.count as f64, actual: count as f64 });
        }
        total += count as f64 * nodes.cost_each;
    }
    if differs(cost.total, total) {
        found.push(Violation::CostWrong { field: "total".into(), stated: cost.total, actual: total });
    }
    if cost.lower > total * (1.0 + COST_TOLERANCE) {
        found.push(Violation::CostBoundAbove { lower: cost.lower, total });
    }
    if plan.bound.proven_optimal && total > cost.lower * (1.0 + COST_TOLERANCE) {
        found.push(Violation::FalseCostOptimalClaim { lower: cost.lower, total });
    }
    found
}

/// The cost's numbers outside what a plan can hold: sums of prices are finite and not
/// negative, a node's price is a price (`limits::PRICE`) and a node holds 1 to
/// `MAX_GPUS_PER_NODE` GPUs.
fn cost_out_of_range(cost: &Cost) -> Vec<Violation> {
    let sum = Range { min: 0.0, min_allowed: true, max: f64::MAX, unit: "" };
    let mut checked: Vec<(String, f64, &Range)> =
        vec![("total".into(), cost.total, &sum), ("lower".into(), cost.lower, &sum)];
    checked.extend(cost.per_type.iter().map(|(t, &v)| (format!("per_type.{t}"), v, &sum)));
    let per_node = Range { min: 1.0, min_allowed: true, max: MAX_GPUS_PER_NODE as f64, unit: "GPUs" };
    if let Some(nodes) = &cost.nodes {
        checked.push(("nodes.cost_each".into(), nodes.cost_each, &PRICE));
        checked.push(("nodes.gpus_per_node".into(), nodes.gpus_per_node as f64, &per_node));
    }
    checked
        .into_iter()
        .filter_map(|(field, value, range)| {
            range.check(value).err().map(|problem| Violation::CostOutOfRange { field, problem })
        })
        .collect()
}

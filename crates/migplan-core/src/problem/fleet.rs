//! Several GPU types in one problem: each type's profiles get a block of the problem's profile
//! indexes and each type's maximal layouts become layouts of the problem, so the relaxation,
//! the covers and the packing see one list of profiles and layouts, each layout with the cost
//! of its type.

use std::ops::Range;

use crate::hardware::layouts::{maximal_layouts, Layout};
use crate::hardware::spec::{GpuSpec, MAX_GPUS_PER_NODE};
use crate::problem::input::limits::{readable, PRICE};
use crate::problem::input::{InputError, InputErrors};
use crate::sorting;

/// A GPU type planning may use, with what one GPU of it costs (dollars per hour, say; 1 when
/// the user gives no cost, so that cost counts GPUs).
#[derive(Debug, Clone, PartialEq)]
pub struct PricedGpu {
    pub spec: GpuSpec,
    pub cost: f64,
}

impl PricedGpu {
    pub fn unit(spec: GpuSpec) -> PricedGpu {
        PricedGpu { spec, cost: 1.0 }
    }
}

/// What a node costs and how many GPUs of one type it holds: a plan's nodes are, per type,
/// its GPUs of that type in nodes of `gpus_per_node`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodePrice {
    pub gpus_per_node: usize,
    pub cost: f64,
}

impl NodePrice {
    /// Nodes for `gpus_of_type[t]` GPUs of each type.
    pub fn nodes(&self, gpus_of_type: &[usize]) -> usize {
        gpus_of_type.iter().map(|n| n.div_ceil(self.gpus_per_node.max(1))).sum()
    }
}

/// A GPU type of a problem and where its profiles sit among the problem's profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuType {
    pub spec: GpuSpec,
    /// What one GPU costs in the problem's unit: the cheapest type's price. Planning works
    /// on these, so that a plan, its bound and their proof do not depend on the currency
    /// (the tolerances of the searches are set for numbers near 1).
    pub cost: f64,
    /// What one GPU costs as the user priced it: what plans state.
    pub price: f64,
    /// This type's profiles, as indexes into the problem's profiles.
    pub profiles: Range<usize>,
}

/// The most the dearest price of a plan (GPU types and node) may be over the cheapest:
/// beyond it the cheap prices vanish in the rounding of the dear ones' sums.
pub const MAX_PRICE_RATIO: f64 = 10_000.0;

/// Why these prices cannot be planned with, if they cannot: each within `limits::PRICE`,
/// the dearest at most [`MAX_PRICE_RATIO`] times the cheapest, and a priced node holding 1
/// to `MAX_GPUS_PER_NODE` GPUs.
pub fn check_prices(fleet: &[PricedGpu], nodes: Option<NodePrice>) -> Result<(), InputErrors> {
    let mut prices: Vec<(String, f64)> = fleet.iter().map(|t| (format!("--cost {}", t.spec.id), t.cost)).collect();
    prices.extend(nodes.map(|n| ("--node-cost".to_string(), n.cost)));
    let error = |column: &str, message: String, hint: String| InputError {
        file: String::new(),
        line: None,
        column: Some(column.to_string()),
        character: None,
        message,
        hint: Some(hint),
    };
    let mut errors: Vec<InputError> = prices
        .iter()
        .filter_map(|(what, p)| PRICE.check(*p).err().map(|m| (what, m)))
        .map(|(what, m)| error(what, m, format!("a price is {} (see Limits in the docs)", PRICE.describe())))
        .collect();
    if let Some(n) = nodes.filter(|n| !(1..=MAX_GPUS_PER_NODE).contains(&n.gpus_per_node)) {
        errors.push(error(
            "--gpus-per-node",
            format!("{} GPUs per node", n.gpus_per_node),
            format!("a node holds 1 to {MAX_GPUS_PER_NODE} GPUs"),
        ));
    }
    if errors.is_empty() {
        let cheapest = prices.iter().min_by(|a, b| a.1.total_cmp(&b.1)).expect("a fleet has a type");
        let dearest = prices.iter().max_by(|a, b| a.1.total_cmp(&b.1)).expect("a fleet has a type");
        if dearest.1 > cheapest.1 * MAX_PRICE_RATIO {
            errors.push(error(
                &dearest.0,
                format!(
                    "{} is more than {} times {} ({})",
                    readable(dearest.1),
                    readable(MAX_PRICE_RATIO),
                    readable(cheapest.1),
                    cheapest.0
                ),
                format!(
                    "the dearest price may be at most {} times the cheapest (see Limits in the docs): leave out a type \
                     that costs next to nothing, or price them in one unit",
                    readable(MAX_PRICE_RATIO)
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputErrors(errors))
    }
}

/// The problem's view of several types: one spec whose profiles are every type's profiles in
/// turn (named as each type names them), and the types with their blocks, each costing its
/// price over the cheapest's. One type is its own spec, unchanged.
pub fn combine(fleet: &[PricedGpu]) -> (GpuSpec, Vec<GpuType>) {
    let mut types = Vec::with_capacity(fleet.len());
    let mut combined = fleet[0].spec.clone();
    combined.profiles.clear();
    let unit = fleet.iter().map(|t| t.cost).fold(f64::INFINITY, f64::min);
    for t in fleet {
        let from = combined.profiles.len();
        combined.profiles.extend(t.spec.profiles.iter().cloned());
        let profiles = from..combined.profiles.len();
        types.push(GpuType { spec: t.spec.clone(), cost: t.cost / unit, price: t.cost, profiles });
    }
    if fleet.len() == 1 {
        return (fleet[0].spec.clone(), types);
    }
    (combined, types)
}

/// Every type's maximal layouts over its usable profiles, as layouts of the combined profiles,
/// and the type of each.
pub fn fleet_layouts(types: &[GpuType], usable_profiles: &[usize], total_profiles: usize) -> (Vec<Layout>, Vec<usize>) {
    let mut layouts = Vec::new();
    let mut layout_type = Vec::new();
    for (t, ty) in types.iter().enumerate() {
        let usable: Vec<usize> =
            usable_profiles.iter().filter(|p| ty.profiles.contains(p)).map(|p| p - ty.profiles.start).collect();
        if usable.is_empty() {
            continue;
        }
        for mut layout in maximal_layouts(&ty.spec, &usable) {
            layout.placements.iter_mut().for_each(|pl| pl.profile += ty.profiles.start);
            let mut counts = vec![0; total_profiles];
            counts[ty.profiles.clone()].copy_from_slice(&layout.counts);
            layout.counts = counts;
            layouts.push(layout);
            layout_type.push(t);
        }
    }
    (layouts, layout_type)
}

/// Past this many fleets tried, [`least_fleet_cost_from`] keeps the bound it was given.
const MAX_FLEETS_TRIED: usize = 1_000_000;

/// The least cost of a whole number of GPUs of each price in `costs` at or above `value` (a
/// bound proven in floating point, so a hair of slack): any fleet costing at least `value`
/// costs at least this. `value` itself when the fleets to try are too many.
pub fn least_fleet_cost_from(costs: &[f64], value: f64) -> f64 {
    let target = value - 1e-6 * value.abs().max(1.0);
    if target <= 0.0 {
        return value.max(0.0);
    }
    // The dearest types are counted one by one, the cheapest filled in at once.
    let mut costs = costs.to_vec();
    sorting::sort_by(&mut costs, |a, b| b.total_cmp(a));
    let tries: f64 = costs[..costs.len() - 1].iter().map(|c| target / c + 1.0).product();
    if tries > MAX_FLEETS_TRIED as f64 {
        return value;
    }
    least_sum(&costs, target)
}

/// The least sum of whole multiples of `costs` that reaches `target`.
fn least_sum(costs: &[f64], target: f64) -> f64 {
    let (&first, rest) = costs.split_first().expect("a fleet has a type");
    if target <= 0.0 {
        return 0.0;
    }
    if rest.is_empty() {
        return first * (target / first).ceil();
    }
    let most = (target / first).ceil() as usize;
    (0..=most).map(|n| n as f64 * first + least_sum(rest, target - n as f64 * first)).fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::least_fleet_cost_from;

    #[test]
    fn the_cost_bound_rises_to_the_least_fleet_cost_above_it() {
        // 1.0 and 2.2 make 9.0, 9.2, 9.4, ...: nothing costs between 9.05 and 9.2.
        assert!((least_fleet_cost_from(&[1.0, 2.2], 9.05) - 9.2).abs() < 1e-9);
        assert!((least_fleet_cost_from(&[2.2, 1.0], 8.8) - 8.8).abs() < 1e-9);
        assert!((least_fleet_cost_from(&[3.0, 5.0], 7.5) - 8.0).abs() < 1e-9);
        assert_eq!(least_fleet_cost_from(&[1.0, 2.2], 0.0), 0.0);
        // Brute force over small fleets.
        for value in [0.3, 1.7, 4.4, 6.61, 12.05] {
            let mut least = f64::INFINITY;
            for a in 0..20 {
                for b in 0..20 {
                    let c = a as f64 * 1.5 + b as f64 * 2.5;
                    if c >= value - 1e-9 {
                        least = least.min(c);
                    }
                }
            }
            assert!((least_fleet_cost_from(&[1.5, 2.5], value) - least).abs() < 1e-9, "{value}");
        }
    }
}

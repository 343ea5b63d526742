//! Several GPU types in one problem: each type's profiles get a block of the problem's profile
//! indexes and each type's maximal layouts become layouts of the problem, so the relaxation,
//! the covers and the packing see one list of profiles and layouts, each layout with the cost
//! of its type. Nodes may be priced too.

use std::ops::Range;

use crate::hardware::fleet::Fleet;
use crate::hardware::layouts::{maximal_layouts, Layout};
use crate::hardware::spec::ProfileSpec;
use crate::sorting;

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

/// Every type's profiles in turn (named as each type names them), and each type's block of
/// them.
pub fn profile_blocks(fleet: &Fleet) -> (Vec<ProfileSpec>, Vec<Range<usize>>) {
    let mut profiles = Vec::new();
    let mut blocks = Vec::with_capacity(fleet.types().len());
    for t in fleet.types() {
        let from = profiles.len();
        profiles.extend(t.spec.profiles.iter().cloned());
        blocks.push(from..profiles.len());
    }
    (profiles, blocks)
}

/// Every type's maximal layouts over its usable profiles, as layouts of the combined profiles,
/// and the type of each.
pub fn fleet_layouts(fleet: &Fleet, blocks: &[Range<usize>], usable_profiles: &[usize]) -> (Vec<Layout>, Vec<usize>) {
    let total_profiles = blocks.last().map_or(0, |b| b.end);
    let mut layouts = Vec::new();
    let mut layout_type = Vec::new();
    for (t, (ty, block)) in fleet.types().iter().zip(blocks).enumerate() {
        let usable: Vec<usize> =
            usable_profiles.iter().filter(|p| block.contains(p)).map(|p| p - block.start).collect();
        if usable.is_empty() {
            continue;
        }
        for mut layout in maximal_layouts(&ty.spec, &usable) {
            layout.placements.iter_mut().for_each(|pl| pl.profile += block.start);
            let mut counts = vec![0; total_profiles];
            counts[block.clone()].copy_from_slice(&layout.counts);
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

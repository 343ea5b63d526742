//! Several GPU types in one problem: each type's profiles get a block of the problem's profile
//! indexes and each type's maximal layouts become layouts of the problem, so the relaxation,
//! the covers and the packing see one list of profiles and layouts, each layout with the cost
//! of its type.

use std::ops::Range;

use crate::hardware::layouts::{maximal_layouts, Layout};
use crate::hardware::spec::GpuSpec;

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

/// A GPU type of a problem and where its profiles sit among the problem's profiles.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuType {
    pub spec: GpuSpec,
    pub cost: f64,
    /// This type's profiles, as indexes into the problem's profiles.
    pub profiles: Range<usize>,
}

/// The problem's view of several types: one spec whose profiles are every type's profiles in
/// turn (named as each type names them), and the types with their blocks. One type is its own
/// spec, unchanged.
pub fn combine(fleet: &[PricedGpu]) -> (GpuSpec, Vec<GpuType>) {
    let mut types = Vec::with_capacity(fleet.len());
    let mut combined = fleet[0].spec.clone();
    combined.profiles.clear();
    for t in fleet {
        let from = combined.profiles.len();
        combined.profiles.extend(t.spec.profiles.iter().cloned());
        types.push(GpuType { spec: t.spec.clone(), cost: t.cost, profiles: from..combined.profiles.len() });
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

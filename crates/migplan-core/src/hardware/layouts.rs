//! Legal MIG layouts, derived from the catalog's placement rules.
//!
//! A layout is a set of instances (profile, start) on one GPU: no two overlap in memory
//! slots, compute adds up to at most the GPU's slices, and no profile exceeds its max count.
//! Planning only needs *maximal* layouts: multisets of profiles that are legal and to which
//! no further instance can be added. Any smaller legal multiset is contained in one of them,
//! and an unused instance costs nothing, so nothing is lost by planning on maximal ones.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::hardware::spec::{GpuSpec, ProfileKind};
use crate::sorting;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Placement {
    /// Index into the GPU's `profiles`.
    pub profile: usize,
    pub start: u8,
}

/// A maximal layout: how many instances of each profile it has, and one placement of them
/// the driver accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Instances sorted by start.
    pub placements: Vec<Placement>,
    /// Instance count per profile, indexed like the GPU's `profiles`.
    pub counts: Vec<u32>,
}

impl Layout {
    pub fn compute_used(&self, gpu: &GpuSpec) -> u32 {
        self.placements.iter().map(|p| gpu.profiles[p.profile].compute as u32).sum()
    }
}

/// The profiles planning uses by default: no `+me` and no double-memory variants.
pub fn plain_profiles(gpu: &GpuSpec) -> Vec<usize> {
    (0..gpu.profiles.len()).filter(|&p| gpu.profiles[p].kind == ProfileKind::Plain).collect()
}

/// Every (profile, start) an instance of one of `allowed` could take, largest instances
/// first, so that the first placement found for a multiset puts big instances early.
fn candidates(gpu: &GpuSpec, allowed: &[usize]) -> Vec<Placement> {
    let mut order = allowed.to_vec();
    sorting::sort_by_key(&mut order, |&p| {
        (std::cmp::Reverse(gpu.profiles[p].memory_slots), std::cmp::Reverse(gpu.profiles[p].compute), p)
    });
    order
        .into_iter()
        .flat_map(|p| gpu.profiles[p].starts.iter().map(move |&start| Placement { profile: p, start }))
        .collect()
}

struct Search<'a> {
    gpu: &'a GpuSpec,
    candidates: Vec<Placement>,
    chosen: Vec<Placement>,
    counts: Vec<u32>,
    mask: u16,
    compute: u32,
}

impl Search<'_> {
    fn fits(&self, c: Placement) -> bool {
        let spec = &self.gpu.profiles[c.profile];
        self.mask & spec.slot_mask(c.start) == 0
            && self.compute + spec.compute as u32 <= self.gpu.compute_slices as u32
            && self.counts[c.profile] < spec.max_count as u32
    }

    /// Visits every legal placement set once (subsets in candidate order).
    fn visit(&mut self, from: usize, on_set: &mut dyn FnMut(&Self)) {
        on_set(self);
        for i in from..self.candidates.len() {
            let c = self.candidates[i];
            if !self.fits(c) {
                continue;
            }
            let spec = &self.gpu.profiles[c.profile];
            self.mask |= spec.slot_mask(c.start);
            self.compute += spec.compute as u32;
            self.counts[c.profile] += 1;
            self.chosen.push(c);
            self.visit(i + 1, on_set);
            self.chosen.pop();
            self.counts[c.profile] -= 1;
            self.compute -= spec.compute as u32;
            self.mask &= !spec.slot_mask(c.start);
        }
    }

    /// True when no candidate fits beside the current set.
    fn is_full(&self) -> bool {
        self.candidates.iter().all(|&c| !self.fits(c))
    }
}

fn search<'a>(gpu: &'a GpuSpec, allowed: &[usize]) -> Search<'a> {
    Search {
        gpu,
        candidates: candidates(gpu, allowed),
        chosen: Vec::new(),
        counts: vec![0; gpu.profiles.len()],
        mask: 0,
        compute: 0,
    }
}

/// Every legal multiset of `allowed` profiles, each with the first placement found for it.
fn legal_multisets(gpu: &GpuSpec, allowed: &[usize]) -> BTreeMap<Vec<u32>, Vec<Placement>> {
    let mut found = BTreeMap::new();
    let mut s = search(gpu, allowed);
    s.visit(0, &mut |s| {
        found.entry(s.counts.clone()).or_insert_with(|| {
            let mut placed = s.chosen.clone();
            sorting::sort_by_key(&mut placed, |p| (p.start, p.profile));
            placed
        });
    });
    found
}

/// The maximal layouts over `allowed` profiles, largest instances first.
pub fn maximal_layouts(gpu: &GpuSpec, allowed: &[usize]) -> Vec<Layout> {
    let legal = legal_multisets(gpu, allowed);
    let mut layouts: Vec<Layout> = legal
        .iter()
        .filter(|(counts, _)| {
            allowed.iter().all(|&p| {
                let mut bigger = (*counts).clone();
                bigger[p] += 1;
                !legal.contains_key(&bigger)
            })
        })
        .map(|(counts, placements)| Layout { placements: placements.clone(), counts: counts.clone() })
        .collect();
    // Largest instance first, then the next, so `7g` leads and `1g x7` ends the list.
    sorting::sort_by_key(&mut layouts, |l| {
        let mut sizes: Vec<(u8, u8)> = l
            .placements
            .iter()
            .map(|p| (gpu.profiles[p.profile].compute, gpu.profiles[p.profile].memory_slots))
            .collect();
        sorting::sort_by(&mut sizes, |a, b| b.cmp(a));
        std::cmp::Reverse(sizes)
    });
    layouts
}

/// One placement of exactly `counts` instances (indexed like the GPU's profiles), sorted by
/// start, or `None` when the placement rules hold no such set. It is the placement the
/// maximal layouts carry for the same counts (largest instances first, lowest starts
/// first), so a plan's layout placed from its counts alone lands where the plan put it.
pub fn place(gpu: &GpuSpec, counts: &[u32]) -> Option<Vec<Placement>> {
    let allowed: Vec<usize> = (0..gpu.profiles.len()).filter(|&p| counts.get(p).is_some_and(|&c| c > 0)).collect();
    if counts.len() != gpu.profiles.len() {
        return None;
    }
    let mut found = None;
    search(gpu, &allowed).visit(0, &mut |s| {
        if found.is_none() && s.counts == counts {
            let mut placed = s.chosen.clone();
            sorting::sort_by_key(&mut placed, |p| (p.start, p.profile));
            found = Some(placed);
        }
    });
    found
}

/// Number of placement sets over `allowed` to which no instance can be added: layouts
/// counted by their physical order on the GPU rather than by multiset.
pub fn count_full_placements(gpu: &GpuSpec, allowed: &[usize]) -> usize {
    let mut n = 0;
    let mut s = search(gpu, allowed);
    s.visit(0, &mut |s| {
        if s.is_full() {
            n += 1;
        }
    });
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::{all_gpus, gpu};

    fn names(gpu: &GpuSpec, l: &Layout) -> Vec<String> {
        l.placements.iter().map(|p| format!("{}@{}", gpu.profiles[p.profile].name, p.start)).collect()
    }

    #[test]
    fn a100_plain_profiles_have_twelve_maximal_layouts() {
        let g = gpu("a100-40gb").unwrap();
        let layouts = maximal_layouts(&g, &plain_profiles(&g));
        assert_eq!(layouts.len(), 12, "{:?}", layouts.iter().map(|l| names(&g, l)).collect::<Vec<_>>());
        assert_eq!(names(&g, &layouts[0]), ["7g.40gb@0"]);
        assert_eq!(layouts.last().unwrap().placements.len(), 7);
    }

    #[test]
    fn a100_with_double_memory_1g_has_28_maximal_layouts() {
        let g = gpu("a100-40gb").unwrap();
        let mut allowed = plain_profiles(&g);
        allowed.push(g.profile("1g.10gb").unwrap());
        assert_eq!(maximal_layouts(&g, &allowed).len(), 28);
    }

    #[test]
    fn a100_has_nineteen_full_layouts_by_physical_order() {
        let g = gpu("a100-40gb").unwrap();
        assert_eq!(count_full_placements(&g, &plain_profiles(&g)), 19);
    }

    #[test]
    fn a30_has_four_maximal_layouts() {
        let g = gpu("a30-24gb").unwrap();
        let layouts = maximal_layouts(&g, &plain_profiles(&g));
        let sets: Vec<Vec<String>> = layouts.iter().map(|l| names(&g, l)).collect();
        assert_eq!(
            sets,
            vec![
                vec!["4g.24gb@0".to_string()],
                vec!["2g.12gb@0".into(), "2g.12gb@2".into()],
                vec!["2g.12gb@0".into(), "1g.6gb@2".into(), "1g.6gb@3".into()],
                vec!["1g.6gb@0".into(), "1g.6gb@1".into(), "1g.6gb@2".into(), "1g.6gb@3".into()],
            ]
        );
    }

    #[test]
    fn every_gpu_has_the_count_its_slice_shape_implies() {
        for g in all_gpus() {
            let n = maximal_layouts(&g, &plain_profiles(&g)).len();
            let expected = if g.compute_slices == 7 { 12 } else { 4 };
            assert_eq!(n, expected, "{}", g.id);
        }
    }

    #[test]
    fn counts_are_placed_where_the_maximal_layouts_place_them() {
        for g in all_gpus() {
            for layout in maximal_layouts(&g, &plain_profiles(&g)) {
                assert_eq!(place(&g, &layout.counts), Some(layout.placements.clone()), "{}", g.id);
            }
        }
        let g = gpu("a100-40gb").unwrap();
        let mut three_threes = vec![0; g.profiles.len()];
        three_threes[g.profile("3g.20gb").unwrap()] = 3;
        assert_eq!(place(&g, &three_threes), None);
    }

    #[test]
    fn four_plus_three_is_legal_but_three_three_one_is_not() {
        let g = gpu("a100-40gb").unwrap();
        let legal = legal_multisets(&g, &plain_profiles(&g));
        let key = |spec: &[(&str, u32)]| {
            let mut k = vec![0; g.profiles.len()];
            for &(n, c) in spec {
                k[g.profile(n).unwrap()] = c;
            }
            k
        };
        assert!(legal.contains_key(&key(&[("4g.20gb", 1), ("3g.20gb", 1)])));
        assert!(legal.contains_key(&key(&[("3g.20gb", 1), ("2g.10gb", 2)])));
        assert!(!legal.contains_key(&key(&[("3g.20gb", 2), ("1g.5gb", 1)])));
        assert!(!legal.contains_key(&key(&[("2g.10gb", 3), ("1g.5gb", 2)])));
    }
}

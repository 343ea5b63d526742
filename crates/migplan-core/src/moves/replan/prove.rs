//! Closing the gap by branching on which running GPUs stay: a depth-first branch and bound
//! whose parts are bounded by the Lagrangian ([`super::lagrange`]) with those GPUs decided.
//! A part whose bound cannot beat the best plan found is dropped; so is one whose GPUs kept
//! for certain already break a family's constraint (keeping more only costs more). When
//! every part is done, the best plan is proven; before, the largest bound among the parts
//! left is.

use std::collections::HashSet;

use super::costs::Holders;
use super::lagrange::{Descent, Multipliers};
use super::search::{Ground, KeptSet};
use super::situation::Best;
use crate::solve::control::Control;

/// Subgradient steps per part: a part's bound starts from its parent's multipliers, so a few
/// steps move it where the new decision lets it go.
const PART_STEPS: usize = 40;
/// Round-off allowed in the families' sums and in rounding a bound down.
const TOLERANCE: f64 = 1e-6;

/// A part of the search: some running GPUs decided, and a bound on every set in it.
struct Part {
    fixed: Vec<Option<bool>>,
    /// No set of this part keeps more running GPUs.
    bound: f64,
    start: Multipliers,
}

/// The parts left to search.
pub struct Prover {
    parts: Vec<Part>,
    tried: HashSet<Vec<usize>>,
}

impl Prover {
    /// The whole search, bounded by the root's `bound` at the root's multipliers.
    pub fn new(holders: &Holders, bound: f64, start: Multipliers) -> Prover {
        let fixed = holders.keepable.iter().map(|&k| if k { None } else { Some(false) }).collect();
        Prover { parts: vec![Part { fixed, bound, start }], tried: HashSet::new() }
    }

    /// The most running GPUs a plan within the budget keeps, as far as proven: a plan found
    /// keeps `kept` (taken or not), and no part left holds a set keeping more than its bound.
    pub fn most_kept(&self, kept: usize) -> usize {
        self.parts.iter().map(|p| (p.bound + TOLERANCE).floor().max(0.0) as usize).fold(kept, usize::max)
    }

    /// Searches one part: drops it, or splits it in two on one running GPU.
    pub fn step(&mut self, ground: &mut Ground, ctl: &mut Control, best: &mut Best) {
        let Some(part) = self.parts.pop() else { return };
        let kept = |best: &Best| best.fitting;
        let beats = |bound: f64, best: &Best| (bound + TOLERANCE).floor() as usize > kept(best);
        if !beats(part.bound, best) {
            return;
        }
        let certain: Vec<usize> = (0..part.fixed.len()).filter(|&r| part.fixed[r] == Some(true)).collect();
        if KeptSet::new(ground.holders, ground.costs, &certain).slack(ground.budget) < -TOLERANCE {
            return;
        }
        let mut descent = Descent::new(part.start);
        descent.grow(ground.costs.families());
        for _ in 0..PART_STEPS {
            if ctl.out_of_time() || !beats(descent.best, best) {
                break;
            }
            descent.step(ground.holders, ground.costs, ground.budget, &part.fixed, kept(best));
        }
        let bound = part.bound.min(descent.best);
        if !beats(bound, best) {
            return;
        }
        let free: Vec<usize> = (0..part.fixed.len()).filter(|&r| part.fixed[r].is_none()).collect();
        let share = &descent.share;
        let split = free.iter().copied().filter(|&r| share[r] > TOLERANCE && share[r] < 1.0 - TOLERANCE);
        let branch = match split.min_by(|&a, &b| (share[a] - 0.5).abs().total_cmp(&(share[b] - 0.5).abs())) {
            Some(r) => Some(r),
            None => {
                // The relaxation keeps whole GPUs: a set to try, and if it breaks the budget,
                // the GPU whose going frees the most is the one to decide.
                let choice: Vec<usize> =
                    certain.iter().copied().chain(free.iter().copied().filter(|&r| share[r] >= 0.5)).collect();
                let mut set = KeptSet::new(ground.holders, ground.costs, &choice);
                if set.slack(ground.budget) >= -TOLERANCE {
                    if choice.len() > kept(best) && self.tried.insert(choice.clone()) {
                        ground.check(&choice, ctl, best);
                    }
                    free.first().copied()
                } else {
                    free.iter()
                        .copied()
                        .filter(|&r| share[r] >= 0.5)
                        .map(|r| (r, set.slack_toggled(ground.holders, ground.costs, ground.budget, r)))
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                        .map(|(r, _)| r)
                        .or(free.first().copied())
                }
            }
        };
        let Some(r) = branch else { return };
        for keep in [false, true] {
            let mut fixed = part.fixed.clone();
            fixed[r] = Some(keep);
            self.parts.push(Part { fixed, bound, start: descent.at_best.clone() });
        }
    }
}

//! One model's part of the Lagrangian bound ([`super::lagrange`]): which of the running GPUs
//! serving it to keep, each at its weight, against what the rest of its demand costs. Solved
//! exactly by a depth-first search over how many of each capacity are kept.

use super::costs::Costs;

/// Subsets visited per model and evaluation before the model's part is bounded by its
/// search's bound instead of solved.
const MAX_NODES: usize = 20_000;
/// Groups left from which a node also tries the sharper bound.
const SHARP_FROM: usize = 6;

/// The GPUs of one capacity in a model's part. Of those kept, the heaviest are kept: the
/// others could swap in for no more capacity and less weight. So a group is chosen by
/// count.
pub struct Group {
    pub capacity: f64,
    /// Heaviest first, with `members` in the same order.
    pub weights: Vec<f64>,
    pub members: Vec<usize>,
}

impl Group {
    /// The weight of keeping the first `k`.
    fn weight(&self, k: usize) -> f64 {
        self.weights[..k].iter().sum()
    }
}

/// Model `s`'s part, with `base` capacity kept for certain: the best count per group and
/// its value. Past [`MAX_NODES`] the value is the best found or the bound of the whole
/// search, whichever is larger, which stays an upper bound.
pub fn best_part(s: usize, groups: &[Group], base: f64, lambda: &[f64], costs: &mut Costs) -> (f64, Vec<usize>) {
    let mut cost = |kept: f64| -> f64 {
        let kept = base + kept;
        lambda.iter().enumerate().filter(|(_, &l)| l > 0.0).map(|(j, &l)| l * costs.cost(j, s, kept)).sum()
    };
    let mut search = PartSearch {
        groups,
        counts: vec![0; groups.len()],
        best: f64::NEG_INFINITY,
        best_counts: vec![0; groups.len()],
        nodes: 0,
        rest: {
            let mut rest = vec![(0.0, 0.0); groups.len() + 1];
            for (i, g) in groups.iter().enumerate().rev() {
                let gain: f64 = g.weights.iter().map(|w| w.max(0.0)).sum();
                rest[i] = (rest[i + 1].0 + g.capacity * g.members.len() as f64, rest[i + 1].1 + gain);
            }
            rest
        },
    };
    search.visit(0, 0.0, 0.0, &mut cost);
    if search.nodes > MAX_NODES {
        let whole = search.bound(0, 0.0, 0.0, &mut cost);
        return (whole.max(search.best), search.best_counts);
    }
    (search.best, search.best_counts)
}

/// Depth-first search over each group's count.
struct PartSearch<'g> {
    groups: &'g [Group],
    counts: Vec<usize>,
    best: f64,
    best_counts: Vec<usize>,
    nodes: usize,
    /// From each group on: the capacity of every GPU left and their positive weights.
    rest: Vec<(f64, f64)>,
}

impl PartSearch<'_> {
    fn visit(&mut self, i: usize, kept: f64, weight: f64, cost: &mut dyn FnMut(f64) -> f64) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return;
        }
        if i == self.groups.len() {
            let value = weight - cost(kept);
            if value > self.best {
                self.best = value;
                self.best_counts.clone_from(&self.counts);
            }
            return;
        }
        // First the cheap bound (every group left taken, its positive weights gained), then,
        // where many GPUs are left, the sharper one.
        let (rest, gain) = self.rest[i];
        if weight + gain - cost(kept + rest) <= self.best {
            return;
        }
        if self.groups.len() - i > SHARP_FROM && self.bound(i, kept, weight, cost) <= self.best {
            return;
        }
        let g = &self.groups[i];
        // A GPU of no negative weight is always worth keeping: it only lowers the cost.
        let least = g.weights.iter().take_while(|&&w| w >= 0.0).count();
        for k in (least..=g.members.len()).rev() {
            self.counts[i] = k;
            self.visit(i + 1, kept + g.capacity * k as f64, weight + g.weight(k), cost);
        }
        self.counts[i] = 0;
    }

    /// An upper bound on every completion from group `i` on. Taking GPUs in order of weight
    /// per capacity, fractions allowed, gives the most weight for any capacity added; the
    /// cost only falls as capacity grows. So between two GPUs of that order, the weight is
    /// at most the best reached up to the first and the cost at least the cost at the second.
    fn bound(&self, i: usize, kept: f64, weight: f64, cost: &mut dyn FnMut(f64) -> f64) -> f64 {
        let mut items: Vec<(f64, f64)> =
            self.groups[i..].iter().flat_map(|g| g.weights.iter().map(|&w| (g.capacity, w))).collect();
        crate::sorting::sort_by(&mut items, |a, b| (b.1 / b.0).total_cmp(&(a.1 / a.0)));
        // Prefix capacity and the best weight of any prefix from here on (suffix maximum).
        let mut prefix = vec![(0.0, 0.0)];
        for (capacity, w) in items {
            let &(c, p) = prefix.last().expect("starts with the empty prefix");
            prefix.push((c + capacity, p + w));
        }
        let mut reachable = f64::NEG_INFINITY;
        let mut best = f64::NEG_INFINITY;
        for k in (0..prefix.len()).rev() {
            reachable = reachable.max(prefix[k].1);
            let next = prefix.get(k + 1).map_or(prefix[k].0, |p| p.0);
            best = best.max(reachable - cost(kept + next));
        }
        weight + best
    }
}

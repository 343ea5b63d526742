//! The cheapest integer cover of one model's rate, for given per-profile prices.
//!
//! A cover is a count of instances per profile whose summed capacity reaches the rate. With
//! prices from the relaxation's duals this is the pricing problem of column generation; with
//! other prices it answers "how would this model best be served". It is a small integer
//! knapsack-cover problem, solved exactly by depth-first search with an LP bound.

use crate::problem::{covers, instances_needed, still_missing, Problem};
use crate::sorting;

/// Instance counts indexed like the GPU's profiles.
pub type Cover = Vec<u32>;

struct Item {
    profile: usize,
    capacity: f64,
    price: f64,
}

struct Search<'a> {
    items: &'a [Item],
    rate: f64,
    counts: Vec<u32>,
    best_cost: f64,
    best: Option<Vec<u32>>,
}

impl Search<'_> {
    fn visit(&mut self, i: usize, served: f64, cost: f64) {
        if covers(served, self.rate) {
            if cost < self.best_cost - 1e-12 {
                self.best_cost = cost;
                self.best = Some(self.counts.clone());
            }
            return;
        }
        let Some(item) = self.items.get(i) else {
            return;
        };
        let missing = still_missing(served, self.rate);
        // Items are sorted by price per unit of throughput, so this item is the cheapest
        // way to buy what is missing: an LP bound on every completion from here.
        if cost + missing * item.price / item.capacity >= self.best_cost - 1e-12 {
            return;
        }
        let most = instances_needed(missing, item.capacity) as u32;
        let next_unit_price = self.items.get(i + 1).map(|next| next.price / next.capacity);
        for k in (0..=most).rev() {
            let (served, cost) = (served + k as f64 * item.capacity, cost + k as f64 * item.price);
            // With fewer of this item, the rest must come from dearer ones: once the LP bound
            // of what remains prunes a count, it prunes every smaller count too.
            if let Some(unit) = next_unit_price {
                if !covers(served, self.rate)
                    && cost + still_missing(served, self.rate) * unit >= self.best_cost - 1e-12
                {
                    break;
                }
            }
            self.counts[i] = k;
            self.visit(i + 1, served, cost);
        }
        self.counts[i] = 0;
    }
}

/// The cheapest cover of model `s` at `prices` (indexed like the GPU's profiles), and its
/// cost. Among covers of equal cost it prefers the profiles that give the most throughput per
/// compute slice. `None` only when the model has no usable profile.
pub fn cheapest_cover(problem: &Problem, s: usize, prices: &[f64]) -> Option<(Cover, f64)> {
    cheapest_cover_of(problem, s, problem.models[s].rate, prices)
}

/// [`cheapest_cover`] of `rate` rather than the model's own.
pub fn cheapest_cover_of(problem: &Problem, s: usize, rate: f64, prices: &[f64]) -> Option<(Cover, f64)> {
    if rate <= 0.0 {
        return Some((vec![0u32; problem.profiles.len()], 0.0));
    }
    let items = items_by_unit_price(problem, s, prices);
    if items.is_empty() {
        return None;
    }
    let mut search = Search { items: &items, rate, counts: vec![0; items.len()], best_cost: f64::INFINITY, best: None };
    search.visit(0, 0.0, 0.0);
    Some((cover_of(problem, &items, &search.best?), search.best_cost))
}

/// The profiles model `s` runs on, cheapest per unit of throughput first (among equals, the
/// most throughput per compute slice): the order both searches' LP bounds rest on.
fn items_by_unit_price(problem: &Problem, s: usize, prices: &[f64]) -> Vec<Item> {
    let mut items: Vec<Item> = problem
        .usable_profiles
        .iter()
        .filter_map(|&p| Some(Item { profile: p, capacity: problem.capacity[s][p]?.throughput, price: prices[p] }))
        .collect();
    let compute = |p: usize| problem.profiles[p].compute as f64;
    sorting::sort_by(&mut items, |a, b| {
        (a.price / a.capacity)
            .total_cmp(&(b.price / b.capacity))
            .then((compute(a.profile) / a.capacity).total_cmp(&(compute(b.profile) / b.capacity)))
    });
    items
}

/// Counts per item as a cover, indexed like the GPU's profiles.
fn cover_of(problem: &Problem, items: &[Item], counts: &[u32]) -> Cover {
    let mut cover = vec![0u32; problem.profiles.len()];
    items.iter().zip(counts).for_each(|(item, &k)| cover[item.profile] = k);
    cover
}

/// Every minimal cover of model `s` (no instance can go) costing at most `limit` at
/// `prices`, or `None` when there are more than `most`: the columns a plan cheaper than a
/// known one may use, by reduced cost (the proof of [`crate::solve::integer_master`]).
pub fn covers_within(problem: &Problem, s: usize, prices: &[f64], limit: f64, most: usize) -> Option<Vec<Cover>> {
    let rate = problem.models[s].rate;
    if rate <= 0.0 {
        return Some(vec![vec![0; problem.profiles.len()]]);
    }
    let items = items_by_unit_price(problem, s, prices);
    let mut listing = Listing {
        items: &items,
        rate,
        limit: limit + 1e-9 * limit.max(1.0),
        most,
        counts: vec![0; items.len()],
        found: Vec::new(),
    };
    listing.visit(0, 0.0, 0.0).then(|| listing.found.iter().map(|counts| cover_of(problem, &items, counts)).collect())
}

struct Listing<'a> {
    items: &'a [Item],
    rate: f64,
    limit: f64,
    most: usize,
    counts: Vec<u32>,
    found: Vec<Vec<u32>>,
}

impl Listing<'_> {
    /// False once more than `most` covers are found.
    fn visit(&mut self, i: usize, served: f64, cost: f64) -> bool {
        if covers(served, self.rate) {
            let minimal = self
                .items
                .iter()
                .zip(&self.counts)
                .all(|(item, &k)| k == 0 || !covers(served - item.capacity, self.rate));
            if minimal {
                self.found.push(self.counts.clone());
            }
            return self.found.len() <= self.most;
        }
        let Some(item) = self.items.get(i) else {
            return true;
        };
        // Items are sorted by price per unit of throughput: no completion is cheaper than
        // buying what is missing at this item's.
        if cost + still_missing(served, self.rate) * item.price / item.capacity > self.limit {
            return true;
        }
        let needed = instances_needed(self.rate - served, item.capacity) as u32;
        for k in 0..=needed {
            let cost = cost + k as f64 * item.price;
            if cost > self.limit {
                break;
            }
            self.counts[i] = k;
            if !self.visit(i + 1, served + k as f64 * item.capacity, cost) {
                return false;
            }
        }
        self.counts[i] = 0;
        true
    }
}

/// Covers of model `s` by whole copies of one layout, using the instances it can run on:
/// one per layout that serves it at all.
pub fn layout_fills(problem: &Problem, s: usize) -> Vec<Vec<usize>> {
    let rate = problem.models[s].rate;
    problem
        .layouts
        .iter()
        .filter_map(|layout| {
            let usable: Vec<usize> = layout
                .counts
                .iter()
                .enumerate()
                .map(|(p, &k)| if problem.capacity[s][p].is_some() { k as usize } else { 0 })
                .collect();
            let per_copy: f64 = usable
                .iter()
                .enumerate()
                .map(|(p, &k)| k as f64 * problem.capacity[s][p].map_or(0.0, |c| c.throughput))
                .sum();
            (per_copy > 0.0 && rate > 0.0).then(|| {
                let copies = instances_needed(rate, per_copy);
                usable.iter().map(|&k| k * copies).collect()
            })
        })
        .collect()
}

/// Cost of a cover at `prices`.
pub fn cost(cover: &[u32], prices: &[f64]) -> f64 {
    cover.iter().zip(prices).map(|(&k, &p)| k as f64 * p).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::gpu;
    use crate::hardware::fleet::Fleet;
    use crate::problem::{Capacity, Model};

    fn problem(rate: f64, caps: &[(&str, f64)]) -> Problem {
        let g = gpu("a100-40gb").unwrap();
        let mut row = vec![None; g.profiles.len()];
        for &(name, t) in caps {
            row[g.profile(name).unwrap()] = Some(Capacity { throughput: t, batch: 1, processes: 1, latency_ms: 1.0 });
        }
        Problem::from_capacity(Fleet::one(g), vec![Model { name: "m".into(), rate, slo_ms: 10.0 }], vec![row])
    }

    fn brute_force(p: &Problem, prices: &[f64]) -> f64 {
        let usable: Vec<usize> = p.usable_profiles.clone();
        let mut best = f64::INFINITY;
        let mut counts = vec![0u32; usable.len()];
        loop {
            let served: f64 =
                usable.iter().zip(&counts).map(|(&q, &k)| k as f64 * p.capacity[0][q].unwrap().throughput).sum();
            if covers(served, p.models[0].rate) {
                best = best.min(usable.iter().zip(&counts).map(|(&q, &k)| k as f64 * prices[q]).sum());
            }
            let mut i = 0;
            loop {
                if i == counts.len() {
                    return best;
                }
                counts[i] += 1;
                if counts[i] <= 12 {
                    break;
                }
                counts[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn matches_brute_force() {
        let p = problem(2300.0, &[("1g.5gb", 310.0), ("2g.10gb", 640.0), ("3g.20gb", 900.0), ("7g.40gb", 2000.0)]);
        let g = p.spec(0);
        for prices in [[0.14, 0.28, 0.43, 1.0], [0.1, 0.3, 0.3, 0.7], [0.0, 0.5, 0.2, 1.0], [0.2, 0.2, 0.2, 0.2]] {
            let mut full = vec![0.0; g.profiles.len()];
            for (name, price) in ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"].iter().zip(prices) {
                full[g.profile(name).unwrap()] = price;
            }
            let (cover, c) = cheapest_cover(&p, 0, &full).unwrap();
            assert!((c - brute_force(&p, &full)).abs() < 1e-9, "{prices:?}");
            assert!((cost(&cover, &full) - c).abs() < 1e-9);
            let served: f64 =
                cover.iter().enumerate().map(|(q, &k)| k as f64 * p.capacity[0][q].map_or(0.0, |c| c.throughput)).sum();
            assert!(covers(served, 2300.0));
        }
    }

    #[test]
    fn free_profiles_prefer_throughput_per_slice() {
        let p = problem(1000.0, &[("1g.5gb", 300.0), ("7g.40gb", 1000.0)]);
        let (cover, c) = cheapest_cover(&p, 0, &vec![0.0; p.profiles.len()]).unwrap();
        assert_eq!(c, 0.0);
        assert_eq!(cover[p.spec(0).profile("1g.5gb").unwrap()], 4);
    }

    #[test]
    fn covers_within_lists_every_minimal_cover_up_to_the_limit() {
        let p = problem(2300.0, &[("1g.5gb", 310.0), ("2g.10gb", 640.0), ("3g.20gb", 900.0), ("7g.40gb", 2000.0)]);
        let names = ["1g.5gb", "2g.10gb", "3g.20gb", "7g.40gb"];
        let index: Vec<usize> = names.iter().map(|n| p.spec(0).profile(n).unwrap()).collect();
        let mut prices = vec![0.0; p.profiles.len()];
        for (&q, price) in index.iter().zip([0.14, 0.28, 0.43, 1.0]) {
            prices[q] = price;
        }
        let served =
            |c: &[u32]| -> f64 { index.iter().map(|&q| c[q] as f64 * p.capacity[0][q].unwrap().throughput).sum() };
        let (_, floor) = cheapest_cover(&p, 0, &prices).unwrap();
        for slack in [0.0, 0.3, 1.0] {
            let mut listed = covers_within(&p, 0, &prices, floor + slack, 10_000).unwrap();
            // Every count up to 12 of each profile, kept when it covers, no instance can go,
            // and it costs at most the limit.
            let mut expected = Vec::new();
            for n in 0..13u32.pow(4) {
                let mut c = vec![0u32; p.profiles.len()];
                (0..4).for_each(|i| c[index[i]] = n / 13u32.pow(i as u32) % 13);
                let minimal = index.iter().all(|&q| {
                    c[q] == 0 || {
                        let mut less = c.clone();
                        less[q] -= 1;
                        !covers(served(&less), 2300.0)
                    }
                });
                if covers(served(&c), 2300.0) && minimal && cost(&c, &prices) <= floor + slack + 1e-9 {
                    expected.push(c);
                }
            }
            listed.sort();
            expected.sort();
            assert_eq!(listed, expected, "slack {slack}");
            assert!(
                covers_within(&p, 0, &prices, floor + slack, listed.len() - 1).is_none(),
                "more covers than allowed"
            );
        }
    }

    #[test]
    fn covers_within_keeps_a_cover_that_meets_the_rate_only_within_its_tolerance() {
        // 9 x 1 + (1 - 9e-9) is short of 10 by less than covers() allows: a minimal cover,
        // costing exactly the limit.
        let p = problem(10.0, &[("1g.5gb", 1.0), ("2g.10gb", 1.0 - 9e-9)]);
        let (a, b) = (p.spec(0).profile("1g.5gb").unwrap(), p.spec(0).profile("2g.10gb").unwrap());
        let mut prices = vec![0.0; p.profiles.len()];
        (prices[a], prices[b]) = (1.0, 1000.0);
        let listed = covers_within(&p, 0, &prices, 1009.0, 100).unwrap();
        assert!(listed.iter().any(|c| c[a] == 9 && c[b] == 1), "{listed:?}");
    }
}

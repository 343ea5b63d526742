//! What the rest of the demand must cost on new GPUs when some running GPUs stay: per model,
//! the cheapest integer cover of the rate the kept GPUs leave, at profile prices under which
//! every layout costs at most one GPU. At any such prices, keeping the set `K` within a
//! budget of `N` GPUs needs `|K| + sum_s C_s(rate_s - kept_s(K)) <= N`, since a new GPU costs
//! at least its instances' prices. Each price vector found (the new demand's relaxation,
//! then those proving a residual too big) adds one such constraint: a *family*.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::problem::{covers, Problem};
use crate::solve::cover::cheapest_cover_of;
use crate::solve::deployment::GpuConfig;

/// Who serves whom among the running GPUs that can stay.
pub struct Holders {
    /// Per model: the running GPUs serving it and the capacity each gives it.
    pub of_model: Vec<Vec<(usize, f64)>>,
    /// Per running GPU: the models it serves and the capacity it gives each (empty for a
    /// GPU that cannot stay, or serves nothing).
    pub of_gpu: Vec<Vec<(usize, f64)>>,
    /// Per running GPU: whether it can stay at all.
    pub keepable: Vec<bool>,
}

impl Holders {
    pub fn new(problem: &Problem, running: &[Option<GpuConfig>]) -> Holders {
        let mut of_model: Vec<Vec<(usize, f64)>> = vec![Vec::new(); problem.models.len()];
        let mut of_gpu: Vec<Vec<(usize, f64)>> = vec![Vec::new(); running.len()];
        for (r, c) in running.iter().enumerate() {
            let Some(c) = c else { continue };
            for (pl, m) in problem.layouts[c.layout].placements.iter().zip(&c.models) {
                let Some(s) = *m else { continue };
                let capacity = problem.capacity[s][pl.profile].map_or(0.0, |c| c.throughput);
                match of_gpu[r].iter_mut().find(|(t, _)| *t == s) {
                    Some(held) => held.1 += capacity,
                    None => of_gpu[r].push((s, capacity)),
                }
            }
            for &(s, capacity) in &of_gpu[r] {
                of_model[s].push((r, capacity));
            }
        }
        let keepable = running.iter().map(Option::is_some).collect();
        Holders { of_model, of_gpu, keepable }
    }

    /// The capacity the kept GPUs give model `s`, summed in the holders' order so that the
    /// same set always gives the same number.
    pub fn kept_capacity(&self, s: usize, kept: &[bool]) -> f64 {
        self.of_model[s].iter().filter(|(r, _)| kept[*r]).map(|(_, c)| c).sum()
    }
}

/// The residual's cost per model at each price vector of the families, remembered. The
/// families hold whatever the budget: a replan's points share them.
pub struct Costs {
    /// The new demand (only its models and capacities are read).
    problem: Problem,
    /// Price vectors, each a family.
    prices: Vec<Vec<f64>>,
    /// Per family and model: cost by the kept capacity's bits.
    memo: Vec<Vec<Memo>>,
}

/// The bound's search looks costs up millions of times: a multiplicative hash of the one
/// `u64` key is several times faster than the standard library's SipHash here, and these
/// keys are no input an attacker chooses.
type Memo = HashMap<u64, f64, BuildHasherDefault<BitsHasher>>;

#[derive(Default)]
struct BitsHasher(u64);

impl Hasher for BitsHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.write_u64(b as u64));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl Costs {
    pub fn new(problem: Problem, prices: Vec<f64>) -> Costs {
        let memo = vec![vec![Memo::default(); problem.models.len()]];
        Costs { problem, prices: vec![prices], memo }
    }

    pub fn families(&self) -> usize {
        self.prices.len()
    }

    /// Adds a price vector; returns false when it is one already held.
    pub fn add_family(&mut self, prices: Vec<f64>) -> bool {
        if self.prices.iter().any(|p| p == &prices) {
            return false;
        }
        self.prices.push(prices);
        self.memo.push(vec![Memo::default(); self.memo[0].len()]);
        true
    }

    /// What new GPUs must spend on model `s` at family `j`'s prices when the kept GPUs give
    /// it `kept` (infinite when nothing can serve what is left).
    pub fn cost(&mut self, j: usize, s: usize, kept: f64) -> f64 {
        let rate = self.problem.models[s].rate;
        if covers(kept, rate) {
            return 0.0;
        }
        let (problem, prices) = (&self.problem, &self.prices[j]);
        *self.memo[j][s]
            .entry(kept.to_bits())
            .or_insert_with(|| cheapest_cover_of(problem, s, rate - kept, prices).map_or(f64::INFINITY, |c| c.1))
    }
}

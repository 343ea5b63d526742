//! Which running GPU each target GPU becomes, so that the most instances stay where they are.
//!
//! GPUs identical in the two plans are matched first: no assignment keeps more (for target
//! `t` and running `r` equal, `|t ∩ r'| + |t' ∩ t| - |t| <= |t' ∩ r'|`, so swapping them
//! into a pair never loses). The rest are weighted by the instances they share, found
//! through an index rather than by comparing every pair, and matched by the Hungarian
//! method while they are few, greedily by weight when a move changes hundreds of GPUs (the
//! cubic method would take seconds there). Targets left over take leftover running GPUs;
//! past those they are new GPUs. A GPU keeps its type: only GPUs of one type are matched.

use std::collections::{HashMap, VecDeque};

use crate::moves::assignment::assignment;
use crate::plan::{Plan, PlanGpu, PlanInstance};
use crate::sorting;

/// Past this many changed GPUs on either side, the greedy matching replaces the Hungarian one.
const HUNGARIAN_UP_TO: usize = 300;

type Key<'a> = (&'a str, u8, Option<&'a str>);

fn key(i: &PlanInstance) -> Key<'_> {
    (i.profile.as_str(), i.start, i.model.as_deref())
}

fn gpu_key(instances: &[PlanInstance]) -> Vec<Key<'_>> {
    let mut k: Vec<Key> = instances.iter().map(key).collect();
    sorting::sort(&mut k);
    k
}

/// The type of each GPU of `plan`: its own `gpu`, else the plan's, in lower case.
pub fn gpu_types(plan: &Plan) -> Vec<String> {
    plan.gpus.iter().map(|g| g.gpu.as_deref().unwrap_or(&plan.gpu).to_ascii_lowercase()).collect()
}

/// For each GPU of `to` (by index), the index of the GPU of `from` of the same type it
/// becomes, or `None` for a GPU to add.
pub fn match_gpus(from: &Plan, to: &Plan) -> Vec<Option<usize>> {
    let (from_types, to_types) = (gpu_types(from), gpu_types(to));
    let mut types: Vec<&str> = to_types.iter().map(String::as_str).collect();
    sorting::sort(&mut types);
    types.dedup();
    let mut chosen: Vec<Option<usize>> = vec![None; to.gpus.len()];
    for t in types {
        let (rs, ts): (Vec<usize>, Vec<usize>) = (
            (0..from.gpus.len()).filter(|&r| from_types[r] == t).collect(),
            (0..to.gpus.len()).filter(|&i| to_types[i] == t).collect(),
        );
        let (running, target): (Vec<&PlanGpu>, Vec<&PlanGpu>) =
            (rs.iter().map(|&r| &from.gpus[r]).collect(), ts.iter().map(|&i| &to.gpus[i]).collect());
        for (i, r) in match_one_type(&running, &target).into_iter().enumerate() {
            chosen[ts[i]] = r.map(|r| rs[r]);
        }
    }
    chosen
}

/// [`match_gpus`] for the GPUs of one type.
fn match_one_type(from: &[&PlanGpu], to: &[&PlanGpu]) -> Vec<Option<usize>> {
    let mut chosen: Vec<Option<usize>> = vec![None; to.len()];
    let mut identical: HashMap<Vec<Key>, VecDeque<usize>> = HashMap::new();
    for (r, g) in from.iter().enumerate() {
        identical.entry(gpu_key(&g.instances)).or_default().push_back(r);
    }
    let mut taken = vec![false; from.len()];
    for (t, g) in to.iter().enumerate() {
        if let Some(r) = identical.get_mut(&gpu_key(&g.instances)).and_then(VecDeque::pop_front) {
            chosen[t] = Some(r);
            taken[r] = true;
        }
    }
    let targets: Vec<usize> = (0..to.len()).filter(|&t| chosen[t].is_none()).collect();
    let running: Vec<usize> = (0..from.len()).filter(|&r| !taken[r]).collect();
    // Shared instances between the rest, through an index from instance to running GPUs.
    let mut holders: HashMap<Key, Vec<usize>> = HashMap::new();
    for (column, &r) in running.iter().enumerate() {
        for i in &from[r].instances {
            holders.entry(key(i)).or_default().push(column);
        }
    }
    let weights: Vec<HashMap<usize, i64>> = targets
        .iter()
        .map(|&t| {
            let mut shared: HashMap<usize, i64> = HashMap::new();
            for i in &to[t].instances {
                for &column in holders.get(&key(i)).map_or(&[][..], Vec::as_slice) {
                    *shared.entry(column).or_default() += 1;
                }
            }
            shared
        })
        .collect();
    let pairs: Vec<Option<usize>> = if targets.len().max(running.len()) <= HUNGARIAN_UP_TO {
        let dense: Vec<Vec<i64>> =
            weights.iter().map(|w| (0..running.len()).map(|c| w.get(&c).copied().unwrap_or(0)).collect()).collect();
        assignment(&dense).into_iter().map(|c| (c < running.len()).then_some(c)).collect()
    } else {
        greedy(&weights, running.len())
    };
    let mut free: VecDeque<usize> = VecDeque::new();
    let mut used = vec![false; running.len()];
    for (row, pair) in pairs.iter().enumerate() {
        if let Some(c) = *pair {
            chosen[targets[row]] = Some(running[c]);
            used[c] = true;
        }
    }
    free.extend((0..running.len()).filter(|&c| !used[c]));
    for (row, pair) in pairs.iter().enumerate() {
        if pair.is_none() {
            chosen[targets[row]] = free.pop_front().map(|c| running[c]);
        }
    }
    chosen
}

/// Pairs rows with columns by descending shared weight, each at most once.
fn greedy(weights: &[HashMap<usize, i64>], columns: usize) -> Vec<Option<usize>> {
    let mut edges: Vec<(i64, usize, usize)> =
        weights.iter().enumerate().flat_map(|(row, w)| w.iter().map(move |(&c, &n)| (n, row, c))).collect();
    sorting::sort_by(&mut edges, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut pairs = vec![None; weights.len()];
    let mut used = vec![false; columns];
    for (_, row, c) in edges {
        if pairs[row].is_none() && !used[c] {
            pairs[row] = Some(c);
            used[c] = true;
        }
    }
    pairs
}

//! Sorting with one instance of the standard library's sort.
//!
//! Every `sort_by` with its own closure or element type compiles the standard sort again
//! (a few KB of wasm each), and the web app's one binary had about forty of them. Here one
//! stable sort of indexes, comparing through a `&mut dyn FnMut`, serves every call; the
//! elements are then put in that order in place. Same results as `slice::sort_by` (stable:
//! equal elements keep their order), at the price of one indirect call per comparison.
//! Ordered maps and sets are built by inserting ([`map_of`], [`set_of`]): collecting into
//! a `BTreeMap` sorts its pairs first, with yet another instance.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The indexes `0..n` in the order `compare` gives them, equal ones in index order.
pub fn sorted_indexes(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// `items` sorted by `compare`, stably, as `slice::sort_by` would.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indexes(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    put_in_order(items, order);
}

/// `items` sorted by the key `key` gives each, stably, as `slice::sort_by_key` would.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// `items` in ascending order, as `slice::sort` would.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The map of `pairs`, a repeated key keeping its last value, as `collect()` would give.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        map.insert(key, value);
    }
    map
}

/// The set of `items`, as `collect()` would give.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// Moves `items[order[k]]` to position `k` for every `k`, following each cycle of the
/// permutation once.
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        // Position `at` still waits for `items[order[at]]`; the element that belongs at the
        // cycle's start is already there once `order[at]` comes back to `start`.
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_as_the_standard_sort_does_equal_keys_kept_in_order(
            items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)
        ) {
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(key, _)| key);
            let mut standard = items.clone();
            standard.sort_by_key(|&(key, _)| key);
            prop_assert_eq!(ours, standard);
        }

        #[test]
        fn sort_by_with_a_reversed_comparison_matches_the_standard_one(
            items in proptest::collection::vec(any::<i32>(), 0..200)
        ) {
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| b.cmp(a));
            let mut standard = items;
            standard.sort_by(|a, b| b.cmp(a));
            prop_assert_eq!(ours, standard);
        }
    }

    #[test]
    fn a_map_keeps_the_last_value_of_a_repeated_key_as_collect_does() {
        let pairs = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(map_of(pairs)["b"], 3);
        assert_eq!(set_of([3, 1, 3]), BTreeSet::from([1, 3]));
    }

    #[test]
    fn a_rotation_is_put_in_order() {
        let mut items = vec!['a', 'b', 'c', 'd'];
        put_in_order(&mut items, vec![2, 3, 0, 1]);
        assert_eq!(items, vec!['c', 'd', 'a', 'b']);
        let mut items = vec!['a', 'b', 'c'];
        put_in_order(&mut items, vec![2, 0, 1]);
        assert_eq!(items, vec!['c', 'a', 'b']);
    }
}
